"""The first view in Chromium (issue 22): a shared link shows its map before Streamlit's JavaScript has arrived.

Over a throttled connection (CDP: 150 ms, 1.6 Mbit/s, as Lighthouse's slow 4G) a phone first sees
the still picture of the link's view, then the interactive map (drawn by the first view itself,
usable while Streamlit's JavaScript is held back), then the page around it; the page does not
jump on the way (layout shift measured by the browser's own PerformanceObserver); Streamlit's
scripts are requested only after the first paint; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from conftest import RequestLog, wait_for_map
from streamlit import file_util

from geo.text.i18n import t
from ui.firstview import defer_scripts
from ui.layout import METRIC_HEIGHT_PX
from ui.nav import PAGES

pytestmark = pytest.mark.browser

SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}

#: Records the page's layout shifts (not caused by input) from its very start.
SHIFTS = """window.__shifts = [];
new PerformanceObserver(l => l.getEntries().forEach(e => { if (!e.hadRecentInput) window.__shifts.push(e.value); }))
  .observe({type: 'layout-shift', buffered: true});"""


def slow_page(page_factory, log=None, **ctx):
    page = page_factory(log, **ctx)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    return page


class Held:
    """Holds the page's requests whose URL contains one of ``parts`` until :meth:`release` (a slow file, on demand)."""

    def __init__(self, page, *parts: str) -> None:
        self.routes: list = []
        self.released = False
        self.parts = parts
        page.route("**/*", self._route)

    def _route(self, route) -> None:
        if not self.released and any(p in route.request.url for p in self.parts):
            self.routes.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        self.released = True
        for route in self.routes:
            route.continue_()


EARLY = "#atlas-first .atlas-root[data-ready='1']"  # the first view's interactive map, drawn before Streamlit's page


