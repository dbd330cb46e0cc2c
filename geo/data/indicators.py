"""Indicator catalogue and queries over the long indicator table."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from geo.data.names import BEIJING_CODE, BEIJING_DISTRICTS
from geo.text.i18n import DEFAULT_LANG
from geo.text.labels import name_of

__all__ = [
    "INDICATORS",
    "MAP_INDICATORS",
    "STATUS_RANK",
    "Indicator",
    "anchor_demo",
    "best_year",
    "city_series",
    "district_values",
    "hide_demo",
    "indicator_definition",
    "indicator_name",
    "primary_rows",
    "shown_rows",
    "years_with_data",
]


@dataclass(frozen=True)
class Indicator:
    """What an indicator id means."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    kind: str  # "stock" (at year end) or "flow" (during the year) or "ratio"
    definition_zh: str
    definition_en: str


INDICATORS: dict[str, Indicator] = {i.id: i for i in [
    Indicator("invention_patents_per_10k", "每万人发明专利拥有量", "Invention patents in force per 10k residents",
              "件/万人", "ratio",
              "年末有效发明专利量 ÷ 年末常住人口(万人)。2021年起国家知识产权局按申请人地址统计, 前后年份不完全可比。",
              "Invention patents in force at year end ÷ resident population (10k). From 2021 CNIPA counts by "
              "applicant address instead of patentee address, so years before and after are not strictly comparable."),
    Indicator("invention_patents_in_force", "有效发明专利量", "Invention patents in force", "件", "stock",
              "年末仍维持有效的发明专利数(存量)。", "Invention patents still in force at year end (a stock)."),
    Indicator("high_value_invention_patents_per_10k", "每万人口高价值发明专利拥有量",
              "High-value invention patents per 10k residents", "件/万人", "ratio",
              "高价值发明专利(国家知识产权局口径)÷常住人口(万人)。", "High-value invention patents (CNIPA definition) "
              "÷ resident population (10k)."),
    Indicator("pct_applications", "PCT国际专利申请量", "PCT international applications", "件", "flow",
              "当年经PCT途径提交的国际专利申请受理量(按申请人所在地)。",
              "PCT international applications received during the year, by the filer's location."),
    Indicator("trademark_registrations", "商标注册量", "Trademark registrations", "件", "flow",
              "当年新核准注册的商标数(流量), 不同于商标有效注册量(存量)。",
              "Trademarks newly registered during the year (a flow), unlike valid registrations (a stock)."),
    Indicator("trademarks_in_force", "商标有效注册量", "Valid registered trademarks", "件", "stock",
              "年末有效注册商标总数(存量)。", "Registered trademarks valid at year end (a stock)."),
    Indicator("copyright_works_registrations", "作品著作权登记量", "Copyright registrations of works", "件", "flow",
              "国家版权局通报的作品登记量, 不含计算机软件著作权。",
              "Works registered with the NCAC during the year, excluding computer software."),
    Indicator("copyright_registrations", "著作权登记量(市口径)", "Copyright registrations (municipal figure)", "件",
              "flow", "北京市知识产权保护状况公布的著作权登记量; 与国家版权局作品登记量接近, 口径不完全一致。",
              "Copyright registrations in Beijing's annual IP protection report; close to, but not defined as, "
              "the NCAC works figure."),
    Indicator("patent_grants", "专利授权量", "Patent grants", "件", "flow", "当年授权的三种专利合计。",
              "Patents of all three types granted during the year."),
    Indicator("invention_grants", "发明专利授权量", "Invention patent grants", "件", "flow", "当年授权的发明专利数。",
              "Invention patents granted during the year."),
    Indicator("resident_population_10k", "常住人口", "Resident population", "万人", "stock",
              "常住人口(万人); 各区数据来自第七次人口普查(2020-11-01)。",
              "Resident population (10k); district figures from the 7th census (2020-11-01)."),
    Indicator("ip_pledge_financing_100m_yuan", "知识产权质押融资年度金额", "IP pledge financing (annual amount)",
              "亿元", "flow", "当年以专利、商标等知识产权质押获得的融资金额。北京市逐年数据未找到。",
              "Financing secured during the year by pledging patents, trademarks or other IP. No Beijing series was found."),
    Indicator("ip_service_brand_institutions", "知识产权服务品牌机构", "IP service brand institutions", "家", "stock",
              "经认定的知识产权服务品牌机构数量(不同于专利代理机构数量)。北京市数据未找到。",
              "Recognised IP service brand institutions (not the number of patent agencies). No Beijing figure was found."),
    Indicator("population_density", "人口密度", "Population density", "人/km²", "ratio",
              "2020年普查常住人口 ÷ 区面积(由边界计算)。", "2020 census population ÷ district area (from the boundary)."),
]}

