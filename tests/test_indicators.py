"""The indicator table: sourcing, the demo series against the official city figure, and the queries."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from common import indicator_frame, indicator_row

from geo.data.datasets import read_indicators
from geo.data.indicators import (
    INDICATORS,
    MAP_INDICATORS,
    STATUS_RANK,
    city_series,
    district_values,
    primary_rows,
    years_with_data,
)
from geo.data.names import BEIJING_CODE, BEIJING_DISTRICTS
from geo.data.provenance import STATUSES

PATENTS = "invention_patents_per_10k"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return read_indicators()


@pytest.fixture(scope="module")
def census(table) -> pd.Series:
    """2020 census resident population of the 16 districts (persons), from the table itself."""
    rows = table[(table.indicator == "resident_population_census_persons") & table.primary]
    pop = rows.set_index("region_code")["value"]
    assert sorted(pop.index) == sorted(BEIJING_DISTRICTS) and pop.index.is_unique
    assert (rows.status == "official").all()
    return pop


@pytest.fixture(scope="module")
def official_city(table) -> pd.Series:
    """Beijing's primary official invention patents per 10k residents, by year."""
    rows = table[(table.region_code == BEIJING_CODE) & (table.indicator == PATENTS) & table.primary
                 & (table.status == "official")]
    assert rows.year.is_unique
    return rows.set_index("year")["value"]


# --- Sourcing ---------------------------------------------------------------------------------


def test_no_row_lacks_source_or_status(table):
    for col in ("source_url", "source_note", "status"):
        empty = table[col].isna() | (table[col].astype(str).str.strip() == "")
        assert not empty.any(), f"{int(empty.sum())} rows without {col}"
    assert set(table.status) <= set(STATUSES)
    derived = table[table.status == "derived"]
    assert (derived.formula.str.strip() != "").all()


def test_real_rows_cite_a_web_page(table):
    real = table[table.status != "demo"]
    assert real.source_url.str.match(r"https?://").all()


def test_values_numeric_and_years_plausible(table):
    assert pd.to_numeric(table.value, errors="coerce").notna().all()
    assert table.year.between(2000, 2030).all()
    assert table.primary.dtype == bool


def test_one_primary_row_per_key(table):
    prim = table[table.primary & (table.status != "demo")]
    assert not prim.duplicated(["region_code", "year", "indicator"]).any()


def test_official_city_series_complete(official_city):
    # the issue: Beijing's invention patents per 10k residents 2015–2024, every year
    assert set(range(2015, 2025)) <= set(official_city.index)
    assert official_city[2020] == pytest.approx(155.8)
    assert official_city[2024] == pytest.approx(301.1)
    assert official_city.sort_index().is_monotonic_increasing


def test_census_population_of_the_16_districts(census):
    assert census.sum() == pytest.approx(21_893_095, abs=1)  # 7th census, Beijing total
    assert census["110105"] == 3_452_460  # 朝阳区, the largest


# --- Demo rows --------------------------------------------------------------------------------


def demo_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table.status == "demo"]


def test_demo_rows_only_come_from_the_demo_file():
    real = read_indicators(include_demo=False)
    assert (real.status != "demo").all()
    both = read_indicators()
    assert len(both) - len(real) == len(demo_rows(both))
    assert (demo_rows(both).source_url == "demo:make_demo").all()
    assert demo_rows(both).source_note.str.contains("DEMO").all()
    assert demo_rows(both).source_note.str.contains("演示数据").all()


def test_demo_rows_are_all_demo_status(table):
    demo_marked = table.source_url.str.startswith("demo:") | table.source_note.str.contains("DEMO")
    assert (table.status[demo_marked] == "demo").all()
    demo = demo_rows(table)
    assert set(demo.indicator) == {PATENTS}
    assert set(demo.region_code) == set(BEIJING_DISTRICTS)


def test_demo_covers_each_official_year_once(table, official_city):
    demo = demo_rows(table)
    assert not demo.duplicated(["region_code", "year"]).any()
    assert sorted(demo.year.unique()) == sorted(y for y in official_city.index if y >= 2015)
    assert (demo.groupby("year").size() == 16).all()


def test_demo_mean_reproduces_official_city_figure(table, census, official_city):
    """The 2020-census-weighted mean of the 16 demo values equals the official figure of that year.

    Demo values are rounded to 0.1, so the weighted mean may differ by at most 0.05.
    """
    demo = demo_rows(table)
    for year, group in demo.groupby("year"):
        weights = census.loc[group.region_code].to_numpy()
        mean = float((group.value.to_numpy() * weights).sum() / weights.sum())
        assert abs(mean - official_city[year]) <= 0.05 + 1e-9, f"{year}: {mean:.3f} vs {official_city[year]}"


def test_demo_never_primary_over_official(table):
    """For any key with an official row, primary_rows picks the official row, never the demo one."""
    prim = primary_rows(table)
    keys = demo_rows(table)[["region_code", "year", "indicator"]].drop_duplicates()
    merged = keys.merge(prim, on=["region_code", "year", "indicator"])
    real_keys = table[table.status != "demo"][["region_code", "year", "indicator"]].drop_duplicates()
    clash = merged.merge(real_keys, on=["region_code", "year", "indicator"])
    assert (clash.status != "demo").all()


@pytest.mark.parametrize("real_status", ["official", "derived"])
@pytest.mark.parametrize("demo_first", [True, False])
def test_primary_rows_prefers_real_over_demo(real_status, demo_first):
    rows = [indicator_row(status="demo", value=99.0), indicator_row(status=real_status, value=1.0)]
    df = indicator_frame(rows if demo_first else rows[::-1])
    prim = primary_rows(df)
    assert len(prim) == 1
    assert prim.iloc[0].status == real_status and prim.iloc[0].value == 1.0


