"""The demo agrees with every published district fact in data/ (issue 19, item 1).

Each fact is listed with how it constrains the demo (value within a stated tolerance, a rank, a
bound, or "not comparable" with the reason); the test prints every fact beside the demo value
(``pytest -s tests/test_demo_facts.py``) and fails when a published district fact in data/ is not
listed, so a new figure cannot be forgotten.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geo.data.datasets import read_district_figures, read_indicators
from geo.data.names import BEIJING_DISTRICTS

PATENTS = "invention_patents_per_10k"
HD, SJS, DX = "110108", "110107", "110115"
#: Beijing district and zone codes whose figures concern a Beijing district (Tianjin/Hebei rows do not).
BEIJING_REGIONS = set(BEIJING_DISTRICTS) | {"zgc_core", "zgc", "etda", "etda_core"}


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    d = read_indicators()
    d = d[(d.status == "demo") & (d.indicator == PATENTS)]
    return d.pivot(index="region_code", columns="year", values="value")


@pytest.fixture(scope="module")
def pop10k() -> pd.Series:
    d = read_indicators(include_demo=False)
    d = d[(d.indicator == "resident_population_census_persons") & d.primary & d.region_code.isin(BEIJING_DISTRICTS)]
    return d.set_index("region_code")["value"] / 1e4


def _num(text: str) -> float:
    return float(str(text).replace(",", "").replace("近", "").replace("超过", ""))


def _city(year: int) -> float:
    d = read_indicators(include_demo=False)
    d = d[(d.region_code == "110000") & (d.indicator == PATENTS) & d.primary & (d.status == "official")]
    return float(d.set_index("year").loc[year, "value"])


def _stock_share(demo: pd.DataFrame, pop10k: pd.Series, code: str, year: int) -> float:
    stock = demo[year] * pop10k
    return float(stock[code] / stock.sum())


# (region, year, indicator) -> (how it is checked, function(demo, pop10k, value) -> (demo value text, ok))
def _within(code: str, year: int, tol: float, per10k=lambda v, p: v):
    def check(demo, pop10k, value):
        want = per10k(value, pop10k)
        got = float(demo.loc[code, year])
        return f"{got:.1f} (published → {want:.1f})", abs(got - want) <= tol * want
    return check


def _rank(code: str, year: int):
    def check(demo, pop10k, value):
        rank = int(demo[year].rank(ascending=False, method="min")[code])
        return f"rank {rank}", rank == int(value)
    return check


def _at_least(code: str, year: int, per10k):
    def check(demo, pop10k, value):
        floor = per10k(value, pop10k)
        got = float(demo.loc[code, year])
        return f"{got:.1f} ≥ {floor:.1f}", got >= floor
    return check


def _share_at_least(code: str, year: int):
    def check(demo, pop10k, value):
        share = _stock_share(demo, pop10k, code, year)
        return f"share of stock {share:.0%} ≥ {value:g}%", share * 100 >= value
    return check


NOT_COMPARABLE = "not comparable"
FACTS: dict[tuple[str, str, str], tuple[str, object]] = {
    (SJS, "2019", PATENTS): ("value ±0.1 %", _within(SJS, 2019, 0.001)),
    (SJS, "2019", "invention_patents_per_10k_rank_in_beijing"): ("rank = published", _rank(SJS, 2019)),
    (SJS, "2019", "invention_patents_in_force"): ("÷ 2020 census, ±2 %",
                                                  _within(SJS, 2019, 0.02, lambda v, p: v / p[SJS])),
    (HD, "2024", "invention_patents_in_force"): ("万件 ÷ 2020 census, ±5 %",
                                                 _within(HD, 2024, 0.05, lambda v, p: v * 1e4 / p[HD])),
    (HD, "2023", "national_hightech_enterprises_share_of_beijing"): ("海淀's share of the city's demo stock ≥ it",
                                                                     _share_at_least(HD, 2023)),
    ("zgc_core", "2015", PATENTS): ("海淀 (the core area's scope) ±35 %", _within(HD, 2015, 0.35)),
    ("etda", "2021", "invention_patents_in_force"): ("大兴 (hosts most of E-Town) ≥ E-Town's stock ÷ 大兴's residents",
                                                     _at_least(DX, 2021, lambda v, p: v / p[DX])),
    ("etda", "2023", "invention_patents_in_force"): ("大兴 ≥ E-Town's stock (Nov.) ÷ 大兴's residents",
                                                     _at_least(DX, 2023, lambda v, p: v / p[DX])),
    ("etda", "2021", PATENTS): (f"{NOT_COMPARABLE}: a zone's own density (residents of the zone), not 大兴's", None),
    ("etda_core", "2023", "invention_patents_per_10k (ambiguous: also called granted patents)"):
        (f"{NOT_COMPARABLE}: E-Town's core area only, type ambiguous", None),
    (HD, "2023", "national_hightech_enterprises"): (f"{NOT_COMPARABLE}: a count of firms (its share is checked)", None),
    (HD, "2023", "little_giant_enterprises_share_of_beijing"):
        (f"{NOT_COMPARABLE}: firms, not patents (the 35 % share is the bound)", None),
    ("zgc", "2016", "invention_patents_in_force"): (f"{NOT_COMPARABLE}: a zone spread over many districts, July", None),
    ("zgc", "2023", "invention_patents_in_force"): (f"{NOT_COMPARABLE}: high-tech firms of a zone spread over "
                                                    "many districts", None),
}
FLOWS = {"patent_applications", "patent_grants", "invention_applications", "invention_grants", "pct_applications",
         "trademarks_in_force"}


def published_facts() -> pd.DataFrame:
    """Every published district or Beijing-zone fact in data/ (district_and_zone_source.csv)."""
    f = read_district_figures()
    return f[f.region_code.isin(BEIJING_REGIONS)].reset_index(drop=True)


def test_every_published_district_fact_agrees_with_the_demo(demo, pop10k):
    rows, failed = [], []
    for fact in published_facts().itertuples():
        key = (fact.region_code, fact.year, fact.indicator)
        if key not in FACTS:
            assert fact.indicator in FLOWS, f"published fact {key} = {fact.value} is not listed in FACTS"
            how, check = f"{NOT_COMPARABLE}: a flow or other count, not a density", None
        else:
            how, check = FACTS[key]
        if check is None:
            shown, ok = "—", True
        else:
            shown, ok = check(demo, pop10k, _num(fact.value))
        rows.append((fact.region_name_zh, fact.year, fact.indicator, f"{fact.value} {fact.unit}", shown, how,
                     "ok" if ok else "FAIL"))
        if not ok:
            failed.append(rows[-1])
    width = max(len(r[2]) for r in rows)
    print("\nfact | year | indicator | published | demo | how checked | result")
    for r in rows:
        print(f"{r[0]} | {r[1]} | {r[2]:<{width}} | {r[3]} | {r[4]} | {r[5]} | {r[6]}")
    assert not failed, failed
    assert {k for k, (_, c) in FACTS.items() if c is not None} <= {
        (f.region_code, f.year, f.indicator) for f in published_facts().itertuples()}, "a checked fact left data/"


def test_demo_mean_is_beijing_official_figure_every_year(demo, pop10k):
    for year in demo.columns:
        mean = float((demo[year] * pop10k).sum() / pop10k.sum())
        print(f"{year}: census-weighted demo mean {mean:.1f} vs official {_city(int(year))}")
        assert mean == pytest.approx(_city(int(year)), rel=0.005)


def test_haidian_first_and_no_series_jumps(demo):
    assert demo[2024].idxmax() == HD
    assert demo[2024][HD] > 3 * _city(2024)  # over three times the city, as its published stock says
    ratio = demo[sorted(demo.columns)].T.pct_change().abs().max()
    assert (ratio <= 0.40).all(), ratio[ratio > 0.40]


def test_the_shown_2024_map_ranks_haidian_first():
    from geo.carto.model import district_frame
    from geo.data.datasets import read_inputs
    from geo.view.state import ViewState

    frame = district_frame(read_inputs(), ViewState(year=2024))
    assert frame.set_index("code").loc[HD, "rank"] == 1