def test_a_phone_sees_the_links_map_first_then_the_interactive_map(app_url, page_factory, artifacts):
    log = RequestLog()
    page = slow_page(page_factory, log, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    leaflet = Held(page, "/app/static/leaflet/leaflet.js")  # the picture stays until the map's files are there
    page.goto(f"{app_url}/?year=2019&lang=en", wait_until="commit")
    page.wait_for_function("() => { const i = document.querySelector('#atlas-first img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)
    state = page.evaluate("""() => ({
        app: !!document.querySelector('[data-testid="stApp"]'),
        root: document.getElementById('root') && getComputedStyle(document.getElementById('root')).visibility,
        title: document.querySelector('#atlas-first .af-title').textContent,
        wait: document.querySelector('#atlas-first .af-wait').textContent,
        legend: document.querySelectorAll('#atlas-first .af-legend li').length,
        source: document.querySelector('#atlas-first .af-source').textContent,
        box: document.querySelector('#atlas-first img').getBoundingClientRect().toJSON()})""")
    page.screenshot(path=str(artifacts / "firstview-phone-first.png"))
    assert "2019" in state["title"] and state["wait"] == t("firstview.loading", "en")
    assert state["legend"] >= 3 and state["source"]
    assert 0 < state["box"]["top"] < 400 and state["box"]["width"] >= 300  # the map is in the first screen
    assert not state["app"] or state["root"] == "hidden"  # Streamlit's page is not shown half-built
    leaflet.release()
    page.wait_for_selector("#atlas-first", state="detached", timeout=90_000)
    wait_for_map(page, timeout=60_000)
    assert page.evaluate("getComputedStyle(document.getElementById('root')).visibility") == "visible"
    assert page.locator(".atlas-root").is_visible()
    page.screenshot(path=str(artifacts / "firstview-phone-then.png"))
    assert log.external() == []


def test_the_links_map_works_before_streamlit_has_started(app_url, page_factory, artifacts):
    """The first view draws the interactive map itself: its year control works with Streamlit's JavaScript held back."""
    log = RequestLog()
    page = page_factory(log, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    streamlit = Held(page, "/static/js/index.")  # Streamlit's page never starts while held
    page.goto(f"{app_url}/?year=2019&lang=en", wait_until="commit")
    page.wait_for_selector(EARLY, timeout=30_000)
    first = page.locator("#atlas-first")
    assert first.locator(".atlas-root").get_attribute("data-year") == "2019"
    assert first.locator("path.leaflet-interactive").count() >= 16 and first.locator("img").count() == 0
    assert page.locator("[data-testid='stApp']").count() == 0 and streamlit.routes
    box = first.locator(".atlas-map").bounding_box()
    assert box["width"] >= 350 and box["y"] < 300  # the map takes the phone's width, in the first screen
    first.locator(".atlas-slider").focus()
    page.keyboard.press("End")  # the map's own year control: the last year, no server
    last = str(page.evaluate("() => document.querySelector('#atlas-first .atlas-root').__atlas.model.years.at(-1)"))
    page.wait_for_function(f"() => document.querySelector('#atlas-first .atlas-root').getAttribute('data-year') === '{last}'")
    assert last in first.locator(".atlas-title").inner_text()
    page.screenshot(path=str(artifacts / "firstview-phone-live.png"))
    streamlit.release()
    assert log.external() == []


#: Watches the first view's map as it is drawn: for each batch of paths or labels added, whether they could be
#: seen then (a half-drawn map must not show) and whether the map was ready.
DRAW_WATCH = """window.__drawn = [];
new MutationObserver(records => {
  const added = records.some(r => [...r.addedNodes].some(n => n.nodeName === 'path' || (n.classList && n.classList.contains('atlas-label-icon'))));
  const root = document.querySelector('#atlas-first .atlas-root');
  if (!added || !root) return;
  const pane = root.querySelector('.leaflet-overlay-pane');
  window.__drawn.push({seen: getComputedStyle(pane).visibility, ready: root.getAttribute('data-ready') === '1'});
}).observe(document, {childList: true, subtree: true});"""


def test_the_first_views_map_is_drawn_in_steps_and_shown_whole(app_url, page_factory):
    """A slow phone is not blocked by one long draw: paths and labels come in several steps, hidden until all are placed."""
    page = page_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.add_init_script(DRAW_WATCH)
    streamlit = Held(page, "/static/js/index.")
    page.goto(f"{app_url}/?year=2019&layers=districts,strong,science_cities,etda", wait_until="commit")
    page.wait_for_selector(EARLY, timeout=30_000)
    batches = page.evaluate("window.__drawn")
    assert len(batches) >= 3, batches  # districts (two halves), labels: not one task
    assert all(b["seen"] == "hidden" and not b["ready"] for b in batches), batches
    shown = page.evaluate("""() => { const r = document.querySelector('#atlas-first .atlas-root');
        return {drawing: r.classList.contains('atlas-drawing'), pane: getComputedStyle(r.querySelector('.leaflet-overlay-pane')).visibility,
                grey: [...r.querySelectorAll('path[role=button]')].filter(p => p.getAttribute('fill') === r.__atlas.model.style.noData).length,
                strong: r.__atlas.strongGroup.getLayers().length}; }""")
    assert shown == {"drawing": False, "pane": "visible", "grey": 0, "strong": shown["strong"]} and shown["strong"] > 0
    streamlit.release()


def test_the_page_takes_over_the_first_views_map_and_keeps_the_year_chosen_on_it(app_url, page_factory):
    """Streamlit's map component adopts the map drawn before it (drawn once); a year chosen meanwhile reaches the link."""
    page = page_factory(viewport={"width": 1280, "height": 720})
    ws = WsBytes(page)
    streamlit = Held(page, "/static/js/index.")
    page.goto(f"{app_url}/?year=2019", wait_until="commit")
    page.wait_for_selector(EARLY, timeout=30_000)
    page.locator("#atlas-first .atlas-slider").focus()
    page.keyboard.press("ArrowLeft")  # 2018, chosen before Streamlit's page exists
    page.wait_for_function("() => document.querySelector('#atlas-first .atlas-root').getAttribute('data-year') === '2018'")
    streamlit.release()
    wait_for_map(page, timeout=60_000)
    page.wait_for_function("() => new URLSearchParams(location.search).get('year') === '2018'", timeout=30_000)
    got = page.evaluate("""() => ({state: window.__atlasEarly.state, roots: document.querySelectorAll('.atlas-root').length,
        year: document.querySelector('.atlas-root').getAttribute('data-year'),
        built: performance.getEntriesByName('atlas:mount').length, drawn: performance.getEntriesByName('atlas:geometry').length,
        first: !!document.getElementById('atlas-first')})""")
    assert got == {"state": "adopted", "roots": 1, "year": "2018", "built": 1, "drawn": 1, "first": False}, got
    table = page.locator(".atlas-table")
    table.wait_for()
    assert page.locator("[data-testid='stSidebar']").is_visible()
    # the session was sent the model's key, not the model again (73 KB): the whole page's messages are less
    assert 0 < ws.bytes < 60_000, ws.bytes


def test_a_browser_not_holding_the_model_its_cookie_names_is_sent_the_model(app_url, page_factory):
    """The cookie of an earlier page names the model, but this page came without it: the map asks, and is drawn."""
    page = page_factory(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}/?year=2019", wait_until="commit")
    page.wait_for_selector(EARLY, timeout=30_000)  # its script has named the model in the cookie
    assert any(c["name"] == "atlas_live" for c in page.context.cookies())

    # this load's first view draws nothing and holds no model (its script finds the map taken: early.js)
    page.add_init_script("window.__atlasEarly = {state: 'gone'}")
    ws = WsBytes(page)
    page.goto(f"{app_url}/?year=2019", wait_until="commit")
    wait_for_map(page, timeout=60_000)
    got = page.evaluate("""() => ({early: window.__atlasEarly.state, year: document.querySelector('.atlas-root').getAttribute('data-year'),
        built: performance.getEntriesByName('atlas:mount').length})""")
    assert got == {"early": "gone", "year": "2019", "built": 1}, got
    assert ws.bytes > 73_000  # the model came over the websocket after all


class WsBytes:
    """Counts the bytes of the page's websocket messages from the server (the DevTools protocol)."""

    def __init__(self, page) -> None:
        self.bytes = 0
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.send("Network.enable")

    def _frame(self, p) -> None:
        data = p["response"]["payloadData"]
        self.bytes += len(base64.b64decode(data)) if p["response"]["opcode"] == 2 else len(data.encode())


def test_a_phone_opening_a_targets_link_sees_the_targets_first(app_url, page_factory, artifacts):
    page = slow_page(page_factory, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{app_url}/targets", wait_until="commit")
    page.wait_for_selector("#atlas-first .af-card .af-fv", timeout=30_000)
    state = page.evaluate("""() => ({
        app: !!document.querySelector('[data-testid="stApp"]'),
        root: document.getElementById('root') && getComputedStyle(document.getElementById('root')).visibility,
        title: document.querySelector('#atlas-first .af-title').textContent,
        cards: document.querySelectorAll('#atlas-first .af-card').length,
        first: document.querySelector('#atlas-first .af-card').getBoundingClientRect().toJSON(),
        width: document.documentElement.scrollWidth})""")
    page.screenshot(path=str(artifacts / "firstview-phone-targets.png"))
    assert state["title"] == t("an.targets.title", "zh") and state["cards"] == 6
    assert state["first"]["top"] < 844 and state["width"] <= 390  # the first target in the first screen, no sideways scroll
    assert not state["app"] or state["root"] == "hidden"  # Streamlit's page is not shown half-built
    page.wait_for_selector("#atlas-first", state="detached", timeout=90_000)
    page.get_by_text("2024年实际值(件/万人)").first.wait_for()
    assert page.evaluate("getComputedStyle(document.getElementById('root')).visibility") == "visible"


def open_from_menu(page, app_url: str, start: str, target: str, script: str) -> Held:
    """Open ``start`` (a page that has not loaded ``script``), then ``target`` from the sidebar's menu with that
    script held back; return the hold (released by the caller)."""
    page.goto(f"{app_url}{start}")
    page.wait_for_selector("#atlas-first", state="detached", timeout=60_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    held = Held(page, script)
    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{target}']").click()
    return held


def test_a_targets_figures_keep_their_place_while_their_script_arrives(app_url, page_factory):
    """Opened from the menu, the Targets page is drawn at once; Streamlit fetches the figures' script
    (``st.metric``) then. Its placeholders are as tall as the figures (``ui/layout.py``, in the page's
    head: ``ui.firstview.PAGE_STYLE``), so nothing moves when the script arrives (before: 40 px
    placeholders, each card then grew by 36 px on a laptop and 110 px on a phone)."""
    page = page_factory(viewport={"width": 1280, "height": 720})
    held = open_from_menu(page, app_url, "/projects?lang=en", "targets", "/static/js/Metric.")  # Projects: no figures
    card = "[data-testid='stMainBlockContainer'] [class*='st-key-target_']"
    page.wait_for_selector(f"{card} [data-testid='stSkeleton']", timeout=30_000)  # the figures' script is held
    parts = f"{card} h2, {card} [data-testid='stMarkdownContainer']"  # each card's heading and text
    where = f"""() => [...document.querySelectorAll("{parts}")].filter(e => !e.closest("[data-testid='stMetric']"))
        .slice(0, 12).map(e => {{ const b = e.getBoundingClientRect(); return [Math.round(b.y), Math.round(b.height)]; }})"""
    before = page.evaluate(where)
    assert held.routes, "the figures' script was not held"
    assert page.evaluate("getComputedStyle(document.getElementById('root')).visibility") == "visible"
    heights = page.evaluate(f"""() => [...document.querySelectorAll("{card} [data-testid='stColumn'] [data-testid='stSkeleton']")]
        .map(e => Math.round(e.getBoundingClientRect().height))""")
    assert heights and set(heights) == {METRIC_HEIGHT_PX}, heights
    held.release()
    page.wait_for_selector(f"{card} [data-testid='stMetric']", timeout=30_000)
    page.wait_for_selector(f"{card} [data-testid='stSkeleton']", state="detached", timeout=30_000)
    assert page.evaluate(where) == before
    assert page.evaluate(f"""() => Math.round(document.querySelector("{card} [data-testid='stMetric']")
        .closest("[data-testid='stElementContainer']").getBoundingClientRect().height)""") == METRIC_HEIGHT_PX


def test_a_pages_tables_keep_their_room_while_the_grids_script_arrives(app_url, page_factory):
    """Opened from the menu before any table was drawn in the session, the Sources page's tables wait for
    Streamlit's data grid script; each keeps the height it will take (``ui.tables.dataframe``), so the
    page does not grow under the reader (it grew from 2,664 to 4,668 px when the script came)."""
    page = page_factory(viewport={"width": 1280, "height": 720})
    held = open_from_menu(page, app_url, "/trends?lang=en", "sources", "/static/js/DataFrame.")  # Trends: no table
    main = "[data-testid='stMainBlockContainer']"
    page.wait_for_selector(f"{main} [data-testid='stSkeleton']", timeout=30_000)  # the grids' script is held
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    where = f"""() => [document.querySelector("{main}").getBoundingClientRect().height,
        ...[...document.querySelectorAll("{main} h2, {main} h3")].map(e => e.getBoundingClientRect().y)].map(Math.round)"""
    before = page.evaluate(where)
    assert held.routes, "the grid's script was not held"
    held.release()
    page.wait_for_selector(f"{main} [data-testid='stDataFrame']", timeout=30_000)
    page.wait_for_selector(f"{main} [data-testid='stSkeleton']", state="detached", timeout=30_000)
    assert page.evaluate(where) == before


def test_the_maps_files_are_fetched_once_each(app_url, page_factory):
    """The page asks for the map's files early (``firstview.preloads``); the map takes them from the cache."""
    log = RequestLog()
    page = page_factory(log)
    page.goto(app_url + "/")
    wait_for_map(page)
    files = [u.split("/app/static/", 1)[1] for u in log.urls if "/app/static/" in u]
    assert any(f.startswith("leaflet/leaflet.js") for f in files) and any(f.startswith("atlas/atlas-geo-") for f in files)
    assert len(files) == len(set(files)), files
    code = [u.split("/static/", 1)[1] for u in log.urls if "/static/" in u and "/app/static/" not in u]
    assert any(f.startswith("css/index.") for f in code)  # Streamlit's style sheet, deferred with its scripts
    assert len(code) == len(set(code)), [f for f in code if code.count(f) > 1]


def test_streamlits_scripts_are_requested_after_the_first_paint(app_url, page_factory):
    page = slow_page(page_factory)
    page.goto(app_url + "/", wait_until="commit")
    wait_for_map(page, timeout=90_000)
    first, script = page.evaluate("""() => [
        performance.getEntriesByName('first-contentful-paint')[0].startTime,
        performance.getEntriesByType('resource').find(r => /\\/static\\/js\\/index\\.[\\w-]+\\.js/.test(r.name)).startTime]""")
    assert first < script


def test_streamlits_modules_are_run_one_by_one_and_its_page_works(app_url, page_factory):
    """Chromium runs Streamlit's modules one at a time (``firstview.LOADER_SCRIPT``), not the whole graph in one task
    during which a phone answers no tap: its trace has a module evaluation per module, where Streamlit's own page
    has a handful; the page then works (map, sidebar) without a console error."""
    errors = []
    page = page_factory()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser = page.context.browser
    browser.start_tracing(page=page, categories=["devtools.timeline", "v8.execute"])
    try:
        page.goto(app_url + "/")
        wait_for_map(page)
    finally:
        trace = json.loads(browser.stop_tracing())
    page_html = (Path(file_util.get_static_dir()) / "index.html").read_bytes()  # Streamlit's page, as the loader reads it
    modules = sum(attrs.get("rel") == "modulepreload" for _, attrs in defer_scripts(page_html)[2])
    runs = [e for e in trace["traceEvents"] if e.get("name") == "v8.evaluateModule"]
    assert modules > 20 and len(runs) >= modules, (len(runs), modules)  # as Streamlit's page loads them: 11 for 58
    page.get_by_test_id("stSidebarNav").wait_for()
    assert errors == []


@pytest.mark.parametrize("path", ["/", "/targets", "/trends?lang=en"])
def test_a_desktop_page_does_not_jump_while_it_loads(app_url, page_factory, path):
    page = page_factory(viewport={"width": 1350, "height": 940})
    page.add_init_script(SHIFTS)
    page.goto(app_url + path)
    page.wait_for_selector("#atlas-first", state="detached", timeout=60_000)
    if path == "/":
        wait_for_map(page)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=30_000)
    page.wait_for_function("document.fonts.status === 'loaded'")  # a late font would shift the text
    shifts = page.evaluate("window.__shifts")
    assert sum(shifts) <= 0.1, shifts


BOX = """s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length).map(e => {
    const b = e.getBoundingClientRect(); return [Math.round(b.x), Math.round(b.y), Math.round(b.width), Math.round(b.height)]; })[0] || null"""
NAV = """s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length).map(e => e.textContent.trim())"""


@pytest.mark.parametrize("width,height,path,first,page_part", [
    (1280, 720, "/", "#atlas-first .leaflet-container", ".atlas-root .leaflet-container"),
    (390, 844, "/?lang=en", "#atlas-first .leaflet-container", ".atlas-root .leaflet-container"),
    (844, 390, "/", "#atlas-first .leaflet-container", ".atlas-root .leaflet-container"),  # a phone turned sideways
    (1920, 1080, "/?year=2019", "#atlas-first .leaflet-container", ".atlas-root .leaflet-container"),
    (1280, 720, "/targets", "#atlas-first .af-card h2", "[data-testid='stMainBlockContainer'] h2"),
    (390, 844, "/targets", "#atlas-first .af-card h2", "[data-testid='stMainBlockContainer'] h2"),
])
def test_streamlits_page_takes_the_first_views_place_without_moving_it(app_url, page_factory, width, height, path,
                                                                        first, page_part):
    """The first view is laid out as Streamlit's page will be (sidebar, margins, title): on a laptop the map
    drawn early stays where it is when the page replaces the first view (it moved 204 px right and 130 px
    down at 1280×720), on a phone it stays under the title; the Targets cards stay put. On a wide screen
    the pages' links stand where Streamlit's sidebar lists them, with the same names."""
    phone = min(width, height) < 500
    page = page_factory(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    streamlit = Held(page, "/static/js/index.")
    page.goto(app_url + path, wait_until="commit")
    page.wait_for_selector(EARLY if path != "/targets" else "#atlas-first .af-card", timeout=30_000)
    before, links = page.evaluate(BOX, first), page.evaluate(NAV, "#atlas-first .af-side a")
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
    # a wide screen sets the first view in Streamlit's font, asked for before the first paint; a phone gets it
    # with Streamlit's files, once the first view is painted (not competing with it)
    font, paint = page.evaluate("""() => [performance.getEntriesByType('resource').find(r => r.name.endsWith('.woff2')),
        performance.getEntriesByName('first-contentful-paint')[0]].map(e => e && e.startTime)""")
    assert paint is not None and (font is not None and font < paint if width > 768 else font is None or font > paint), (font, paint)
    streamlit.release()
    page.wait_for_selector("#atlas-first", state="detached", timeout=60_000)
    if path != "/targets":
        wait_for_map(page)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    after = page.evaluate(BOX, page_part)
    assert before and after and all(abs(a - b) <= 2 for a, b in zip(before, after, strict=True)), (before, after)
    if height < 500:  # sideways: the phone's top margin and one-line title, the map in the upper part of the screen
        assert after[1] < height * 0.45 and after[3] <= height - 60, after  # (at the laptop margins: 240 px down)
    nav = page.evaluate(NAV, "[data-testid='stSidebarNav'] a")
    if width > 768:  # Streamlit shows its sidebar: the first view named the same pages in the same order
        icons = [p.icon.split("/")[1].strip(":") for p in PAGES]  # Streamlit's link text starts with its icon's name
        assert [i + name for i, name in zip(icons, links, strict=True)] == nav and len(links) == 8, (links, nav)
    else:
        assert links == [], links
