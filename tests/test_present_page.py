"""Presentation page through AppTest: stepping, shared scene lists in the URL, adding scenes, bad input kept out."""

from __future__ import annotations

from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.view.scenes import Scene, encode_scenes, project_scenes
from geo.view.state import ViewState


def open_present(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page("views/present.py")
    at.run()
    assert not at.exception, at.exception
    return at


def title(at: AppTest) -> str:
    return at.title[0].value


def test_steps_with_buttons_and_keeps_the_scene_in_the_url():
    at = open_present()
    assert title(at) == "京津冀协同发展"
    assert at.button(key="present_prev").disabled
    for expected in ["三大科学城", "中关村国家自主创新示范区", "北京经济技术开发区(亦庄)", "知识产权强区建设"]:
        at.button(key="present_next").click().run()
        assert title(at) == expected
    assert at.button(key="present_next").disabled
    assert str(at.query_params["scene"]).strip("[]'") == "5"
    assert title(open_present(scene="3")) == "中关村国家自主创新示范区"  # the link opens on that scene


def test_shared_scene_list_in_the_url():
    custom = [Scene("海淀 2016", "Haidian 2016", ViewState(year=2016, districts=("110108",))),
              *project_scenes()[:2]]
    at = open_present(scenes=encode_scenes(custom), lang="en")
    assert title(at) == "Haidian 2016"
    assert any("Scene 1 of 3" in m.value for m in at.markdown)


def test_bad_shared_list_says_so_and_shows_the_projects():
    at = open_present(scenes="v1.garbage!!")
    assert any("无法读取" in e.value for e in at.warning)  # a note about the link (ui.linknotes)
    assert title(at) == "京津冀协同发展"


def test_add_a_pasted_link_and_refuse_a_bad_one():
    at = open_present()
    at.text_input(key="present_add_link").set_value("http://127.0.0.1:8501/map?year=2018&d=110105&layers=districts")
    at.text_input(key="present_add_title").set_value("朝阳 2018")
    at.button(key="present_add").click().run()
    assert title(at) == "朝阳 2018" and any("第 6 / 6 幕" in m.value for m in at.markdown)
    assert str(at.query_params["scenes"]).strip("[]'").startswith("v1.")  # the address bar shares the new list
    at.text_input(key="present_add_link").set_value("/map?year=abc").run()
    at.button(key="present_add").click().run()
    assert any("无效参数" in e.value and "保持不变" in e.value for e in at.error)
    assert any("第 6 / 6 幕" in m.value for m in at.markdown)  # nothing lost
    at.button(key="present_remove").click().run()
    assert any("/ 5 幕" in m.value for m in at.markdown)
    at.button(key="present_reset").click().run()
    assert title(at) == "京津冀协同发展" and "scenes" not in at.query_params
