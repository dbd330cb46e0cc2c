"""The analysis pages through AppTest: each opens without exception and shows its key content."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.analysis.projects import PROJECT_VIEWS
from geo.view.state import to_query


def open_page(path: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # the map (default page) first
    at.query_params.clear()  # then the page itself with exactly these parameters, as a link would open it
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def qp(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def test_projects_page_cards_and_buttons():
    at = open_page("views/projects.py")
    assert at.title[0].value == "五大区域布局工程"
    heads = [s.value for s in at.header]
    assert heads[:2] == ["京津冀“一局三地”与知识产权协同发展示范区", "三大科学城"] and len(heads) == 5
    assert [b.key for b in at.button] == [f"open_map_{k}" for k in PROJECT_VIEWS]
    text = " ".join(m.value for m in at.markdown)
    assert "国家知识产权示范城区" in text and "2017年初已在运行" in text


@pytest.mark.parametrize("key", list(PROJECT_VIEWS))
def test_project_button_opens_the_map_on_its_view(key):
    at = open_page("views/projects.py")
    at.button(key=f"open_map_{key}").click().run()
    assert not at.exception
    assert at.title[0].value == "北京知识产权区域布局图"  # the map page
    expected = to_query(PROJECT_VIEWS[key])
    for k in ("layers", "d", "year"):
        assert qp(at, k) == expected[k], (key, k)


def test_trends_page_follows_url_filters_and_flags_demo():
    at = open_page("views/trends.py", year="2019", d="110108,110105")
    assert at.title[0].value == "趋势与排名"
    assert at.multiselect(key="tr_districts").value == ["110108", "110105"]
    assert at.select_slider(key="tr_year").value == 2019
    assert any("演示数据" in e.value for e in at.error)
    specs = charts(at)
    assert len(specs) == 2
    assert all("演示数据" in s["title"]["text"] for s in specs)
    assert "全市: 官方" in specs[0]["title"]["subtitle"][0]
    assert "2019年" in specs[1]["title"]["text"]


def test_trends_page_writes_filters_back():
    at = open_page("views/trends.py", year="2019")
    at.multiselect(key="tr_districts").set_value(["110114"]).run()
    assert not at.exception
    assert qp(at, "d") == "110114" and qp(at, "year") == "2019"
    at.select_slider(key="tr_year").set_value(2022).run()
    assert qp(at, "year") == "2022"
    specs = charts(at)
    assert "2022年" in specs[1]["title"]["text"]


def test_trends_page_official_indicator_has_no_demo_mark():
    at = open_page("views/trends.py", ind="resident_population_10k", year="2020")
    specs = charts(at)
    assert specs and all("演示" not in json.dumps(s["title"], ensure_ascii=False) for s in specs)
    assert not any("演示数据" in e.value for e in at.error)


def test_trends_bad_parameters_fall_back_with_a_note():
    at = open_page("views/trends.py", year="1900", d="999999")
    assert any("1900" in w.value for w in at.warning)
    assert at.multiselect(key="tr_districts").value == []


def test_zones_page_summary_and_detail():
    at = open_page("views/zones.py")
    assert at.title[0].value == "功能区概况"
    table = at.dataframe[0].value
    assert len(table) == 34 and "怀柔区, 密云区" in table.iloc[:, 2].tolist()
    assert at.selectbox(key="zs_zone").value == "etda_yizhuang_newtown"
    shown = " ".join(df.value.to_string() for df in at.dataframe)
    assert "411 件/万人" in shown and "通州区" in shown
    at.selectbox(key="zs_zone").set_value("zgc_all").run()
    shown = " ".join(df.value.to_string() for df in at.dataframe)
    assert "中关村核心区(海淀)" in shown and "267.7 件/万人" in shown


def test_sources_page_lists_datasets_definitions_coverage_and_downloads():
    at = open_page("views/sources.py")
    assert at.title[0].value == "数据来源"
    frames = [df.value for df in at.dataframe]
    from geo.data.datasets import DATASETS

    assert len(frames[0]) == len(DATASETS)  # every dataset
    assert any("2021年统计口径变化" in m.value for m in at.markdown)
    assert "年末存量" in frames[1].to_string() and "年度流量" in frames[1].to_string()
    assert "16D⚠ BJ" in frames[2].to_string()
    assert len(at.get("download_button")) >= 9
    texts = [f.to_string() for f in frames]
    assert any("转载" in x and "政府网站" in x for x in texts)  # figures counted by source kind
    assert any("etda_bda_2002" in x and "46.8" in x for x in texts)  # the conflict, both values
    assert any("110108" in x for x in texts)  # 海淀 third-hand figures as cross-checks
    assert any("替代指标" in m.value or "GDP" in m.value for m in at.markdown)  # the demo method


def test_pages_in_english():
    for path, title in (("views/projects.py", "The five regional-layout projects"),
                        ("views/trends.py", "Trends and ranking"), ("views/zones.py", "Zone summaries"),
                        ("views/sources.py", "Sources")):
        at = open_page(path, lang="en")
        assert at.title[0].value == title
