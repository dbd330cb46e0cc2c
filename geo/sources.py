"""What the Sources page shows: datasets with provenance, indicator definitions, coverage.

Pure (no Streamlit).
"""

from __future__ import annotations

import pandas as pd

from geo.data import DATASETS, dataset_provenance
from geo.i18n import STRINGS, t
from geo.indicators import INDICATORS
from geo.names import BEIJING_CODE, BEIJING_DISTRICTS
from geo.paths import ROOT
from geo.provenance import ProvenanceError

__all__ = ["indicator_label", "figure_rows", "dataset_table", "indicator_table", "coverage_table", "coverage_cell",
           "REGION_GROUPS"]

#: Short codes of the coverage table, as in the research notes: nD = n of the 16 districts.
REGION_GROUPS = {BEIJING_CODE: "BJ", "120000": "TJ", "130000": "HB", "BDA": "BDA", "ZGC": "ZGC",
                 "ZGC_CORE": "ZGC核心区"}


def indicator_label(indicator: str, lang: str = "zh") -> str:
    """Return the readable name of an indicator id (catalogue first, then ``an.ind.<id>``, else the id).

    >>> indicator_label("pct_applications"), indicator_label("patent_agencies", "en"), indicator_label("zz")
    ('PCT国际专利申请量', 'Patent agencies (count)', 'zz')
    """
    ind = INDICATORS.get(indicator)
    if ind is not None:
        return ind.name_en if lang == "en" else ind.name_zh
    key = f"an.ind.{indicator}"
    return t(key, lang) if key in STRINGS else indicator


def dataset_table(lang: str = "zh") -> pd.DataFrame:
    """Return one row per shipped dataset: file, title, producer, source, licence, script, built, status, rows.

    A dataset whose provenance is incomplete is listed with the error in ``problem`` (the loaders
    refuse it).
    """
    rows = []
    for name, spec in DATASETS.items():
        rec = {"name": name, "file": str(spec.path.relative_to(ROOT)), "problem": ""}
        try:
            p = dataset_provenance(name)
            rec.update(title=p.title, producer=p.producer, source_url=p.source_url, licence=p.licence,
                       script=p.script, date_built=p.date_built, status=p.status, nrows=int(p.nrows),
                       sha256=p.sha256[:12])
        except ProvenanceError as exc:
            rec.update(title="", producer="", source_url="", licence="", script="", date_built="", status="",
                       nrows=0, sha256="", problem=str(exc))
        rows.append(rec)
    df = pd.DataFrame(rows)
    return df[[c for c in df.columns if c != "problem"] + ["problem"]]


def indicator_table(lang: str = "zh") -> pd.DataFrame:
    """Return the indicator catalogue: id, name, unit, kind (stock/flow/ratio), definition."""
    return pd.DataFrame([{
        "id": i.id,
        "name": i.name_en if lang == "en" else i.name_zh,
        "unit": i.unit,
        "kind": t(f"an.kind.{i.kind}", lang),
        "definition": i.definition_en if lang == "en" else i.definition_zh,
    } for i in INDICATORS.values()])


def coverage_cell(codes: set[str], statuses: set[str]) -> str:
    """Return one cell of the coverage table: ``nD`` for districts (⚠ if any demo), then region codes.

    >>> coverage_cell({"110000", "110108", "110101"}, {"official", "demo"})
    '2D⚠ BJ'
    >>> coverage_cell(set(), set())
    ''
    """
    n = len([c for c in codes if c in BEIJING_DISTRICTS])
    parts = [f"{n}D" + ("⚠" if "demo" in statuses else "")] if n else []
    parts += [REGION_GROUPS.get(c, c) for c in sorted(codes, key=lambda c: (c not in REGION_GROUPS, c))
              if c not in BEIJING_DISTRICTS]
    return " ".join(parts)


def coverage_table(indicators: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Return indicator × year: which regions have a value (BJ, TJ, HB, BDA, ZGC, nD = n districts).

    Rows are indicators (readable names), columns are years; ⚠ marks district cells that are demo.
    """
    d = indicators[indicators["year"].notna() & pd.to_numeric(indicators["value"], errors="coerce").notna()]
    years = sorted(int(y) for y in d["year"].unique())
    out = []
    for ind, group in d.groupby("indicator", sort=True):
        row = {"indicator": ind, "name": indicator_label(str(ind), lang)}
        for y in years:
            g = group[group["year"] == y]
            row[str(y)] = coverage_cell(set(g["region_code"].astype(str)), set(g["status"]))
        out.append(row)
    return pd.DataFrame(out, columns=["indicator", "name", *[str(y) for y in years]])


def figure_rows(rows: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Return indicator rows as the tables and charts show them, sources kept on every row.

    Columns: region_code, indicator, [name — only with ``lang``], year, value, unit, status,
    source_url, source_note.
    """
    out = {"region_code": rows["region_code"].astype(str).to_numpy(), "indicator": rows["indicator"].to_numpy()}
    if lang is not None:
        out["name"] = [indicator_label(i, lang) for i in rows["indicator"]]
    out.update({
        "year": rows["year"].astype(int).to_numpy(),
        "value": pd.to_numeric(rows["value"]).astype(float).to_numpy(),
        "unit": rows["unit"].fillna("").to_numpy(),
        "status": rows["status"].to_numpy(),
        "source_url": rows["source_url"].fillna("").to_numpy(),
        "source_note": rows["source_note"].fillna("").to_numpy(),
    })
    return pd.DataFrame(out)

