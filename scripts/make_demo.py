"""Generate the DEMO district series of invention patents per 10k residents (NOT official data).

Run: ``.venv/bin/python scripts/make_demo.py`` (deterministic; reads data/ only).

Why: no district-level patent figure was found for any year except 石景山 2019 (78.61 件/万人,
6th of the 16 districts; see data/indicators/district_and_zone_source.csv). The authoritative
source is the Beijing Statistical Yearbook table 各区县有效发明专利情况, which planners can import
on the Import page. The map needs a district series to be explorable, so this script makes one
and every row says ``status = demo``.

How (no random draws):
1. the proxy: each district's GDP per resident, p_d = GDP_d ÷ P_d, GDP as published (``PROXY``
   below, each with its page; written to data/indicators/demo_proxy.csv) and P_d the 2020
   census population. 大兴 includes E-Town's GDP (the yearbook's own convention when E-Town is
   not listed apart, and its residents are counted in 大兴's census). Three outer districts have
   no 2020 figure in the pages we could reach; their nearest published year is used and named;
2. the relative level of district d is r_d = p_d^α; α is the smallest power (to 0.05) that puts
   石景山's published 78.61 sixth of 16 in 2019 given the city mean (ALPHA, checked below);
3. 石景山 is pinned: v_{SJS,y} = 78.61 · B_y / B_2019; every other district gets
   v_{d,y} = k_y · r_d with k_y chosen so that Σ P_d·v_{d,y} / Σ P_d = B_y, Beijing's primary
   official invention_patents_per_10k of year y (2015 onwards).
So the city mean is real every year, 石景山 2019 is its published figure and rank, and the other
15 districts keep the proxy's order; levels between districts are invented. 石景山 2019 itself is
in indicators.csv as an official row, which wins over its demo row on the map.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo.data.names import BEIJING_DISTRICTS
from geo.data.paths import INDICATORS_DIR
from geo.data.provenance import write_table_with_meta

DEMO_URL = "demo:scripts/make_demo.py"  # not a publication: the generating script
ANCHOR = ("110107", 2019, 78.61, 6)  # 石景山 2019: published value and rank
_TABLE = "http://hbzqbyyxgs.com/news/2jgNMjIy.html"
_TABLE_NOTE = ("北京各区近六年GDP表 (转载, 北京区域统计年鉴口径), 2020年GDP列: {zh} {v} 亿元")
#: district -> (GDP 亿元, year, source URL, note). All reposts of statistical releases.
PROXY = {
    "110101": (2954.7, 2020, _TABLE, "东城区"), "110102": (5061.1, 2020, _TABLE, "西城区"),
    "110105": (7037.9, 2020, _TABLE, "朝阳区"), "110106": (1854.2, 2020, _TABLE, "丰台区"),
    "110107": (855.5, 2020, _TABLE, "石景山区"), "110108": (8504.6, 2020, _TABLE, "海淀区"),
    "110111": (759.9, 2020, _TABLE, "房山区"), "110112": (1103.0, 2020, _TABLE, "通州区"),
    "110113": (1873.7, 2020, _TABLE, "顺义区"), "110114": (1147.5, 2020, _TABLE, "昌平区"),
    "110115": (932.8 + 2045.4, 2020, _TABLE, "大兴区 932.8 + 北京经济开发区 2045.4 ="),
    "110116": (396.6, 2020, _TABLE, "怀柔区"), "110117": (284.1, 2020, _TABLE, "平谷区"),
    "110109": (251.0, 2020, "https://www.hongheiku.com/goto/t264",
               "门头沟区2020年国民经济和社会发展统计公报 (转载): 2020年全区实现地区生产总值(GDP)251亿元"),
    "110118": (360.3, 2021, "https://baida3.com/article/72132.html",
               "密云区简介 (转载): 2021年,密云区实现地区生产总值360.3亿元 (no 2020 figure found)"),
    "110119": (195.2859, 2019, "http://mwz.zwzzw.com/html/site_bjyq.gov.cn.html",
               "延庆区简介 (bjyq.gov.cn 站点介绍, 转载): 2019年…全区实现地区生产总值1952859万元 (no 2020 figure found)"),
}


def proxy_table(pop: pd.Series) -> pd.DataFrame:
    """Return the proxy per district: GDP, its year and page, census residents, GDP per resident (万元)."""
    rows = []
    for code in BEIJING_DISTRICTS:
        gdp, year, url, note = PROXY[code]
        persons = float(pop[code])
        rows.append({"region_code": code, "region_name_zh": BEIJING_DISTRICTS[code][0], "gdp_100m_yuan": gdp,
                     "gdp_year": year, "census_persons_2020": int(persons),
                     "gdp_per_resident_10k_yuan": round(gdp * 1e4 / persons, 4), "source_url": url,
                     "source_note": _TABLE_NOTE.format(zh=note, v=gdp) if url == _TABLE else note})
    return pd.DataFrame(rows)


def levels(proxy: np.ndarray, weights: np.ndarray, city: float, alpha: float, anchor: int, anchor_value: float):
    """Return the 16 values of one year: anchor pinned, others k·proxy^alpha, weighted mean = city."""
    rel = proxy ** alpha
    others = np.ones(len(proxy), bool)
    others[anchor] = False
    k = (city * weights.sum() - weights[anchor] * anchor_value) / (weights[others] * rel[others]).sum()
    values = k * rel
    values[anchor] = anchor_value
    return values


def choose_alpha(proxy: np.ndarray, weights: np.ndarray, city: float, anchor: int, value: float, rank: int) -> float:
    """Return the smallest α in 0.05 steps (0.5–4) that ranks the anchor ``rank``-th."""
    for alpha in np.round(np.arange(0.5, 4.0001, 0.05), 2):
        v = levels(proxy, weights, city, float(alpha), anchor, value)
        if int((v > value).sum()) + 1 == rank:
            return float(alpha)
    raise SystemExit("no power of the proxy puts the anchor at its published rank")


def build() -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Return (proxy table, demo rows, α)."""
    ind = pd.read_csv(INDICATORS_DIR / "indicators.csv", dtype={"region_code": str})
    city = ind[(ind.region_code == "110000") & (ind.indicator == "invention_patents_per_10k") & ind.primary
               & (ind.status == "official")].set_index("year")
    pop = ind[(ind.indicator == "resident_population_census_persons") & ind.primary].set_index("region_code")["value"]
    proxy = proxy_table(pop)
    codes = list(BEIJING_DISTRICTS)
    weights = proxy["census_persons_2020"].to_numpy(dtype=float)
    p = proxy["gdp_per_resident_10k_yuan"].to_numpy(dtype=float)
    code, ayear, avalue, arank = ANCHOR
    anchor = codes.index(code)
    alpha = choose_alpha(p, weights, float(city.loc[ayear, "value"]), anchor, avalue, arank)
    rows = []
    for year, ref in city.iterrows():
        if year < 2015:
            continue
        pinned = avalue * ref.value / city.loc[ayear, "value"]
        values = levels(p, weights, float(ref.value), alpha, anchor, pinned)
        for c, v in zip(codes, values, strict=False):
            rows.append({
                "region_code": c, "region_name_zh": BEIJING_DISTRICTS[c][0], "year": int(year), "as_of": "",
                "indicator": "invention_patents_per_10k", "value": round(float(v), 1), "unit": "件/万人",
                "status": "demo", "source_value": "", "source_unit": "",
                "source_url": DEMO_URL,
                "source_note": f"DEMO — 演示数据, 非官方. Spread by GDP per resident (data/indicators/demo_proxy.csv), "
                               f"scaled to Beijing's official {ref.value} 件/万人 ({year}), source: {ref.source_url}",
                "formula": f"scripts/make_demo.py: k_y · (GDP per resident)^{alpha:g}, 2020-census-weighted mean = "
                           f"official city figure; 石景山 = 78.61 × B_y / B_2019",
                "primary": True,
            })
    return proxy, pd.DataFrame(rows), alpha


def main() -> None:
    proxy, df, alpha = build()
    write_table_with_meta(
        proxy, INDICATORS_DIR / "demo_proxy.csv",
        title="演示数据的替代指标: 各区人均地区生产总值 / Proxy of the demo: GDP per resident by district",
        producer="Beijing IP Atlas, scripts/make_demo.py",
        source_url="per row: source_url column (reposts of district statistical releases)",
        licence="facts from public sources",
        script="scripts/make_demo.py",
        status="official figures via reposts (GDP), derived (per resident)",
    )
    write_table_with_meta(
        df, INDICATORS_DIR / "demo_district_series.csv",
        title="演示数据: 各区每万人发明专利拥有量 / DEMO district invention patents per 10k (not official)",
        producer="Beijing IP Atlas, scripts/make_demo.py",
        source_url="generated from data/indicators/demo_proxy.csv; scaled to the official city series",
        licence="generated data, no facts",
        script="scripts/make_demo.py",
        alpha=alpha,
        status="demo",
    )
    print(f"demo_district_series.csv: {len(df)} demo rows, years {df.year.min()}–{df.year.max()}, alpha {alpha:g}")


if __name__ == "__main__":
    main()