#: Indicators offered on the map for districts, in menu order.
MAP_INDICATORS = ("invention_patents_per_10k", "resident_population_10k", "population_density")

#: When one region/year/indicator has rows of several statuses, the most real one wins.
STATUS_RANK = {"official": 0, "derived": 1, "demo": 2}


def primary_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Return one row per region/year/indicator: primary rows, official before derived before demo."""
    d = df[df["primary"]].copy()
    d["_rank"] = d["status"].map(STATUS_RANK)
    d = d.sort_values("_rank", kind="stable").drop_duplicates(["region_code", "year", "indicator"])
    return d.drop(columns="_rank")


def _anchor_ratio(year: int, anchors: dict[int, float]) -> float:
    """Return the factor for ``year``: an anchor's own, log-linear between two, the nearest beyond the ends.

    >>> a = {2019: 2.0, 2023: 0.5}
    >>> [round(_anchor_ratio(y, a), 3) for y in (2015, 2019, 2021, 2023, 2024)]
    [2.0, 2.0, 1.0, 0.5, 0.5]
    """
    years = sorted(anchors)
    if year <= years[0]:
        return anchors[years[0]]
    if year >= years[-1]:
        return anchors[years[-1]]
    hi = next(y for y in years if y >= year)
    lo = max(y for y in years if y <= year)
    if hi == lo:
        return anchors[lo]
    w = (year - lo) / (hi - lo)
    return float(math.exp((1 - w) * math.log(anchors[lo]) + w * math.log(anchors[hi])))


def anchor_demo(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with each district's demo rows rescaled to meet its official figures (the one rule).

    Where a district has an official or derived figure of an indicator in a year (shipped or
    imported: whatever ``df`` holds as primary), the ratio official ÷ demo of that year is its
    *anchor*. Every demo year of that district and indicator is multiplied by the anchor of the
    nearest official year; between two official years the factor moves log-linearly from one
    anchor to the other. So an import never makes a series zig-zag (demo 2022 → official 2023 →
    demo 2024 follow the official level), and the demo file itself is never rewritten: computed on
    read from the current revision, a roll-back restores the earlier demo. Districts without an
    official figure keep the generated demo. The formula column says the factor.
    """
    is_demo = df["status"] == "demo"
    if not is_demo.any():
        return df
    real = df[~is_demo & df["primary"] & df["status"].isin(("official", "derived"))
              & df["region_code"].isin(list(BEIJING_DISTRICTS))]
    if real.empty:
        return df
    real = real.assign(_r=real["status"].map(STATUS_RANK)).sort_values("_r", kind="stable")
    real = real.drop_duplicates(["region_code", "indicator", "year"])
    demo = df[is_demo & df["primary"]]
    out = df.copy()
    for (code, indicator), official in real.groupby(["region_code", "indicator"]):
        rows = demo[(demo["region_code"] == code) & (demo["indicator"] == indicator)]
        if rows.empty:
            continue
        demo_by_year = dict(zip(rows["year"].astype(int), pd.to_numeric(rows["value"]), strict=False))
        anchors = {int(y): float(v) / demo_by_year[int(y)] for y, v in zip(official["year"], official["value"], strict=False)
                   if int(y) in demo_by_year and demo_by_year[int(y)] > 0 and float(v) > 0}
        if not anchors:
            continue
        note = ", ".join(f"{y}" for y in sorted(anchors))
        for idx, year in zip(rows.index, rows["year"].astype(int), strict=False):
            factor = _anchor_ratio(year, anchors)
            if abs(factor - 1) < 1e-9:
                continue
            out.loc[idx, "value"] = round(float(out.loc[idx, "value"]) * factor, 1)
            out.loc[idx, "formula"] = (f"{out.loc[idx, 'formula']} · × {factor:.3f} 按官方数字校准 / anchored to the "
                                       f"official figure ({note})")
    return out


def years_with_data(df: pd.DataFrame, indicator: str) -> list[int]:
    """Return the sorted years in which any Beijing district has a value of ``indicator``."""
    d = df[(df.indicator == indicator) & df.region_code.isin(list(BEIJING_DISTRICTS))]
    return sorted(int(y) for y in d.year.dropna().unique())


def best_year(df: pd.DataFrame, indicator: str) -> int | None:
    """Return the latest year in which the most Beijing districts have a value of ``indicator``."""
    d = df[(df.indicator == indicator) & df.region_code.isin(list(BEIJING_DISTRICTS))]
    if d.empty:
        return None
    counts = d.groupby("year").region_code.nunique()
    return int(counts[counts == counts.max()].index.max())


