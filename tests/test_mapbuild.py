"""geo.mapbuild: what the map shows, rendered to HTML and read back (folium's own test style)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from geo.classify import NO_DATA_COLOR
from geo.data import read_designations, read_districts, read_indicators, read_regions, read_zones
from geo.mapbuild import (
    MapInputs,
    build_layers,
    build_map,
    classes_for,
    district_frame,
    legend_html,
    strong_districts,
    zones_in_view,
)
from geo.maplight import layer_specs, select_districts
from geo.names import BEIJING_DISTRICTS
from geo.state import LAYERS, ViewState


@pytest.fixture(scope="module")
def inputs() -> MapInputs:
    return MapInputs(read_districts(), read_zones(), read_regions(), read_designations(), read_indicators())


def render(inputs: MapInputs, state: ViewState) -> str:
    """Render the map to HTML, with the JSON \\uXXXX escapes folium writes turned back into text."""
    html = build_map(inputs, state).get_root().render()
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


def test_map_loads_only_local_assets(inputs):
    html = render(inputs, ViewState(layers=LAYERS))
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    links = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert scripts == ["/app/static/leaflet/leaflet.js"]
    assert links == ["/app/static/leaflet/leaflet.css"]
    assert "tile.openstreetmap" not in html and "autonavi" not in html  # no basemap by default


def test_optional_basemap_adds_tiles_only_when_asked(inputs):
    assert "tile.openstreetmap.org" in render(inputs, ViewState(basemap="osm"))


def test_amap_basemap_shifts_geometry_to_gcj02(inputs):
    wgs = build_layers(inputs, ViewState(layers=("districts",)))[0]
    gcj = build_layers(inputs, ViewState(layers=("districts",), basemap="amap"))[0]

    def first_coord(group):
        gj = next(c for c in group._children.values() if type(c).__name__ == "GeoJson")
        ring = gj.data["features"][0]["geometry"]["coordinates"]
        while isinstance(ring[0], list):
            ring = ring[0]
        return ring

    (x1, y1), (x2, y2) = first_coord(wgs), first_coord(gcj)
    assert 0.004 < x2 - x1 < 0.008 and 0.0005 < y2 - y1 < 0.003


def test_every_district_has_value_status_and_source_in_its_tooltip(inputs):
    frame = district_frame(inputs, ViewState(year=2020))
    assert len(frame) == 16
    assert set(frame.status) == {"demo"}
    html = render(inputs, ViewState(year=2020))
    for name in frame.name_zh:
        assert name in html
    assert html.count("演示数据(非官方)") >= 16  # the demo mark is in every tooltip
    assert "make_demo.py" in html


def test_demo_banner_and_outline_only_when_demo_values_are_shown(inputs):
    demo = render(inputs, ViewState(indicator="invention_patents_per_10k"))
    real = render(inputs, ViewState(indicator="resident_population_10k", year=2020))
    assert "atlas-demo-banner" in demo and "atlas-demo-banner" not in real
    assert "dotted outline" not in real and "虚线边框 = 演示数据" in demo
    assert "推算" in real  # population in 万人 is derived from the census count


def test_text_from_data_is_escaped(inputs):
    ind = inputs.indicators.copy()
    mask = (ind.region_code == "110108") & (ind.indicator == "invention_patents_per_10k") & (ind.year == 2020)
    ind.loc[mask, "source_note"] = "<script>alert(1)</script>"
    districts = inputs.districts.copy()
    districts.loc[districts.code == "110101", "name_zh"] = "<img src=x onerror=alert(2)>"
    data = MapInputs(districts, inputs.zones, inputs.regions, inputs.designations, ind)
    raw = build_map(data, ViewState(year=2020)).get_root().render()
    assert "<script>alert(1)" not in raw and "<img src=x" not in raw
    html = render(data, ViewState(year=2020))  # JSON escapes undone: what the tooltip's innerHTML receives
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_strong_districts_follow_designation_year(inputs):
    assert "110108" not in strong_districts(inputs.designations, 2015)
    assert "110108" in strong_districts(inputs.designations, 2016)
    assert "110106" not in strong_districts(inputs.designations, 2021)
    assert "110106" in strong_districts(inputs.designations, 2022)
    # E-Town's 2026 candidacy marks the zone, not its host districts Daxing and Tongzhou
    assert "110115" not in strong_districts(inputs.designations, 2026)


@pytest.mark.parametrize("year, expected", [(2005, "etda_bda_2002"), (2012, "etda_bda_2010"),
                                            (2020, "etda_yizhuang_newtown")])
def test_etown_extent_follows_year(inputs, year, expected):
    z = zones_in_view(inputs.zones, ViewState(year=year, layers=("etda",)))
    assert list(z.zone_id) == [expected]


def test_science_city_extents_follow_year(inputs):
    z2016 = set(zones_in_view(inputs.zones, ViewState(year=2016, layers=("science_cities",))).zone_id)
    z2020 = set(zones_in_view(inputs.zones, ViewState(year=2020, layers=("science_cities",))).zone_id)
    assert z2016 == {"sc_zgc_pre2017", "sc_future_phase1"}
    assert z2020 == {"sc_zgc", "sc_huairou", "sc_future"}


def test_legend_follows_visible_layers(inputs):
    state = ViewState(layers=("districts",))
    frame, classes = district_frame(inputs, state), classes_for(inputs, state)
    only = legend_html(inputs, state, frame, classes)
    full_state = ViewState(layers=LAYERS)
    full = legend_html(inputs, full_state, district_frame(inputs, full_state), classes_for(inputs, full_state))
    assert "三大科学城" not in only and "三大科学城" in full
    assert "示意范围" in full and "国家级知识产权" in full
    for text in ("每万人发明专利拥有量", "件/万人", "2024", "分位数", "演示数据"):
        assert text in only


def test_english_legend(inputs):
    state = ViewState(lang="en")
    text = legend_html(inputs, state, district_frame(inputs, state), classes_for(inputs, state))
    assert "Invention patents in force per 10k residents" in text and "demo" in text
    assert not re.search(r"[\u4e00-\u9fff]", text)


def test_breaks_fixed_across_years_by_default(inputs):
    fixed_a = classes_for(inputs, ViewState(year=2016))
    fixed_b = classes_for(inputs, ViewState(year=2024))
    free_a = classes_for(inputs, ViewState(year=2016, fixed_breaks=False))
    free_b = classes_for(inputs, ViewState(year=2024, fixed_breaks=False))
    assert fixed_a.breaks == fixed_b.breaks
    assert free_a.breaks != free_b.breaks


def test_year_change_changes_fills(inputs):
    def fills(year):
        state = ViewState(year=year)
        classes = classes_for(inputs, state)
        return [classes.color(v) for v in district_frame(inputs, state).value]

    assert fills(2016) != fills(2024)


def test_no_data_districts_are_grey(inputs):
    state = ViewState(indicator="resident_population_10k", year=2020)
    ind = inputs.indicators[~((inputs.indicators.region_code == "110119")
                              & (inputs.indicators.indicator == "resident_population_10k"))]
    data = MapInputs(inputs.districts, inputs.zones, inputs.regions, inputs.designations, ind)
    frame = district_frame(data, state)
    row = frame[frame.code == "110119"].iloc[0]
    assert pd.isna(row.value) and row.status == ""
    assert classes_for(data, state).color(row.value) == NO_DATA_COLOR


@pytest.mark.parametrize("districts", [("110108",), ("110108", "110105"), tuple(BEIJING_DISTRICTS)])
def test_selection_restyles_a_cached_view_exactly(inputs, districts):
    state = ViewState(districts=districts, layers=("districts", "strong", "etda"))
    direct = layer_specs(inputs, state)
    reused = select_districts(layer_specs(inputs, state.with_(districts=())), districts)
    assert reused == direct


def test_light_layers_carry_the_same_tooltips_as_the_folium_layers(inputs):
    state = ViewState(year=2020, layers=LAYERS)
    html = render(inputs, state)
    specs = layer_specs(inputs, state)
    tips = [f["p"]["tip"] for spec in specs for g in spec.get("geojson", []) for f in g["features"]]
    assert tips and all(tip in html for tip in tips)
