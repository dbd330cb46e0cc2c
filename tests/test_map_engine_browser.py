"""The in-page map engine in Debian's Chromium: the year switched in the browser, labels, keyboard, profile."""

from __future__ import annotations

import pytest
from conftest import wait_for_map

pytestmark = pytest.mark.browser

#: What a person reads off the map in one instant: the year label, the legend's title, the fills.
SNAPSHOT = """() => {
  const root = document.querySelector('.atlas-root');
  return {
    year: root.getAttribute('data-year'),
    label: document.querySelector('.atlas-year-label').textContent,
    legend: document.querySelector('.atlas-legend .lg-title').textContent,
    slider: document.querySelector('.atlas-slider').getAttribute('aria-valuetext'),
    fills: [...document.querySelectorAll('.atlas-root path[role=button]')].map(p => p.getAttribute('fill')),
  };
}"""


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"])


def visible_labels(page, kind: str) -> list[dict]:
    return page.evaluate("""kind => [...document.querySelectorAll('.atlas-label-' + kind)]
        .filter(s => !s.classList.contains('atlas-hidden'))
        .map(s => { const r = s.getBoundingClientRect();
                    return {text: s.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })""", kind)


def test_fast_key_presses_land_on_the_last_year(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2020&layers=districts")
    wait_for_map(page)
    slider = page.locator(".atlas-slider")
    slider.focus()
    slider.press("Home")
    for _ in range(9):  # quicker than any rerun: nothing may be lost
        slider.press("ArrowRight")
    assert page.evaluate(SNAPSHOT)["year"] == "2024"
    page.wait_for_function("() => location.search.includes('year=2024')", timeout=15_000)
    # the rerun that follows does not move the map back
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=20_000)
    assert page.evaluate(SNAPSHOT)["year"] == "2024"


def test_year_change_recolours_legend_and_label_in_the_same_step(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2024&layers=districts")
    wait_for_map(page)
    before = page.evaluate(SNAPSHOT)
    result = page.evaluate("""() => {
      const s = document.querySelector('.atlas-slider');
      const t0 = performance.now();
      s.value = '0';
      s.dispatchEvent(new Event('input'));
      const ms = performance.now() - t0;
      return {ms, year: document.querySelector('.atlas-root').getAttribute('data-year'),
              label: document.querySelector('.atlas-year-label').textContent,
              legend: document.querySelector('.atlas-legend .lg-title').textContent};
    }""")
    after = page.evaluate(SNAPSHOT)
    assert result["year"] == result["label"] == "2015" and "2015" in result["legend"]
    assert after["fills"] != before["fills"]
    assert result["ms"] < 50, result  # recoloured synchronously, no server round trip


def test_during_play_the_legend_year_always_equals_the_map_year(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2015&layers=districts")
    wait_for_map(page)
    page.locator(".atlas-play").click()
    frames = page.evaluate("""() => new Promise(done => {
      const out = [], t0 = performance.now();
      function tick() {
        const y = document.querySelector('.atlas-root').getAttribute('data-year');
        out.push([y, document.querySelector('.atlas-year-label').textContent,
                  document.querySelector('.atlas-legend .lg-title').textContent]);
        if (performance.now() - t0 < 4000) requestAnimationFrame(tick); else done(out);
      }
      requestAnimationFrame(tick);
    })""")
    page.locator(".atlas-play").click()
    years = {f[0] for f in frames}
    assert len(years) >= 3, years  # it played
    bad = [f for f in frames if not (f[0] == f[1] and f[0] in f[2])]
    assert not bad, bad[:3]


def test_default_view_labels_do_not_overlap_and_zones_are_named(app_url, page_factory, artifacts):
    page = page_factory()  # 1400 × 900
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(app_url + "/")
    wait_for_map(page)
    page.wait_for_function("() => document.querySelectorAll('.atlas-label-district:not(.atlas-hidden)').length >= 12")
    labels = visible_labels(page, "district")
    pairs = [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:] if boxes_overlap(a, b)]
    assert pairs == []
    zones = {z["text"] for z in visible_labels(page, "zone")}
    assert {"怀柔科学城", "未来科学城"} <= zones and any("亦庄" in z or "经济技术" in z for z in zones), zones
    page.screenshot(path=str(artifacts / "map-labels-1366.png"))
    for w, h in ((1280, 720), (1920, 1080)):
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(300)  # layout settles (screenshots only; nothing asserted on timing)
        page.screenshot(path=str(artifacts / f"map-{w}x{h}.png"))


def test_jingjinji_view_names_tianjin_hebei_cities_and_xiongan(app_url, page_factory, artifacts):
    page = page_factory()
    page.goto(app_url + "/?layers=districts,jjj")
    wait_for_map(page)
    page.wait_for_function("() => document.querySelectorAll('.atlas-label-region:not(.atlas-hidden)').length >= 8")
    names = {x["text"] for x in visible_labels(page, "region") + visible_labels(page, "zone")}
    assert "天津市" in names and "河北雄安新区" in names and {"保定市", "廊坊市", "张家口市", "承德市"} <= names, names
    page.screenshot(path=str(artifacts / "map-jjj.png"))


def test_keyboard_reaches_haidian_and_opens_its_profile(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2020&layers=districts")
    wait_for_map(page)
    first = page.locator(".atlas-root path[role=button][tabindex='0']")
    first.focus()  # where Tab lands in the map (one tab stop, roving focus inside)
    for _ in range(40):
        name = page.evaluate("document.activeElement.getAttribute('aria-label') || ''")
        if name.startswith("海淀区"):
            break
        page.keyboard.press("ArrowRight")
    else:
        raise AssertionError("arrow keys never reached 海淀区")
    assert "件/万人" in name and "第" in name, name  # name, value with unit, rank
    assert page.evaluate("document.activeElement.getAttribute('data-code')") == "110108"
    page.keyboard.press("Enter")
    heading = page.get_by_role("dialog").get_by_text("海淀区概况")
    heading.wait_for(timeout=20_000)
    box = heading.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 900  # in view, no scrolling


def test_tab_reaches_the_map(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2020&layers=districts")
    wait_for_map(page)
    page.locator(".atlas-slider").focus()
    for _ in range(8):  # back through the play button and the map's zoom controls to its districts
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.getAttribute('data-code')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('data-code')")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("东城区")


def test_click_opens_the_profile_in_view(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?year=2020&layers=districts")
    wait_for_map(page)
    box = page.locator("path[data-code='110119']").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.55)
    heading = page.get_by_role("dialog").get_by_text("延庆区概况")
    heading.wait_for(timeout=20_000)
    hb = heading.bounding_box()
    assert 0 <= hb["y"] and hb["y"] + hb["height"] <= 900
