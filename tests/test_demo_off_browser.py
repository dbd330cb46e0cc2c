"""Demo off means off everywhere (issue 19, item 3), in a real browser (Debian Chromium).

``demo=0`` in a link: 朝阳's profile on the map page and the trends page show no demo value and
no demo mark (the main area of the page, the map drawn in it included); the same pages with demo
values shown do show them. The demo marks are those the app writes: ⚠演示 and 演示数据.
"""

from __future__ import annotations

import re

import pytest
from conftest import wait_for_map, wait_idle

from geo.text.i18n import t

pytestmark = pytest.mark.browser

DEMO_MARKS = re.compile("演示")  # ⚠演示 (mark), 演示数据(非官方) (status), 演示数据 · 非官方 (banners)
NO_FIGURE = t("status.no_official", "zh")


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def open_profile(page, base: str, demo: str) -> str:
    page.goto(f"{base}/?demo={demo}&d=110105&year=2024&ind=invention_patents_per_10k")
    wait_for_map(page)
    page.get_by_role("heading", name=t("profile.title", "zh", name="朝阳区")).wait_for(timeout=60_000)
    page.locator("[data-testid='stDataFrame']").last.wait_for()
    wait_idle(page, 60_000)
    return main_text(page)


def open_trends(page) -> str:
    page.get_by_role("link", name=t("page.trends", "zh"), exact=True).click()
    page.get_by_role("heading", name=t("an.trends.title", "zh")).wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.vega-embed').length >= 1", timeout=60_000)
    wait_idle(page, 60_000)
    return main_text(page)


@pytest.mark.parametrize("demo", ["0", "1"])
def test_demo_switch_holds_on_profile_and_trends(app_url, page_factory, artifacts, demo):
    page = page_factory()
    text = open_profile(page, app_url, demo)
    page.screenshot(path=str(artifacts / f"demo{demo}-profile.png"), full_page=True)
    legend = page.locator(".atlas-root").inner_text()
    if demo == "0":
        assert not DEMO_MARKS.search(text), DEMO_MARKS.findall(text)
        assert NO_FIGURE in legend and not DEMO_MARKS.search(legend)
        assert "53.2" not in text  # no demo figure of 朝阳 (2015) in its profile
    else:
        assert t("mark.demo", "zh") in text and DEMO_MARKS.search(legend)
    text = open_trends(page)
    page.screenshot(path=str(artifacts / f"demo{demo}-trends.png"), full_page=True)
    assert "demo=" + demo in page.url
    if demo == "0":
        assert not DEMO_MARKS.search(text), DEMO_MARKS.findall(text)
    else:
        assert DEMO_MARKS.search(text)
