"""The map on a phone (390×844, touch, Debian Chromium): Beijing fitted to the width, district names
legible at the start (≥ 10, none overlapping), the year control and the folded legend within one
screen of the map's top, a tap opens the district's profile.
"""

from __future__ import annotations

import pytest

from geo.text.i18n import t

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const names = [...document.querySelectorAll('.atlas-label-district')].filter(s => !s.classList.contains('atlas-hidden'));
  const boxes = names.map(s => s.getBoundingClientRect());
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps++;
  }
  const map = document.querySelector('.atlas-map').getBoundingClientRect();
  const inside = boxes.every(r => r.left >= map.left && r.right <= map.right && r.top >= map.top && r.bottom <= map.bottom);
  return {names: names.map(s => s.textContent), overlaps, inside, mapTop: map.top + scrollY, mapWidth: map.width,
          pageWidth: document.documentElement.clientWidth,
          timebarBottom: document.querySelector('.atlas-timebar').getBoundingClientRect().bottom + scrollY,
          legendTop: document.querySelector('.atlas-legend').getBoundingClientRect().top + scrollY,
          folded: document.querySelector('.atlas-legend').classList.contains('lg-folded')};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_map_names_districts_and_keeps_its_controls_close(app_url, browser, artifacts, lang):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              device_scale_factor=2, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(f"{app_url}/?lang={lang}")
        page.wait_for_selector(".atlas-root[data-ready='1'].atlas-compact:not(#atlas-first *)", state="attached", timeout=90_000)
        page.wait_for_function("() => document.querySelectorAll('.atlas-label-district:not(.atlas-hidden)').length >= 10",
                               timeout=30_000)
        got = page.evaluate(MEASURE)
        page.screenshot(path=str(artifacts / f"phone-map-{lang}.png"), full_page=True)
        assert len(got["names"]) >= 10 and got["overlaps"] == 0 and got["inside"], got
        assert got["mapWidth"] >= got["pageWidth"] * 0.85, got  # the map takes the screen's width
        assert got["timebarBottom"] - got["mapTop"] <= 844, got
        assert got["legendTop"] - got["mapTop"] <= 844 and got["folded"], got

        toggle = page.locator(".atlas-legend .lg-toggle")
        toggle.tap()
        page.wait_for_function("() => !document.querySelector('.atlas-legend').classList.contains('lg-folded')")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator(".atlas-legend .lg-row").first.is_visible()
        toggle.tap()
        page.wait_for_function("() => document.querySelector('.atlas-legend').classList.contains('lg-folded')")

        # a tap on 海淀 opens its profile
        box = page.locator("path[data-code='110108']").bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.3)  # tap-like: the map has no hover-only info
        page.get_by_role("dialog").wait_for(timeout=30_000)
        assert ("Haidian" if lang == "en" else "海淀") in page.get_by_role("dialog").inner_text()
        assert t("profile.title", lang, name="")[:2] in page.get_by_role("dialog").inner_text()
    finally:
        ctx.close()
