"""geo.carto: the layer model every renderer reads, and the one style table."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from geo.carto import styles
from geo.carto.classify import NO_DATA_COLOR
from geo.carto.contract import RENDERER_SCRIPTS
from geo.carto.model import (
    BASEMAP_TILES,
    classes_for,
    district_frame,
    district_labels,
    geometry_asset,
    layer_model,
    legend_items,
    region_labels,
    zone_labels,
    zones_in_view,
)
from geo.data.datasets import MapInputs, read_inputs
from geo.data.designations import strong_in_year as strong_districts
from geo.data.names import BEIJING_DISTRICTS
from geo.data.paths import STATIC_DIR
from geo.view.state import LAYERS, ViewState

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def inputs() -> MapInputs:
    return read_inputs()


def model_text(model: dict) -> str:
    return json.dumps(model, ensure_ascii=False)


def test_model_is_json_and_carries_every_year(inputs):
    model = layer_model(inputs, ViewState(year=2020), "/app/static/atlas/x.json")
    assert json.loads(json.dumps(model)) == model
    assert model["years"] == sorted(model["years"]) and "2015" in model["frames"] and "2024" in model["frames"]
    assert model["year"] == 2020 and model["geometry"] == "/app/static/atlas/x.json"
    for frame in model["frames"].values():
        assert set(frame["d"]) == set(BEIJING_DISTRICTS)
        assert frame["legend"] < len(model["legends"])


def test_model_loads_nothing_from_outside_unless_a_basemap_is_asked(inputs):
    assert layer_model(inputs, ViewState(layers=LAYERS))["basemap"] is None
    assert "http" not in model_text(layer_model(inputs, ViewState(layers=LAYERS))["style"])
    assert layer_model(inputs, ViewState(basemap="osm"))["basemap"] == BASEMAP_TILES["osm"]


def test_amap_basemap_shifts_geometry_to_gcj02(inputs):
    wgs = json.loads(geometry_asset(inputs, "none")[1])["d"]["110101"]
    gcj = json.loads(geometry_asset(inputs, "amap")[1])["d"]["110101"]

    def first(g):
        ring = g["coordinates"]
        while isinstance(ring[0], list):
            ring = ring[0]
        return ring

    (x1, y1), (x2, y2) = first(wgs), first(gcj)
    assert 0.004 < x2 - x1 < 0.008 and 0.0005 < y2 - y1 < 0.003
    assert geometry_asset(inputs, "none")[0] != geometry_asset(inputs, "amap")[0]


def test_every_district_has_value_status_and_source_in_its_tooltip(inputs):
    state = ViewState(year=2020)
    frame = district_frame(inputs, state)
    assert len(frame) == 16 and set(frame.status) == {"demo"}
    model = layer_model(inputs, state)
    for _code, cell in model["frames"]["2020"]["d"].items():
        assert cell["s"] == "demo" and cell["v"].endswith("件/万人") and "src" in cell and 1 <= cell["r"] <= 16
    # the tooltip itself is composed by the renderer from these cells: tests/js/tooltip.test.js


def test_demo_banner_title_and_outline_only_when_demo_values_are_shown(inputs):
    demo = layer_model(inputs, ViewState(indicator="invention_patents_per_10k", year=2020))["frames"]["2020"]
    real = layer_model(inputs, ViewState(indicator="resident_population_10k", year=2020))["frames"]["2020"]
    assert demo["banner"] and "演示" in demo["title"]
    assert real["banner"] is None and "演示" not in real["title"]


def test_strong_districts_follow_designation_year(inputs):
    assert "110108" not in strong_districts(inputs.designations, 2015)
    assert "110108" in strong_districts(inputs.designations, 2016)
    assert "110106" not in strong_districts(inputs.designations, 2021)
    assert "110106" in strong_districts(inputs.designations, 2022)
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


def test_zone_validity_is_data(inputs):
    z = inputs.zones.set_index("zone_id")
    assert int(z.loc["sc_huairou_2017", "valid_from"]) == 2017 and int(z.loc["sc_huairou_2017", "valid_to"]) == 2017
    assert not bool(z.loc["jjj_beijing", "on_map"])
    assert "jjj_beijing" not in set(zones_in_view(inputs.zones, ViewState(layers=LAYERS)).zone_id)


def test_model_frames_switch_zones_by_year(inputs):
    model = layer_model(inputs, ViewState(layers=("etda",)))
    assert model["frames"]["2015"]["zones"] == ["etda_bda_2010"]
    assert model["frames"]["2020"]["zones"] == ["etda_yizhuang_newtown"]


def test_legend_follows_visible_layers(inputs):
    def labels(state):
        return [i.label for i in legend_items(inputs, state, district_frame(inputs, state), classes_for(inputs, state))]

    only = " ".join(labels(ViewState(layers=("districts",))))
    full = " ".join(labels(ViewState(layers=LAYERS)))
    assert "三大科学城" not in only and "三大科学城" in full
    assert "示意范围" in full and "国家级知识产权" in full
    for text in ("每万人发明专利拥有量", "件/万人", "2024", "分位数", "演示数据"):
        assert text in only
    assert labels(ViewState(layers=())) and "未选择图层" in labels(ViewState(layers=()))[0]


def test_selection_has_its_own_legend_entry_and_style(inputs):
    state = ViewState(districts=("110108",))
    items = legend_items(inputs, state, district_frame(inputs, state), classes_for(inputs, state))
    sel = [i for i in items if "选中" in i.label]
    assert sel and sel[0].edge == styles.SELECTED["color"]
    assert styles.SELECTED["color"] not in (styles.STRONG["color"], styles.FOCUS["color"], styles.DEMO_OUTLINE["color"])


def test_english_legend_and_model_have_no_chinese_ui_text(inputs):
    state = ViewState(lang="en")
    items = legend_items(inputs, state, district_frame(inputs, state), classes_for(inputs, state))
    text = " ".join(i.label for i in items)
    assert "Invention patents in force per 10k residents" in text and "demo" in text
    assert not CJK.search(text)
    assert text.count("per 10k residents") == 1  # the unit is not repeated
    model = layer_model(inputs, state)
    assert not CJK.search(json.dumps(model["text"], ensure_ascii=False))
    assert not CJK.search(" ".join(lb["text"] for lb in model["labels"]))


def test_breaks_fixed_across_years_by_default(inputs):
    assert classes_for(inputs, ViewState(year=2016)).breaks == classes_for(inputs, ViewState(year=2024)).breaks
    assert (classes_for(inputs, ViewState(year=2016, fixed_breaks=False)).breaks
            != classes_for(inputs, ViewState(year=2024, fixed_breaks=False)).breaks)


def test_year_change_changes_fills(inputs):
    model = layer_model(inputs, ViewState())
    fills = {y: [c["f"] for c in f["d"].values()] for y, f in model["frames"].items()}
    assert fills["2016"] != fills["2024"]


def test_no_data_districts_are_grey(inputs):
    state = ViewState(indicator="resident_population_10k", year=2020)
    ind = inputs.indicators[~((inputs.indicators.region_code == "110119")
                              & (inputs.indicators.indicator == "resident_population_10k"))]
    data = MapInputs(inputs.districts, inputs.zones, inputs.regions, inputs.designations, ind)
    row = district_frame(data, state).set_index("code").loc["110119"]
    assert pd.isna(row.value) and row.status == ""
    assert layer_model(data, state)["frames"]["2020"]["d"]["110119"]["f"] == NO_DATA_COLOR
    assert NO_DATA_COLOR.lower() != styles.MAP_BACKGROUND.lower()


def test_labels_have_priorities_and_names_for_zones_and_jingjinji(inputs):
    d = district_labels(inputs, "zh")
    assert len(d) == 16 and {lb["text"] for lb in d} >= {"海淀", "东城", "延庆"}
    prio = {lb["id"]: lb["prio"] for lb in d}
    assert prio["110119"] > prio["110101"]  # the large district keeps its label where they would overlap
    zones = zone_labels(zones_in_view(inputs.zones, ViewState(layers=LAYERS)), "zh")
    texts = {lb["text"] for lb in zones}
    assert {"中关村科学城", "怀柔科学城", "未来科学城"} <= texts and any("亦庄" in x or "经济技术" in x for x in texts)
    parks = [lb for lb in zones if lb["id"].startswith("zgc_")]
    assert parks and all(lb["minZoom"] >= 10 for lb in parks)  # park names when zoomed in
    regions = {lb["text"] for lb in region_labels(inputs.regions, "zh")}
    assert {"天津市", "保定市", "廊坊市"} <= regions and len(regions) == 12  # Tianjin and Hebei's 11 cities
    jjj = [lb["text"] for lb in layer_model(inputs, ViewState(layers=LAYERS))["labels"]]
    assert "河北雄安新区" in jjj and len(jjj) == len(set(jjj))  # Xiong'an named once, by its zone


def test_point_zones_are_points(inputs):
    model = layer_model(inputs, ViewState(layers=("zgc_parks",)))
    points = [z for z in model["zones"] if z["point"]]
    assert points and all(z["q"] == "point" for z in points)


def test_text_from_data_stays_plain_text_in_the_model(inputs):
    districts = inputs.districts.copy()
    districts.loc[districts.code == "110101", "name_zh"] = "<img src=x onerror=alert(2)>"
    data = MapInputs(districts, inputs.zones, inputs.regions, inputs.designations, inputs.indicators)
    model = layer_model(data, ViewState(year=2020))
    # the renderer sets every text with textContent; the model carries the text as it is
    assert model["districts"][0]["name"] == "<img src=x onerror=alert(2)>"
    for name in RENDERER_SCRIPTS:
        js = (STATIC_DIR / "atlasmap" / name).read_text(encoding="utf-8")
        assert "innerHTML" not in js and "insertAdjacentHTML" not in js, name


def test_one_style_constant_reaches_every_renderer(inputs, monkeypatch):
    """Change the strong-district outline colour once: the page model, the HTML export and matplotlib show it."""
    from geo import export

    colour = "#123456"
    monkeypatch.setitem(styles.STRONG, "color", colour)
    state = ViewState(year=2020)
    assert layer_model(inputs, state)["style"]["strong"]["color"] == colour
    assert colour in export.render_html(inputs, state).decode("utf-8")
    if export.find_cjk_font() is None:
        pytest.skip("no CJK font for the matplotlib figure")
    fig = export.draw_figure(inputs, state)
    edges = {c for coll in fig.axes[0].collections for c in
             [("#{:02x}{:02x}{:02x}".format(*tuple(int(v * 255) for v in rgba[:3]))) for rgba in coll.get_edgecolor()]}
    assert colour in edges


@pytest.mark.parametrize("districts", [("110108",), ("110108", "110105"), tuple(BEIJING_DISTRICTS)])
def test_selection_reuses_the_views_model_exactly(inputs, districts):
    from geo.carto.model import select_districts

    state = ViewState(districts=districts, layers=("districts", "strong", "etda"))
    direct = layer_model(inputs, state)
    reused = select_districts(layer_model(inputs, state.with_(districts=())), inputs, state)
    assert reused["selected"] == direct["selected"] == list(districts)
    assert reused["bounds"] == direct["bounds"]
    for y, frame in direct["frames"].items():  # same fills, tooltips and zones; the legend gains the selection line
        assert frame["d"] == reused["frames"][y]["d"] and frame["zones"] == reused["frames"][y]["zones"]
    # the selection's line: placed where Python says, the same place in the browser and on paper
    frame = direct["frames"]["2024"]
    at = direct["selectionAt"][frame["legend"]]
    paper = legend_items(inputs, state, district_frame(inputs, state), classes_for(inputs, state))
    assert paper[at + 1].label == reused["selectionLegend"]["label"]  # + 1: the title, kept apart in the model
    assert [i.label for i in paper[1:at + 1]] == [i["label"] for i in direct["legends"][frame["legend"]][:at]]


def test_demo_switch_off_shows_no_demo_value_anywhere_in_the_model(inputs):
    model = layer_model(inputs, ViewState(demo=False))
    cells = [c for f in model["frames"].values() for c in f["d"].values()]
    assert cells and all(c["s"] != "demo" for c in cells)
    assert not any(f["banner"] for f in model["frames"].values())
    assert "演示" not in json.dumps([f["title"] for f in model["frames"].values()], ensure_ascii=False)
    legend = [i["label"] for legend in model["legends"] for i in legend]
    assert "暂无官方数据" in legend and not any("演示" in x for x in legend)


def test_the_source_line_names_the_kind_of_each_page_the_strongest_first(inputs):
    """Under every map (and on every export) an indicator's address says what kind of page it is: a repost says so."""
    from geo.carto.texts import source_line

    for lang, word in (("zh", "(转载)"), ("en", "(repost)")):
        state = ViewState(year=2019, lang=lang)
        line = source_line(inputs, state, district_frame(inputs, state))
        assert f"http://m.52fw.cn/a/56321.html {word}" in line, line
    rows = pd.DataFrame({"status": ["official", "official"], "source_url": ["http://m.52fw.cn/a/1.html",
                                                                             "https://zscqj.beijing.gov.cn/a.html"]})
    line = source_line(inputs, ViewState(lang="en", layers=("districts",)), rows)
    assert line.index("zscqj.beijing.gov.cn") < line.index("52fw.cn"), line  # the government page first
    assert "a.html (government site)" in line, line
