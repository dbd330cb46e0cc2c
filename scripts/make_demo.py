"""Generate the DEMO district series of invention patents per 10k residents (NOT official data).

Run: ``.venv/bin/python scripts/make_demo.py`` (deterministic: no random draws; reads data/ only).

Why: no official district series of 每万人发明专利拥有量 was found (the authoritative source, the
Beijing Statistical Yearbook table 各区县有效发明专利情况, can be imported on the Import page). The map
needs a district series to be explorable, so this script makes one; every row says ``status = demo``.

What it must agree with (every published district fact in data/; ``tests/test_demo_facts.py``
prints each beside the demo value):

* 海淀 held 31.4万 invention patents in force at the end of 2024 (district bulletin, cited
  second-hand) → 31.4万 ÷ 313.35万 residents (2020 census) ≈ 1,002 per 10k, over three times the city;
* 海淀 held 35 % of Beijing's national high-tech enterprises (9,764) in May 2023 (official media) →
  its share of the city's invention patents in force is at least that;
* 石景山 2019: 78.61 per 10k, 6th of the 16 districts (district IP office briefing via a repost);
* E-Town's enterprises held 11,480 invention patents in force at the end of 2021, most of E-Town
  lies in 大兴 → 大兴 2021 is at least 11,480 ÷ 大兴's residents;
* 中关村核心区 (海淀's scope) ≈177 per 10k in 2015;
* Beijing's official per-10k figure each year = the 2020-census-weighted mean of the 16 districts.

How (the proxy):
1. A patenting proxy published for all 16 districts (high-tech enterprises, R&D spending,
   technology contracts, patent grants by district) was searched for and NOT found: only 海淀
   (high-tech enterprises 9,764, 2023), 丰台 (3,605, 2025) publish high-tech counts in the pages
   we could reach, and 通州 (1,121, 2023) (all three in the proxy table, ``HIGHTECH``, as
   cross-checks: three districts, different years, and how a firm count maps to patents in force
   is unknown, so they pin nothing). So:
2. 海淀 is pinned by its own published stock: v_HD,y = h · B_y with h = 1,002 / B_2024 (its
   ratio to the city held over the years, so its series grows as the city's);
3. 石景山 is pinned by its published 2019 figure: v_SJS,y = 78.61 · B_y / B_2019;
4. the other 14 districts share what is left of each year's city mean, spread by the only figure
   published for all of them, GDP per resident (``PROXY``, each with its page; 大兴 includes E-Town),
   raised to the smallest power α (0.05 steps) that puts 石景山 6th in 2019:
   v_d,y = k_y · p_d^α, k_y such that Σ P_d·v_d,y / Σ P_d = B_y.
Every district's ratio to the city is fixed, so no series moves more from one year to the next
than the city's own figure does. GDP per resident favours the financial core (西城, 东城): their
levels are the least grounded part of the demo, and the Sources page says so.

Imported or shipped official district figures anchor these rows when they are read
(``geo.data.indicators.anchor_demo``): this file is never rewritten by an import.
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

#: Not a publication: the generating method (shown as 演示数据 / demo, never as a link).
DEMO_URL = "demo:make_demo"
SJS, HD = "110107", "110108"
_TABLE = "http://hbzqbyyxgs.com/news/2jgNMjIy.html"
_TABLE_NOTE = "北京各区近六年GDP表 (转载, 北京区域统计年鉴口径), 2020年GDP列: {zh} {v} 亿元"
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
               "密云区简介 (转载): 2021年,密云区实现地区生产总值360.3亿元 (未找到2020年数字)"),
    "110119": (195.2859, 2019, "http://mwz.zwzzw.com/html/site_bjyq.gov.cn.html",
               "延庆区简介 (bjyq.gov.cn 站点介绍, 转载): 2019年…全区实现地区生产总值1952859万元 (未找到2020年数字)"),
}
#: National high-tech enterprises by district, where a page we could reach publishes the count
#: (cross-checks only: two of 16 districts, different years).
HIGHTECH = {
    "110108": (9764, 2023, "http://bbtnews.com.cn/2023/0529/477590.shtml",
               "北京商报 2023-05-29 (官方媒体, 区长介绍): 全区现有国家高新技术企业总数达到9764家,占到全市的35%"),
    "110106": (3605, 2025, "http://zh.movesh.com/p.asp?h=%2Fc%2F2026-01-19%2F8712242.shtml",
               "光明日报 2026-01-19 (中宏网转载): 在丰台,国家高新技术企业已达3605家,技术合同成交额高达1134.7亿元"),
    "110112": (1121, 2023, "http://niita.cn/news/view?class=60&id=24600",
               "2024-06-12 (通州区科委, 转载): 2023年,副中心高新技术企业保有量达到1121家,技术合同成交额494亿元,全市排名第五"),
}
ROLE = {HD: ("按本区2024年有效发明专利量固定", "pinned by its 2024 invention patents in force"),
        SJS: ("按本区2019年公布值与排名固定", "pinned by its published 2019 figure and rank")}
ROLE_OTHER = ("按人均地区生产总值分配剩余部分", "shares the rest by GDP per resident")


def _facts() -> dict[str, float]:
    """Return the published district facts the demo is pinned to, read from data/ (as published)."""
    fig = pd.read_csv(INDICATORS_DIR / "district_and_zone_source.csv", dtype=str, keep_default_na=False)

    def one(code: str, year: str, indicator: str) -> str:
        hit = fig[(fig.region_code == code) & (fig.year == year) & (fig.indicator == indicator)]
        assert len(hit) == 1, (code, year, indicator)
        return str(hit.value.iloc[0])

    return {
        "hd_2024_in_force": float(one(HD, "2024", "invention_patents_in_force")) * 1e4,  # 31.4 万(件)
        "sjs_2019": float(one(SJS, "2019", "invention_patents_per_10k")),
        "sjs_2019_rank": float(one(SJS, "2019", "invention_patents_per_10k_rank_in_beijing")),
    }


def proxy_table(pop: pd.Series) -> pd.DataFrame:
    """Return the proxy per district: GDP, its year and page, census residents, GDP per resident (万元), role."""
    rows = []
    for code in BEIJING_DISTRICTS:
        gdp, year, url, note = PROXY[code]
        persons = float(pop[code])
        ht = HIGHTECH.get(code)
        role = ROLE.get(code, ROLE_OTHER)
        rows.append({"region_code": code, "region_name_zh": BEIJING_DISTRICTS[code][0], "gdp_100m_yuan": gdp,
                     "gdp_year": year, "census_persons_2020": int(persons),
                     "gdp_per_resident_10k_yuan": round(gdp * 1e4 / persons, 4), "source_url": url,
                     "source_note": _TABLE_NOTE.format(zh=note, v=gdp) if url == _TABLE else note,
                     "role_zh": role[0], "role_en": role[1],
                     "hightech_enterprises": "" if ht is None else ht[0],
                     "hightech_year": "" if ht is None else ht[1],
                     "hightech_source_url": "" if ht is None else ht[2],
                     "hightech_note": "" if ht is None else ht[3]})
    return pd.DataFrame(rows)


def levels(proxy: np.ndarray, weights: np.ndarray, city: float, alpha: float, pinned: dict[int, float]) -> np.ndarray:
    """Return the 16 values of one year: ``pinned`` {index: value} kept, the rest k·proxy^α, weighted mean = city."""
    rel = proxy ** alpha
    free = np.ones(len(proxy), bool)
    free[list(pinned)] = False
    rest = city * weights.sum() - sum(weights[i] * v for i, v in pinned.items())
    values = rest / (weights[free] * rel[free]).sum() * rel
    for i, v in pinned.items():
        values[i] = v
    return values


def choose_alpha(proxy: np.ndarray, weights: np.ndarray, city: float, pinned: dict[int, float], anchor: int,
                 rank: int) -> float:
    """Return the smallest α in 0.05 steps (0.05–4) that ranks ``anchor`` ``rank``-th."""
    for alpha in np.round(np.arange(0.05, 4.0001, 0.05), 2):
        v = levels(proxy, weights, city, float(alpha), pinned)
        if int((v > v[anchor]).sum()) + 1 == rank:
            return float(alpha)
    raise SystemExit("no power of the proxy puts the anchor at its published rank")


def _note(year: int, ref: pd.Series, role: tuple[str, str]) -> str:
    """The row's note, in Chinese (the page language; the Sources page says the method in both languages)."""
    return (f"演示数据(DEMO), 非官方: {role[0]}; 按2020年普查人口加权的全市平均值等于北京市{year}年官方数字 "
            f"{ref.value:g} 件/万人")


