"""The analysis pages in a real browser (Debian Chromium): what a person sees, offline; project buttons
land on the map view of their project."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import RequestLog, wait_for_map, wait_idle

from geo.analysis.projects import PROJECT_VIEWS
from geo.text.i18n import t
from geo.view.state import to_query

pytestmark = pytest.mark.browser

LEGEND = {"jjj": "legend.jjj", "science_cities": "legend.science_cities", "zgc": "legend.zgc_parks",
          "etda": "legend.etda", "strong": "legend.strong"}


def open_from_menu(page, base: str, label: str, start: str = "/") -> None:
    """Open the app, wait for the map page to settle, then click ``label`` in the app's navigation."""
    page.goto(base + start)
    page.wait_for_function("() => location.search.includes('layers=')")
    page.get_by_role("link", name=label, exact=True).click()
    page.get_by_role("heading", level=1).wait_for()


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query, keep_blank_values=True).items()}


def test_targets_page(app_url, page_factory, artifacts):
    log = RequestLog()
    page = page_factory(log)
    open_from_menu(page, app_url, "政策目标")
    page.get_by_role("heading", name="政策目标进展").wait_for()
    page.get_by_text("2024年实际值(件/万人)").first.wait_for()  # the unit in the metric label, the value 301.1
    page.get_by_text("301.1", exact=True).first.wait_for()
    page.get_by_role("button", name="下载补充数据的CSV模板").nth(1).wait_for()  # the page has rendered to its end
    assert page.get_by_text(re.compile("^无数据")).count() == 2
    assert page.get_by_role("button", name="下载补充数据的CSV模板").count() == 2
    page.get_by_text(re.compile("预测方法")).first.wait_for()
    page.screenshot(path=str(artifacts / "targets.png"), full_page=True)
    assert log.external() == [], log.external()


def test_trends_page_follows_the_map_and_draws_charts(app_url, page_factory, artifacts):
    log = RequestLog()
    page = page_factory(log)
    open_from_menu(page, app_url, "趋势与排名", start="/?year=2019&d=110108,110105")
    page.wait_for_function("() => location.search.includes('d=110108%2C110105')")
    assert query(page)["year"] == "2019"
    # two Vega charts drawn by Streamlit's bundled Vega (no CDN), with the demo mark
    page.wait_for_function("() => document.querySelectorAll('.vega-embed').length >= 2")
    page.locator(".vega-embed svg, .vega-embed canvas").first.wait_for()
    page.get_by_text(re.compile("演示数据 · 非官方")).first.wait_for()
    page.get_by_text("海淀区", exact=True).first.wait_for()  # the district chip carried over from the map
    page.screenshot(path=str(artifacts / "trends.png"), full_page=True)
    assert log.external() == [], log.external()


def test_zones_and_sources_pages(app_url, page_factory):
    log = RequestLog()
    page = page_factory(log)
    open_from_menu(page, app_url, "功能区概况")
    page.get_by_role("heading", name="亦庄新城（经开区统一规划建设）").wait_for()
    page.get_by_text("225.00 km²").wait_for()
    page.get_by_role("link", name="数据来源", exact=True).click()
    page.get_by_role("heading", name="数据覆盖(指标 × 年份 × 地区)").wait_for()
    page.get_by_text(re.compile("2021年统计口径变化")).wait_for()
    page.get_by_role("button", name=re.compile("指标表")).first.wait_for()  # a download by its name; rendered below the fold
    assert log.external() == [], log.external()


def test_each_project_button_lands_on_its_map_view(app_url, page_factory, artifacts):
    log = RequestLog()
    page = page_factory(log)
    open_from_menu(page, app_url, "五大区域布局工程")
    for i, (key, view) in enumerate(PROJECT_VIEWS.items()):
        if i:
            page.get_by_role("link", name="五大区域布局工程", exact=True).click()
        page.get_by_role("heading", name=t(f"an.proj.{key}.title")).wait_for()
        page.get_by_role("button", name="在地图上查看").nth(len(PROJECT_VIEWS) - 1).wait_for()
        wait_idle(page)  # the whole page has rendered: no layout shift under the click
        page.get_by_role("button", name="在地图上查看").nth(i).click()
        expected = to_query(view)
        # the map is the default page: its address is the app root (or /map)
        try:
            page.wait_for_function("q => /\\/(map)?$/.test(location.pathname) && location.search.includes(q)",
                                   arg="layers=" + expected["layers"].replace(",", "%2C"), timeout=20_000)
        except Exception as exc:
            raise AssertionError(f"{key}: the map view never reached the address bar: {page.url}") from exc
        got = query(page)
        assert {k: got.get(k) for k in ("layers", "d", "year")} == {k: expected[k] for k in ("layers", "d", "year")}
        page.get_by_role("heading", name="北京知识产权区域布局图").wait_for()
        wait_for_map(page, 16)
        page.get_by_text(t(LEGEND[key])).first.wait_for()
        page.screenshot(path=str(artifacts / f"project-{key}.png"))
    assert log.external() == [], log.external()
