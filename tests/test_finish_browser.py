"""Finish for planners and presenters, in Debian's Chromium: presentation fits the screen, exports link
back to the same map, the change map from the UI and from a link."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from conftest import download, wait_for_map, wait_idle

from geo.export.formats import header_codes

pytestmark = pytest.mark.browser

FILLS = "() => [...document.querySelectorAll('.atlas-root path[role=button]')].map(p => p.getAttribute('fill'))"
VIEW = "/?year=2022&layers=districts,strong,science_cities&ind=invention_patents_per_10k&lang=zh"


def box(page, selector: str) -> dict:
    b = page.locator(selector).first.bounding_box()
    assert b is not None, selector
    return b


def inside(b: dict, w: int, h: int) -> bool:
    return b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= w + 0.5 and b["y"] + b["height"] <= h + 0.5


def overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize("w,h", [(1280, 720), (1366, 768), (1920, 1080)])
def test_presentation_fits_the_screen_and_exits_to_the_same_view(app_url, page_factory, artifacts, w, h):
    page = page_factory()
    page.set_viewport_size({"width": w, "height": h})
    page.goto(app_url + "/present?scene=2")
    wait_for_map(page)
    wait_idle(page)
    parts = {
        "title": box(page, ".st-key-present_title"),
        "map": box(page, ".atlas-map"),
        "legend": box(page, ".atlas-legend"),
        "prev": box(page, ".st-key-present_prev button"),
        "next": box(page, ".st-key-present_next button"),
        "exit": box(page, ".st-key-present_exit button"),
    }
    for name, b in parts.items():
        assert inside(b, w, h), (name, b, w, h)
    names = list(parts)
    clashes = [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if overlap(parts[a], parts[b])]
    assert clashes == []
    assert page.locator(".atlas-label-zone:not(.atlas-hidden)").count() >= 2  # the science cities are named
    page.screenshot(path=str(artifacts / f"present-{w}x{h}.png"))
    scene = parse_qs(urlsplit(page.locator("a[href*='/?year=']").first.get_attribute("href")).query)
    page.locator(".st-key-present_exit button").click()
    page.wait_for_function("() => !location.pathname.includes('present')", timeout=20_000)
    wait_for_map(page)
    now = parse_qs(urlsplit(page.url).query)
    assert now["year"] == scene["year"] and now["layers"] == scene["layers"]


def test_escape_leaves_presentation_mode(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/present?scene=1")
    wait_for_map(page)
    wait_idle(page)
    page.keyboard.press("Escape")
    page.wait_for_function("() => !location.pathname.includes('present')", timeout=20_000)
    wait_for_map(page)


def test_every_export_links_back_to_the_same_map(app_url, page_factory, artifacts, browser):
    from PIL import Image
    from pypdf import PdfReader

    page = page_factory()
    page.goto(app_url + VIEW)
    wait_for_map(page)
    wait_idle(page)
    fills = page.evaluate(FILLS)
    links = {}
    png = download(page, "export_png", artifacts, "link-view.png")
    links["png"] = Image.open(io.BytesIO(png)).text["Source"]
    pdf = download(page, "export_pdf", artifacts, "link-view.pdf")
    links["pdf"] = PdfReader(io.BytesIO(pdf)).metadata["/Subject"]
    html = download(page, "export_html", artifacts, "link-view.html").decode("utf-8")
    links["html"] = re.search(r"<a href='([^']+)'", html).group(1).replace("&amp;", "&")
    csv = header_codes(pd.read_csv(io.BytesIO(download(page, "export_csv", artifacts, "link-view.csv")),
                                   encoding="utf-8-sig"))
    links["csv"] = csv.view_link.iloc[0]
    xlsx = pd.read_excel(io.BytesIO(download(page, "export_xlsx", artifacts, "link-view.xlsx")), sheet_name=None)
    links["xlsx"] = header_codes(next(iter(xlsx.values()))).view_link.iloc[0]
    assert len(set(links.values())) == 1, links
    link = links["png"]
    assert link.startswith(app_url + "/?year=2022&"), link  # absolute: the host the user opened
    fresh = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_for_map(other)
        assert other.evaluate(FILLS) == fills
    finally:
        fresh.close()


@pytest.mark.parametrize("lang,title", [("zh", "2017→2024年变化"), ("en", "change 2017→2024")])
def test_change_map_from_a_link(app_url, page_factory, lang, title):
    page = page_factory()
    page.goto(app_url + f"/?year=2024&cmp=2017&layers=districts&lang={lang}")
    wait_for_map(page)
    legend = page.locator(".atlas-legend .lg-title").inner_text()
    assert title in legend, legend
    fills = set(page.evaluate(FILLS))
    assert fills & {"#e66101", "#fdb863", "#d8daeb", "#b2abd2", "#5e3c99"}  # the diverging palette
    tip_sign = page.evaluate("() => document.querySelector('.atlas-host').__atlas.tipLines('110108')[1]")
    assert tip_sign.startswith(("+", "-", "−", "0")), tip_sign


def test_change_map_from_the_ui(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2024&layers=districts")
    wait_for_map(page)
    wait_idle(page)
    page.get_by_text("变化图: 与某年比较").click()
    page.wait_for_function("() => location.search.includes('cmp=')", timeout=20_000)
    page.wait_for_function("() => document.querySelector('.atlas-legend .lg-title').textContent.includes('→')",
                           timeout=20_000)