def test_primary_rows_ignores_non_primary_and_orders_statuses():
    df = indicator_frame([
        indicator_row(status="official", value=5.0, primary=False),
        indicator_row(status="derived", value=2.0),
        indicator_row(status="demo", value=3.0),
        indicator_row(region_code="110101", status="demo", value=7.0),
    ])
    prim = primary_rows(df).set_index("region_code")
    assert prim.loc["110108", "status"] == "derived" and prim.loc["110101", "status"] == "demo"
    assert list(STATUS_RANK) == ["official", "derived", "demo"]


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("indicator, year", [(PATENTS, 2024), (PATENTS, 2015), ("resident_population_10k", 2020),
                                             ("population_density", 2020), (PATENTS, 1990), ("no_such", 2020)])
def test_district_values_returns_all_sixteen(table, indicator, year):
    out = district_values(table, indicator, year)
    assert list(out.region_code) == list(BEIJING_DISTRICTS)
    assert list(out.columns[:4]) == ["region_code", "value", "unit", "status"]
    missing = out.value.isna()
    assert (out.status[missing] == "").all() and (out.source_url[missing] == "").all()
    assert out["rank"][missing].isna().all()
    assert set(out.status[~missing]) <= set(STATUSES)
    assert (out.source_url[~missing] != "").all()


def test_district_values_in_a_year_without_data(table):
    out = district_values(table, PATENTS, 1990)
    assert out.value.isna().all() and (out.status == "").all()
    assert (out.unit == INDICATORS[PATENTS].unit).all()


def test_district_values_demo_year(table):
    out = district_values(table, PATENTS, 2024)
    assert out.value.notna().all() and (out.status == "demo").all()
    assert sorted(out["rank"].tolist()) == list(range(1, 17))
    top = out.loc[out["rank"] == 1, "value"].iloc[0]
    assert top == out.value.max()


def test_district_values_population_is_the_official_census_count(table, census):
    out = district_values(table, "resident_population_10k", 2020).set_index("region_code")
    assert (out.status == "official").all()  # the census count in 万人: official, not 推算 (issue 19)
    for code, persons in census.items():
        assert out.loc[code, "value"] == pytest.approx(persons / 1e4, abs=0.005)


def test_district_values_partial_coverage():
    df = indicator_frame([indicator_row(region_code="110108", value=4.0), indicator_row(region_code="110101",
                                                                                       value=None)])
    out = district_values(df, PATENTS, 2020).set_index("region_code")
    assert out.loc["110108", "value"] == 4.0 and out.loc["110108", "rank"] == 1
    assert math.isnan(out.loc["110105", "value"]) and out.loc["110105", "status"] == ""


def test_years_with_data(table):
    assert years_with_data(table, PATENTS) == list(range(2015, 2025))
    assert 2020 in years_with_data(table, "resident_population_10k")
    assert years_with_data(table, "no_such_indicator") == []
    # Beijing's own rows are not district data: the only real district figure is 石景山 2019
    assert years_with_data(read_indicators(include_demo=False), PATENTS) == [2019]


def test_city_series(table, official_city):
    series = city_series(table, PATENTS)
    assert series.year.is_monotonic_increasing and series.year.is_unique
    by_year = series.set_index("year")
    for year, value in official_city.items():
        assert by_year.loc[year, "value"] == value


def test_map_indicators_are_catalogued():
    assert set(MAP_INDICATORS) <= set(INDICATORS)
    for ind in INDICATORS.values():
        assert ind.name_zh and ind.name_en and ind.unit and ind.definition_zh and ind.definition_en
        assert ind.kind in {"stock", "flow", "ratio"}


# --- The demo follows a published proxy and every published figure ------------------------------


def test_demo_order_follows_the_proxy_and_shijingshan_is_sixth(table):
    from geo.data.datasets import read_demo_proxy

    proxy = read_demo_proxy().set_index("region_code")["gdp_per_resident_10k_yuan"]
    assert len(proxy) == 16 and proxy.notna().all()
    demo = demo_rows(table)
    pinned = ["110107", "110108"]  # 石景山 and 海淀 follow their own published figures, not the proxy
    for year, group in demo.groupby("year"):
        g = group.set_index("region_code")["value"].drop(pinned)
        by_proxy = list(proxy.drop(pinned).sort_values(ascending=False).index)
        assert list(g.sort_values(ascending=False, kind="stable").index) == by_proxy, year
        ranked = group.set_index("region_code")["value"].rank(ascending=False, method="min")
        assert ranked["110107"] == 6, year
    sjs = demo[(demo.region_code == "110107") & (demo.year == 2019)]
    assert sjs.value.iloc[0] == pytest.approx(78.61, abs=0.05)


def test_shown_2019_map_uses_the_official_shijingshan_figure(table):
    v = district_values(table, PATENTS, 2019).set_index("region_code")
    assert v.loc["110107", "value"] == 78.61 and v.loc["110107", "status"] == "official"
    assert v.loc["110107", "rank"] == 6


def test_show_demo_off_leaves_no_demo_value(table):
    from geo.data.indicators import hide_demo

    on = district_values(table, PATENTS, 2019)
    off = district_values(table, PATENTS, 2019, show_demo=False)
    assert (on.status == "demo").sum() == 15
    assert not (off.status == "demo").any() and off.value.notna().sum() == 1  # only 石景山's official figure
    assert off.set_index("region_code").loc["110107", "rank"] == 1
    assert (off.source_url[off.value.isna()] == "").all()
    assert hide_demo(off).equals(off)  # idempotent
