"""The standalone HTML export behaves like the app (one renderer, one behaviour), opened from disk.

Zones let the pointer through to the district beneath (中关村科学城 covers all of 海淀), and the
year slider takes ←/→/Home/End. No server: the file is written by ``geo.export.render_html``.
"""

from __future__ import annotations

import pytest

from geo.data.datasets import read_inputs
from geo.export import render_html
from geo.view.state import ViewState

#: A point of 海淀's path where the pointer reaches 海淀 (not the science city's outline above it).
FIND_HAIDIAN = """() => {
  const path = document.querySelector("path[data-code='110108']");
  const zone = document.querySelector('path.atlas-zone');
  if (!path || !zone) return null;
  const b = path.getBoundingClientRect();
  for (let fy = 0.3; fy <= 0.7; fy += 0.05) for (let fx = 0.3; fx <= 0.7; fx += 0.05) {
    const x = b.left + b.width * fx, y = b.top + b.height * fy;
    const hit = document.elementFromPoint(x, y);
    if (hit && hit.getAttribute('data-code') === '110108') return {x, y, zoneOver: zone.getBoundingClientRect().width > 0};
  }
  return {x: null};
}"""


@pytest.fixture(scope="module")
def export_file(tmp_path_factory):
    state = ViewState(year=2020, layers=("districts", "strong", "science_cities"))
    path = tmp_path_factory.mktemp("export") / "atlas.html"
    path.write_bytes(render_html(read_inputs(), state))
    return path


def test_export_lets_the_pointer_through_a_zone_and_its_slider_takes_keys(browser, export_file, artifacts):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(export_file.as_uri())
        page.wait_for_selector(".atlas-root[data-ready='1']", state="attached", timeout=60_000)
        assert page.get_attribute(".atlas-root", "data-year") == "2020"
        assert page.locator("path.atlas-zone").count() >= 1  # 中关村科学城 (all of 海淀) is drawn over 海淀
        at = page.evaluate(FIND_HAIDIAN)
        assert at and at["x"] is not None, "the science city swallows the pointer over all of 海淀"
        page.mouse.move(at["x"], at["y"])
        tip = page.locator(".atlas-tip .atlas-tip-name")
        tip.first.wait_for(timeout=15_000)
        assert tip.first.inner_text() == "海淀区 · Haidian"
        page.screenshot(path=str(artifacts / "export-hover-haidian.png"))

        slider = page.locator(".atlas-slider")
        slider.focus()
        years = page.evaluate("() => document.querySelector('.atlas-root').__atlas.model.years")
        for key, year in (("ArrowLeft", 2019), ("ArrowRight", 2020), ("Home", years[0]), ("End", years[-1])):
            page.keyboard.press(key)
            page.wait_for_function(f"() => document.querySelector('.atlas-root').getAttribute('data-year') === '{year}'",
                                   timeout=10_000)
            assert page.locator(".atlas-year-label").inner_text() == str(year)
    finally:
        ctx.close()