def hide_demo(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` (one row per region) with demo cells turned into "no official figure yet".

    A demo row keeps its region but loses value, status, sources and rank (``status`` ''), so a
    map, tooltip, table or export drawn from it shows no demo value anywhere. Ranks are recomputed
    over the values left. Works on :func:`district_values` output and on any frame with ``status``
    and ``value`` columns.

    >>> f = pd.DataFrame({"value": [1.0, 2.0], "status": ["official", "demo"], "source_url": ["u", "demo:x"]})
    >>> hide_demo(f)[["value", "status", "source_url"]].to_dict("list")
    {'value': [1.0, nan], 'status': ['official', ''], 'source_url': ['u', '']}
    """
    out = frame.copy()
    demo = out["status"] == "demo"
    out.loc[demo, "value"] = float("nan")
    for col in ("status", "source_url", "source_note", "formula", "source_kind"):
        if col in out.columns:
            out.loc[demo, col] = ""
    if "rank" in out.columns:
        out["rank"] = pd.to_numeric(out["value"], errors="coerce").rank(ascending=False, method="min").astype("Int64")
    return out


def shown_rows(df: pd.DataFrame, show_demo: bool) -> pd.DataFrame:
    """Return the indicator table a page reads: with ``show_demo`` False every demo row is blanked.

    The one place "show demo values" is decided (``ui.cache.indicators`` applies it to what every
    page reads: map, profile, trends, rankings, zones, exports, presentation). A blanked row keeps
    its region, year and indicator (so the years on offer stay the same) but has no value, status
    or source: everything drawn from it reads 暂无官方数据 / no official figure yet.

    >>> f = pd.DataFrame({"region_code": ["a", "b"], "year": [2024, 2024], "indicator": ["x", "x"],
    ...     "value": [1.0, 2.0], "status": ["official", "demo"], "source_url": ["u", "demo:x"], "primary": [True, True]})
    >>> shown_rows(f, False)[["value", "status", "source_url"]].to_dict("list")
    {'value': [1.0, nan], 'status': ['official', ''], 'source_url': ['u', '']}
    >>> shown_rows(f, True) is f
    True
    """
    if show_demo or not (df["status"] == "demo").any():
        return df
    return hide_demo(df)


def district_values(df: pd.DataFrame, indicator: str, year: int, show_demo: bool = True) -> pd.DataFrame:
    """Return one row per district (all 16, in code order) for ``indicator`` in ``year``.

    Columns: region_code, value (NaN where no data), unit, status ('' where no data), source_url,
    source_note, formula, source_kind, rank (1 = highest; NA where no data). With ``show_demo``
    False, demo cells become "no official figure yet" (:func:`hide_demo`; ``ViewState.demo``).
    """
    d = primary_rows(df[(df.indicator == indicator) & (df.year == year)])
    d = d.set_index("region_code").reindex(list(BEIJING_DISTRICTS))
    out = pd.DataFrame({
        "region_code": list(BEIJING_DISTRICTS),
        "value": pd.to_numeric(d["value"], errors="coerce").to_numpy(),
        "unit": d["unit"].fillna(INDICATORS[indicator].unit if indicator in INDICATORS else "").to_numpy(),
        "status": d["status"].fillna("").to_numpy(),
        "source_url": d["source_url"].fillna("").to_numpy(),
        "source_note": d["source_note"].fillna("").to_numpy(),
        "formula": d["formula"].fillna("").to_numpy(),
    })
    if "source_kind" in d.columns:
        out["source_kind"] = d["source_kind"].fillna("").to_numpy()
    out["rank"] = out["value"].rank(ascending=False, method="min").astype("Int64")
    return out if show_demo else hide_demo(out)


def city_series(df: pd.DataFrame, indicator: str, region: str = BEIJING_CODE) -> pd.DataFrame:
    """Return the yearly series of one region (default Beijing), one row per year, sorted."""
    d = primary_rows(df[(df.indicator == indicator) & (df.region_code == region)])
    return d.sort_values("year").reset_index(drop=True)


def _indicator(indicator: str | Indicator) -> Indicator:
    return INDICATORS[indicator] if isinstance(indicator, str) else indicator


def indicator_name(indicator: str | Indicator, lang: str = DEFAULT_LANG) -> str:
    """Return an indicator's name (by id or :class:`Indicator`) in ``lang``."""
    return name_of(_indicator(indicator), lang)


def indicator_definition(indicator: str | Indicator, lang: str = DEFAULT_LANG) -> str:
    """Return an indicator's definition in ``lang``."""
    return name_of(_indicator(indicator), lang, "definition")
