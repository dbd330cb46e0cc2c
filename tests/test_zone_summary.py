"""Zone summaries: districts touched by spatial intersection, areas, the figures that exist for a zone."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo import data
from geo.analysis.zones import ZONE_FIGURE_REGIONS, summary_table, zone_districts, zone_summaries


@pytest.fixture(scope="module")
def summaries():
    items = zone_summaries(data.read_zones(), data.read_districts(), data.read_indicators(),
                           data.read_designations())
    return {s.zone_id: s for s in items}


def test_every_zone_but_the_beijing_outline(summaries):
    zones = data.read_zones()
    assert set(summaries) == set(zones.zone_id) - {"jjj_beijing"}


def test_huairou_science_city_spans_huairou_and_miyun(summaries):
    d = summaries["sc_huairou"].districts.set_index("code")
    assert set(d.index) == {"110116", "110118"}
    # published split: about 68.2 km² in Huairou, 32.7 km² in Miyun
    assert d.loc["110116", "overlap_km2"] == pytest.approx(68.2, abs=3)
    assert d.loc["110118", "overlap_km2"] == pytest.approx(32.7, abs=3)
    assert d.share_of_zone.sum() == pytest.approx(1, abs=0.01)


def test_zgc_science_city_is_haidian(summaries):
    s = summaries["sc_zgc"]
    assert s.districts.code.tolist() == ["110108"] and s.districts.share_of_zone.iloc[0] > 0.99
    assert s.area_km2 == 430.77 and s.geometry_quality == "administrative"


def test_etown_figures_and_districts(summaries):
    s = summaries["etda_yizhuang_newtown"]
    assert set(s.districts.code) == {"110112", "110115"}
    ind = data.read_indicators()
    bda = ind[(ind.region_code == "BDA") & ind.primary]
    assert sorted(s.figures.value) == sorted(bda.value.astype(float))
    assert (s.figures.source_url.str.startswith("http")).all()
    assert len(s.designations) == 1


def test_zgc_figures(summaries):
    s = summaries["zgc_all"]
    assert set(s.figures.region_code) == {"ZGC", "ZGC_CORE"}
    assert len(s.districts) == 16 and set(s.districts.by) == {"host"}  # no geometry: the hosts named
    assert set(summaries["zgc_haidian"].figures.region_code) == {"ZGC_CORE"}
    assert set(ZONE_FIGURE_REGIONS) <= set(summaries)


def test_zone_without_location_touches_nothing(summaries):
    s = summaries["jjj_ip_demo_zone"]
    assert s.districts.empty and s.figures.empty and pd.isna(s.area_km2)
    assert summaries["jjj_xiongan"].districts.empty  # outside Beijing


def test_toy_geometry_split_and_sliver():
    """A 2×1 box across two toy districts, and a sliver below MIN_SHARE that does not count."""
    districts = gpd.GeoDataFrame({"code": ["110101", "110102", "110105"], "name_zh": ["东城区", "西城区", "朝阳区"],
                                  "name_en": ["Dongcheng", "Xicheng", "Chaoyang"]},
                                 geometry=[box(0, 0, 1000, 1000), box(1000, 0, 3000, 1000),
                                           box(-1000, 0, 0.5, 1000)], crs=32650)
    zone = pd.Series({"host_districts": "110101"})
    d = zone_districts(zone, districts, box(0, 0, 2000, 1000)).set_index("code")
    assert d.loc["110101", "share_of_zone"] == pytest.approx(0.5, abs=1e-3)
    assert d.loc["110102", "overlap_km2"] == pytest.approx(1.0)
    assert "110105" not in d.index  # 0.5 m wide sliver
    p = zone_districts(zone, districts, Point(1500, 500))
    assert p.code.tolist() == ["110102", "110101"] and set(p.by) == {"host"}


def test_summary_table_columns(summaries):
    t = summary_table(list(summaries.values()), "en")
    assert {"name", "districts", "area_km2", "area_drawn_km2", "geometry_quality", "figures"} <= set(t.columns)
    row = t.set_index("zone_id").loc["sc_huairou"]
    assert row.districts == "Huairou, Miyun"
