"""The map in a real browser (Debian Chromium): drawn, offline, shareable, recoloured by year."""

from __future__ import annotations

import re

import pytest
from conftest import RequestLog, wait_for_map

from geo.carto.classify import DIVERGING, NO_DATA_COLOR, SEQUENTIAL

pytestmark = pytest.mark.browser

PALETTE = {*SEQUENTIAL, *DIVERGING, NO_DATA_COLOR}


def district_fills(frame) -> list[str]:
    """Return the fill colours of the district polygons, in drawing order."""
    fills = frame.eval_on_selector_all("path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))")
    return [f for f in fills if f in PALETTE]


def wait_for_fills_change(page, frame_getter, before: list[str], timeout_ms: int = 20_000) -> list[str]:
    deadline = page.evaluate("Date.now()") + timeout_ms
    while page.evaluate("Date.now()") < deadline:
        try:
            now = district_fills(frame_getter())
        except Exception:  # the map iframe is being replaced
            now = []
        if len(now) == 16 and now != before:
            return now
        page.wait_for_timeout(100)
    raise AssertionError("district fills never changed")


def test_map_draws_offline_and_shares_and_recolours(app_url, page_factory, artifacts):
    log = RequestLog()
    page = page_factory(log)
    page.goto(app_url + "/?year=2024")
    frame = wait_for_map(page, 16)
    fills = district_fills(frame)
    assert len(fills) == 16, fills
    # zone layers: schematic outlines are drawn dashed
    dashes = frame.eval_on_selector_all("path.leaflet-interactive", "els => els.map(e => e.getAttribute('stroke-dasharray'))")
    assert "6 5" in dashes
    # labels and legend in Chinese, demo flagged
    assert "海淀" in frame.inner_text("body")
    page.get_by_role("link", name="政策目标").wait_for()  # the app's own navigation, in Chinese
    assert page.get_by_text("Page not found").count() == 0
    page.get_by_text("虚线边框 = 演示数据(非官方)").wait_for()
    page.get_by_text(re.compile("演示数据 · 非官方")).first.wait_for()
    page.screenshot(path=str(artifacts / "map-default.png"), full_page=True)

    # the address bar is a share link: a fresh browser context gets the same fills
    page.wait_for_function("() => location.search.includes('layers=')")
    share = page.url
    other = page_factory(log)
    other.goto(share)
    assert district_fills(wait_for_map(other, 16)) == fills

    # changing the year in the UI recolours the districts
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("Home")
    page.wait_for_function("() => location.search.includes('year=2015')")
    new = wait_for_fills_change(page, lambda: wait_for_map(page, 16), fills)
    assert new != fills
    page.screenshot(path=str(artifacts / "map-2015.png"), full_page=True)

    # nothing left the machine
    assert log.urls, "request log is empty"
    assert log.external() == [], log.external()


def test_tooltip_shows_value_status_and_source(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2020&layers=districts&d=110108")
    frame = wait_for_map(page, 16)
    box = frame.locator("path.leaflet-interactive").nth(5).bounding_box()  # 海淀 is sixth in code order
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = frame.locator(".leaflet-tooltip").first
    tip.wait_for()
    text = tip.inner_text()
    assert "件/万人" in text and "2020" in text and "来源" in text
    assert "演示数据" in text or "官方" in text


def test_click_on_a_district_opens_its_profile(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2020&layers=districts")
    frame = wait_for_map(page, 16)
    page.get_by_text("点击地图上的区查看概况").wait_for()
    # 延庆 (last in code order) is large: click a point inside it, away from its label
    box = frame.locator("path.leaflet-interactive").nth(15).bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.55)
    page.get_by_text("延庆区概况").wait_for(timeout=20_000)
    page.get_by_text("国家知识产权试点城市").first.wait_for()


def test_play_steps_through_the_years(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2015&layers=districts")
    wait_for_map(page, 16)
    page.locator(".atlas-play").click()
    page.wait_for_function("() => location.search.includes('year=2016')", timeout=20_000)
    page.wait_for_function("() => location.search.includes('year=2017')", timeout=20_000)
    page.locator(".atlas-play").click()  # stop


def test_district_labels_let_the_tooltip_through(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2020&layers=districts")
    frame = wait_for_map(page, 16)
    label = frame.locator(".atlas-label", has_text="延庆")
    box = label.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # right on the label
    tip = frame.locator(".leaflet-tooltip").first
    tip.wait_for()
    assert "延庆区" in tip.inner_text()
