"""geo.view.scenes: the five project scenes, share links, save/reload/share round trips, bad input refused clearly."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.text.i18n import STRINGS, t
from geo.view.scenes import (
    MAX_SCENES,
    Scene,
    SceneError,
    decode_scenes,
    encode_scenes,
    project_scenes,
    scene_from_link,
    scene_link,
    scenes_from_json,
    scenes_to_json,
    step,
)
from geo.view.state import ViewState, from_query


def test_five_project_scenes_cover_the_five_projects():
    scenes = project_scenes()
    assert len(scenes) == 5
    layers = [set(s.state.layers) for s in scenes]
    for needed in ("jjj", "science_cities", "zgc_parks", "etda", "strong"):
        assert sum(needed in ls for ls in layers) >= 1, needed
    assert all("districts" in ls for ls in layers)
    for s in scenes:
        assert s.title("zh") and s.title("en") and s.title("zh") != s.title("en")


def test_project_scenes_are_the_projects_page_views():
    from geo.analysis.projects import PROJECT_VIEWS
    assert [s.state for s in project_scenes()] == list(PROJECT_VIEWS.values())


def test_scene_link_is_a_map_share_link_that_round_trips():
    for s in project_scenes():
        link = scene_link(s, "en", "http://127.0.0.1:8501")
        parts = urlsplit(link)
        assert parts.path == "/"  # the map is the app root
        back = from_query({k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()})
        assert back == s.state.with_(lang="en") and not back.notes


def test_title_falls_back_to_the_other_language():
    assert Scene("只有中文", "", ViewState()).title("en") == "只有中文"
    assert Scene("", "English only", ViewState()).title("zh") == "English only"


@pytest.mark.parametrize("link", [
    "http://intranet.example/map?year=2019&layers=districts,etda&d=110115",
    "/map?year=2019&layers=districts%2Cetda&d=110115",
    "?year=2019&layers=districts,etda&d=110115",
    "year=2019&layers=districts,etda&d=110115",
])
def test_scene_from_link_accepts_the_forms_of_a_share_link(link):
    s = scene_from_link(link, "亦庄", "E-Town")
    assert s.state.year == 2019 and s.state.layers == ("districts", "etda") and s.state.districts == ("110115",)


@pytest.mark.parametrize("link", ["", "   ", "http://x/map", "/map?year=abc", "/map?d=999999", "/map?layers=bogus",
                                  "/map?lang=fr", None, 42])
def test_scene_from_link_refuses_bad_links(link):
    with pytest.raises(SceneError) as info:
        scene_from_link(link)
    assert info.value.key.startswith("present.err.")
    assert info.value.message("en") != info.value.key  # a real, translated message


def test_year_outside_the_data_is_refused_when_years_are_given():
    with pytest.raises(SceneError):
        scene_from_link("/map?year=1999", years=[2015, 2024])
    assert scene_from_link("/map?year=2015", years=[2015, 2024]).state.year == 2015


def test_json_round_trip_keeps_titles_and_views():
    custom = [*project_scenes(), Scene("海淀 <b>示范</b>", "Haidian", ViewState(year=2016, districts=("110108",)))]
    text = scenes_to_json(custom)
    doc = json.loads(text)
    assert doc["format"] == "beijing-ip-atlas/scenes" and doc["version"] == 1
    assert all(item["link"].startswith("/?") for item in doc["scenes"])
    assert scenes_from_json(text) == custom
    assert scenes_from_json(text.encode("utf-8-sig")) == custom  # BOM from a Windows editor is fine


def test_json_accepts_plain_lists_of_links_and_query_dicts():
    doc = ["/map?year=2020", {"title": "朝阳", "query": {"year": "2021", "d": "110105"}}]
    scenes = scenes_from_json(json.dumps(doc))
    assert [s.state.year for s in scenes] == [2020, 2021] and scenes[1].title("en") == "朝阳"


@pytest.mark.parametrize("data, key", [
    (b"\xff\xfe not utf8", "present.err.not_json"),
    (b"{", "present.err.not_json"),
    (b'{"format": "something-else", "scenes": []}', "present.err.not_scenes"),
    (b'{"format": "beijing-ip-atlas/scenes", "version": 9, "scenes": ["/map?year=2020"]}', "present.err.version"),
    (b'{"scenes": []}', "present.err.empty"),
    (b'{"scenes": "nope"}', "present.err.not_scenes"),
    (b'{"scenes": [42]}', "present.err.bad_scene"),
    (b'{"scenes": [{"title": "x"}]}', "present.err.bad_scene"),
    (b'{"scenes": [{"title": 5, "link": "/map?year=2020"}]}', "present.err.bad_title"),
    (b'{"scenes": [{"title": "x", "link": "/map?year=20x0"}]}', "present.err.bad_view"),
    (json.dumps({"scenes": ["/map?year=2020"] * (MAX_SCENES + 1)}).encode(), "present.err.too_many"),
    (b" " * 300_000, "present.err.too_big"),
])
def test_bad_files_raise_scene_error_with_a_clear_key(data, key):
    with pytest.raises(SceneError) as info:
        scenes_from_json(data)
    assert info.value.key == key
    assert key in STRINGS
    for lang in ("zh", "en"):
        assert "{" not in info.value.message(lang)


def test_where_the_error_is_is_said():
    doc = {"scenes": ["/map?year=2020", {"title": "b", "link": "/map?d=bogus"}]}
    with pytest.raises(SceneError) as info:
        scenes_from_json(json.dumps(doc))
    assert "#2" in info.value.message("en") and "bogus" in info.value.message("en")


def test_titles_are_trimmed_not_interpreted():
    s = scenes_from_json(json.dumps([{"title": "  a\n\tb  " + "x" * 500, "link": "/map?year=2020"}]))[0]
    assert s.title("zh").startswith("a b") and len(s.title("zh")) == 200


def test_share_parameter_round_trip_and_is_url_safe():
    custom = [*project_scenes(), Scene("海淀区 2016", "Haidian 2016", ViewState(year=2016, districts=("110108",)))]
    value = encode_scenes(custom)
    assert value.startswith("v1.") and all(c.isalnum() or c in "-_." for c in value)
    assert len(value) < 1000
    assert decode_scenes(value) == custom


@pytest.mark.parametrize("value", ["", "v2.abc", "v1.!!!!", "v1." + "A" * 7000, "v1.eJwrSS0uAQAEXQHB",
                                   encode_scenes([]).replace("v1.", "v1.x")])
def test_bad_share_parameters_are_refused(value):
    with pytest.raises(SceneError) as info:
        decode_scenes(value)
    assert info.value.key in ("present.err.bad_param", "present.err.empty", "present.err.bad_scene")


def test_share_parameter_with_an_invalid_view_is_refused():
    import base64
    import zlib
    raw = zlib.compress(json.dumps([["a", "b", "year=2020&cls=bogus"]]).encode())
    with pytest.raises(SceneError) as info:
        decode_scenes("v1." + base64.urlsafe_b64encode(raw).decode().rstrip("="))
    assert info.value.key == "present.err.bad_view"


def test_step_stays_in_range():
    assert [step(i, 5, 1) for i in range(5)] == [1, 2, 3, 4, 4]
    assert [step(i, 5, -1) for i in range(5)] == [0, 0, 1, 2, 3]
    assert step(3, 0, 1) == 0


def test_messages_exist_in_both_languages():
    for key in [k for k in STRINGS if k.startswith("present.err.")]:
        assert t(key, "zh", detail="x") != t(key, "en", detail="x")
