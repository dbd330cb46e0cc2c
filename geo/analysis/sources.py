"""What the Sources page shows: datasets with provenance, indicator definitions, coverage.

Pure (no Streamlit).
"""

from __future__ import annotations

import re

import pandas as pd

from geo.data.datasets import DATASETS, dataset_provenance, read_district_figures, read_source_upgrades
from geo.data.indicators import INDICATORS
from geo.data.names import BEIJING_CODE, BEIJING_DISTRICTS
from geo.data.paths import ROOT
from geo.data.provenance import ProvenanceError
from geo.data.source_kind import KINDS, kind_label, source_kind, source_kind_label
from geo.text.i18n import STRINGS, t
from geo.text.labels import name_of, note_text, short_note

__all__ = [
    "CROSS_CHECK_ONLY",
    "DEMO_ALPHA",
    "DEMO_HAIDIAN_RATIO",
    "DISTRICT_ROWS",
    "REGION_GROUPS",
    "coverage_cell",
    "coverage_table",
    "cross_checks",
    "dataset_table",
    "figure_rows",
    "indicator_label",
    "indicator_table",
    "kind_counts",
    "source_conflicts",
    "source_upgrades_table",
]

def _demo_alpha(key: str) -> float:
    try:
        return float(dataset_provenance("demo_district_series").extra.get(key, float("nan")))
    except ProvenanceError:  # the loaders refuse the dataset anyway; the page shows the problem
        return float("nan")


#: The power of the proxy the demo series used (recorded by scripts/make_demo.py in the sidecar).
DEMO_ALPHA = _demo_alpha("alpha")
#: 海淀's demo level as a multiple of the city's (from its published 2024 stock; same sidecar).
DEMO_HAIDIAN_RATIO = _demo_alpha("haidian_ratio")

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
        return name_of(ind, lang)
    key = f"an.ind.{indicator}"
    return t(key, lang) if key in STRINGS else indicator


def dataset_table(lang: str = "zh") -> pd.DataFrame:
    """Return one row per shipped dataset: file, title, producer, source, licence, script, built, status, rows.

    A dataset whose provenance is incomplete is listed with the error in ``problem`` (the loaders
    refuse it).
    """
    rows = []
    for name, spec in DATASETS.items():
        rec: dict[str, object] = {"name": name, "file": str(spec.path.relative_to(ROOT)), "problem": ""}
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
        "name": name_of(i, lang),
        "unit": i.unit,
        "kind": t(f"an.kind.{i.kind}", lang),
        "definition": name_of(i, lang, "definition"),
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
    source_url, source_note, source_kind, [source_kind_label — only with ``lang``, e.g. 官方数据 · 转载来源].
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
    kinds = rows["source_kind"] if "source_kind" in rows else rows["source_url"].map(source_kind)
    out["source_kind"] = kinds.fillna("generated").to_numpy()
    if lang is not None:
        out["source_kind_label"] = [source_kind_label(k, s, lang) for k, s in zip(out["source_kind"], out["status"], strict=False)]
    return pd.DataFrame(out)



