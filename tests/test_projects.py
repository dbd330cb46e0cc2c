"""The five regional-layout projects: cards built from the data, and one map view each."""

from __future__ import annotations

import pytest

from geo import data
from geo.analysis.projects import PROJECT_VIEWS, PROJECTS, project_cards
from geo.view.state import LAYERS, from_query, to_query


@pytest.fixture(scope="module")
def cards():
    return {c.key: c for c in project_cards(data.read_zones(), data.read_designations(), data.read_indicators())}


def test_five_projects_each_with_a_view():
    assert [p.key for p in PROJECTS] == ["jjj", "science_cities", "zgc", "etda", "strong"]
    assert list(PROJECT_VIEWS) == [p.key for p in PROJECTS]
    expected_layer = {"jjj": "jjj", "science_cities": "science_cities", "zgc": "zgc_parks", "etda": "etda",
                      "strong": "strong"}
    for key, view in PROJECT_VIEWS.items():
        assert set(view.layers) <= set(LAYERS) and expected_layer[key] in view.layers
        assert "districts" in view.layers
        assert from_query(to_query(view)) == view  # the share link carries the whole view


def test_views_differ():
    assert len({tuple(sorted(to_query(v).items())) for v in PROJECT_VIEWS.values()}) == 5


def test_etda_card(cards):
    c = cards["etda"]
    assert c.districts == ("110112", "110115")
    assert c.zones.zone_id.tolist()[0] == "etda_yizhuang_newtown"
    assert set(c.zones.area_km2) == {225.0, 59.6, 46.8}
    assert set(c.figures.region_code) == {"BDA"}
    ind = data.read_indicators()
    assert len(c.figures) == len(ind[(ind.region_code == "BDA") & ind.primary])
    assert c.designations.stage.tolist() == ["candidate"]
    assert c.designations.district_code.tolist() == [""]  # the zone's, not 大兴区's


def test_zgc_card(cards):
    c = cards["zgc"]
    assert len(c.districts) == 16 and c.zones.area_km2.tolist() == [488.0]
    assert set(c.figures.region_code) == {"ZGC", "ZGC_CORE"}
    assert sorted(c.designations.year.dropna().astype(int)) == [2003, 2016]


def test_science_cities_card(cards):
    c = cards["science_cities"]
    assert c.districts == ("110108", "110114", "110116", "110118")
    assert c.zones.zone_id.tolist()[:3] == ["sc_zgc", "sc_huairou", "sc_future"]
    assert c.figures.empty  # no science-city statistics exist; the page says so


def test_jjj_card_compares_the_three_regions(cards):
    c = cards["jjj"]
    assert set(c.figures.region_code) == {"110000", "120000", "130000"}
    assert c.figures.groupby(["region_code", "indicator"]).size().max() == 1  # latest year each
    assert "jjj_ip_demo_zone" in c.zones.zone_id.tolist()


def test_strong_card_lists_district_designations(cards):
    c = cards["strong"]
    assert c.view.year == 2024
    assert c.districts == ("110106", "110108")  # strong in 2024: what its map outlines
    assert "海淀区" in c.designations.label.tolist()
    yanqing = c.designations[c.designations.district_code == "110119"]
    assert yanqing.timing.tolist() == ["past"] and not yanqing.strong.any()  # 2019-06 to 2022-06
    assert set(c.designations[c.designations.strong].district_code) == set(c.districts)


def test_no_demo_figure_and_every_figure_sourced(cards):
    for c in cards.values():
        assert "demo" not in set(c.figures.status)
        assert (c.figures.source_url.str.len() > 0).all()
        assert (c.zones.source_url.str.len() > 0).all()


def test_english_cards():
    cards = project_cards(data.read_zones(), data.read_designations(), data.read_indicators(), "en")
    etda = next(c for c in cards if c.key == "etda")
    assert etda.zones.name.iloc[0].startswith("Yizhuang") and etda.view.lang == "en"