def build() -> tuple[pd.DataFrame, pd.DataFrame, float, float]:
    """Return (proxy table, demo rows, α, 海淀's ratio to the city)."""
    ind = pd.read_csv(INDICATORS_DIR / "indicators.csv", dtype={"region_code": str})
    city = ind[(ind.region_code == "110000") & (ind.indicator == "invention_patents_per_10k") & ind.primary
               & (ind.status == "official")].set_index("year")
    pop = ind[(ind.indicator == "resident_population_census_persons") & ind.primary].set_index("region_code")["value"]
    facts = _facts()
    proxy = proxy_table(pop)
    codes = list(BEIJING_DISTRICTS)
    weights = proxy["census_persons_2020"].to_numpy(dtype=float)
    p = proxy["gdp_per_resident_10k_yuan"].to_numpy(dtype=float)
    hd, sjs = codes.index(HD), codes.index(SJS)
    hd_ratio = facts["hd_2024_in_force"] / (weights[hd] / 1e4) / float(city.loc[2024, "value"])
    sjs_ratio = facts["sjs_2019"] / float(city.loc[2019, "value"])

    def pinned(b: float) -> dict[int, float]:
        return {hd: hd_ratio * b, sjs: sjs_ratio * b}

    alpha = choose_alpha(p, weights, float(city.loc[2019, "value"]), pinned(float(city.loc[2019, "value"])), sjs,
                         int(facts["sjs_2019_rank"]))
    rows = []
    for year, ref in city.iterrows():
        if year < 2015:
            continue
        values = levels(p, weights, float(ref.value), alpha, pinned(float(ref.value)))
        for c, v in zip(codes, values, strict=True):
            rows.append({
                "region_code": c, "region_name_zh": BEIJING_DISTRICTS[c][0], "year": int(year), "as_of": "",
                "indicator": "invention_patents_per_10k", "value": round(float(v), 1), "unit": "件/万人",
                "status": "demo", "source_value": "", "source_unit": "",
                "source_url": DEMO_URL,
                "source_note": _note(int(year), ref, ROLE.get(c, ROLE_OTHER)),
                "formula": (f"海淀 = {hd_ratio:.4f} × B_y; 石景山 = 78.61 × B_y / B_2019; "
                            f"其余 = k_y × (人均GDP)^{alpha:g}; Σ P·v / Σ P = B_y"),
                "primary": True,
            })
    return proxy, pd.DataFrame(rows), alpha, hd_ratio