def kind_counts(indicators: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Return how many figures (rows the map and tables use: ``primary``) and sources come from each kind.

    Columns: kind, label, figures (primary rows), all_rows (every source row), official (primary
    official figures). Every kind is listed, even with 0.
    """
    kinds = indicators["source_kind"] if "source_kind" in indicators else indicators["source_url"].map(source_kind)
    primary = indicators["primary"].astype(bool)
    official = primary & (indicators["status"] == "official")
    return pd.DataFrame([{
        "kind": k, "label": kind_label(k, lang), "figures": int((primary & (kinds == k)).sum()),
        "all_rows": int((kinds == k).sum()), "official": int((official & (kinds == k)).sum()),
    } for k in KINDS])


def source_upgrades_table(lang: str = "zh") -> pd.DataFrame:
    """Return every stronger page found for a weakly sourced figure: old and new source, and whether they agree."""
    u = read_source_upgrades()
    return pd.DataFrame({
        "figure": u["row_key"], "old_value": [_value_text(v, lang) for v in u["old_value"]], "old_url": u["old_url"],
        "old_kind": [kind_label(source_kind(x), lang) for x in u["old_url"]],
        "new_value": [_value_text(v, lang) for v in u["new_value"]], "new_url": u["new_url"],
        "new_kind": [kind_label(source_kind(x), lang) for x in u["new_url"]],
        "agrees": [t(f"src.why.agree_{a}", lang) if a in ("yes", "no") else a for a in u["agrees"]],
        "quote": [note_text(q, lang) for q in u["quote"]],
    })


def _value_text(value: str, lang: str) -> str:
    """Return a value as published; on a Chinese page an English remark after the number is not shown.

    >>> _value_text("39.8 (15.8 existing + 24 expansion; the sum is implied, not stated)", "zh")
    '39.8 (附注为英文, 见英文页面)'
    >>> _value_text("10.8万件", "zh"), _value_text("39.8 (15.8 existing + 24)", "en")
    ('10.8万件', '39.8 (15.8 existing + 24)')
    """
    m = re.match(r"^\s*([-+\d.,]+\s*(?:万|亿)?\S*?)\s+(\(.*\))\s*$", str(value))
    if lang != "zh" or m is None:
        return str(value)
    remark = short_note(m.group(2), lang)
    return f"{m.group(1)} {remark if remark is not None else t('src.value_remark', lang)}"


def source_conflicts(lang: str = "zh") -> pd.DataFrame:
    """Return the figures two sources disagree on (``agrees=no``): both values and both pages, unresolved."""
    t_ = source_upgrades_table(lang)
    return t_[t_["agrees"] == t("src.why.agree_no", lang)].reset_index(drop=True)


#: district_and_zone_source.csv rows scripts/build_indicators.py takes as figures: (region_code, year, indicator) -> (region, indicator).
DISTRICT_ROWS = {
    ("110107", "2019", "invention_patents_per_10k"): ("110107", "invention_patents_per_10k"),
    ("110107", "2019", "invention_patents_in_force"): ("110107", "invention_patents_in_force"),
    ("110107", "2019", "patent_applications"): ("110107", "patent_applications"),
    ("110107", "2019", "patent_grants"): ("110107", "patent_grants"),
    ("110107", "2019", "pct_applications"): ("110107", "pct_applications"),
    ("zgc_core", "2015", "invention_applications"): ("ZGC_CORE", "invention_applications"),
    ("zgc_core", "2015", "invention_grants"): ("ZGC_CORE", "invention_grants"),
    ("zgc", "2023", "invention_grants"): ("ZGC", "invention_grants_hightech_enterprises"),
    ("130100", "2016", "patent_applications"): ("130100", "patent_applications"),
    ("130100", "2016", "patent_grants"): ("130100", "patent_grants"),
    ("130100", "2016", "invention_applications"): ("130100", "invention_applications"),
    ("130100", "2016", "invention_grants"): ("130100", "invention_grants"),
}
#: Rows of district_and_zone_source.csv that are not figures, with why (see scripts/build_indicators.py).
CROSS_CHECK_ONLY = {  # -> the reason's key src.why.<key> (locale/sources.json)
    "github.com": "third_hand",
    "超过": "more",
    "接近": "close",
    "近": "nearly",
}


def cross_checks(lang: str = "zh") -> pd.DataFrame:
    """Return the district and zone figures shown only as cross-checks (not on the map), each with why.

    A row is a cross-check when scripts/build_indicators.py did not take it as a figure: third-hand,
    a bound, part of a year, a rank, or already in the table from the same page.
    """
    taken = set(DISTRICT_ROWS)
    d = read_district_figures()
    rows = []
    for r in d.itertuples():
        if (r.region_code, r.year, r.indicator) in taken:
            continue
        why = next((w for k, w in CROSS_CHECK_ONLY.items() if k in r.source_url or str(r.value).startswith(k)), "")
        if not why:
            part = ".." in r.as_of or bool(re.fullmatch(r"\d{4}-(0\d|1[01])", r.as_of)) or "article" in r.as_of
            why = ("rank" if r.indicator.endswith("_rank_in_beijing") else "part" if part else "already")
        rows.append({"region_code": r.region_code, "indicator_code": r.indicator,
                     "region": r.region_name_zh, "year": r.year, "indicator": indicator_label(r.indicator, lang),
                     "value": r.value, "unit": r.unit, "source_kind": kind_label(r.source_kind, lang),
                     "source_url": r.source_url, "why": t(f"src.why.{why}", lang), "quote": note_text(r.quote, lang)})
    return pd.DataFrame(rows)