def main() -> None:
    proxy, df, alpha, hd_ratio = build()
    write_table_with_meta(
        proxy, INDICATORS_DIR / "demo_proxy.csv",
        title="演示数据的依据: 已公布的区级事实与各区人均地区生产总值 / Basis of the demo: published district facts "
              "and GDP per resident by district",
        producer="Beijing IP Atlas, scripts/make_demo.py",
        source_url="per row: source_url and hightech_source_url columns (reposts of district releases, official media)",
        licence="facts from public sources",
        script="scripts/make_demo.py",
        status="official figures via reposts (GDP, high-tech enterprises), derived (per resident)",
    )
    write_table_with_meta(
        df, INDICATORS_DIR / "demo_district_series.csv",
        title="演示数据: 各区每万人发明专利拥有量 / DEMO district invention patents per 10k (not official)",
        producer="Beijing IP Atlas, scripts/make_demo.py",
        source_url="generated: published district facts (data/indicators/district_and_zone_source.csv), "
                   "GDP per resident (data/indicators/demo_proxy.csv), the official city series",
        licence="generated data, no facts",
        script="scripts/make_demo.py",
        alpha=alpha,
        haidian_ratio=round(hd_ratio, 4),
        status="demo",
    )
    print(f"demo_district_series.csv: {len(df)} demo rows, years {df.year.min()}–{df.year.max()}, "
          f"alpha {alpha:g}, 海淀 {hd_ratio:.3f} × city")


if __name__ == "__main__":
    main()
