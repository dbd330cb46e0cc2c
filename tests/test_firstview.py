"""The first view in the page HTML (issue 22): the link's map as a still picture before Streamlit's JavaScript.

``geo/carto/preview.py`` draws it from the layer model the interactive map draws; ``ui/firstview.py``
reads the link and the store as the app does; ``ui/webassets.py`` puts it in the page. These tests
read the HTML; ``tests/test_firstview_browser.py`` looks at it in Chromium.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
import xml.dom.minidom
from html import escape as html_escape
from html import unescape
from pathlib import Path

import shapely
from conftest import ROOT
from streamlit import file_util
from test_chinese_pages import english_sentence

from geo.carto.contract import check, model_key
from geo.carto.model import layer_model
from geo.carto.preview import FIRST_VIEW_ID, district_paths, first_view_html, map_svg
from geo.text.i18n import t
from geo.view.state import view_for_data
from ui import firstview
from ui.layout import PAGE_CSS
from ui.webassets import is_page

PAGE = b'<html><head><title>Streamlit</title></head><body><div id="root"></div></body></html>'
#: Streamlit's own page (module script, module preloads, font, style sheet), as the installed Streamlit serves it.
STREAMLIT_HEAD = (Path(file_util.get_static_dir()) / "index.html").read_bytes()


def picture(path: str, query: str) -> str:
    """Return the first view of ``path?query`` without the interactive map it carries (:func:`live_of`)."""
    return LIVE.sub("", firstview.first_view(path, query))


LIVE = re.compile(r'<script type="application/json" id="atlas-live">.*?</script><script>.*?</script>', re.S)


def svg_of(html: str) -> xml.dom.minidom.Document:
    """Return the map picture of a first view, parsed (it must be well-formed XML to show at all)."""
    src = re.search(r'src="data:image/svg\+xml,([^"]*)"', html)
    assert src, "no map picture in the first view"
    return xml.dom.minidom.parseString(urllib.parse.unquote(src.group(1)))


def test_the_map_pages_first_view_is_the_links_view():
    zh = picture("/", "")
    en = picture("/map", "year=2019&lang=en")
    assert f'id="{FIRST_VIEW_ID}"' in zh and t("app.title", "zh") in zh
    assert "2019" in en and t("app.title", "en") in en and 'lang="en"' in en
    assert "2019" not in re.sub(r"<img[^>]*>", "", zh)  # the default view is the latest year, not 2019
    for html in (zh, en):
        doc = svg_of(html)
        fills = {p.getAttribute("fill") for p in doc.getElementsByTagName("path")}
        assert len(doc.getElementsByTagName("path")) >= 16 and len(fills - {"none", ""}) >= 3


def test_the_picture_has_the_models_colours_demo_outlines_and_names():
    inputs = firstview._DATA.inputs(None, True)
    state = view_for_data({"year": "2020"}, inputs.indicators)
    model = layer_model(inputs, state, None, years=[2020])
    geometries = dict(zip(inputs.districts.code.astype(str), inputs.districts.geometry, strict=False))
    doc = xml.dom.minidom.parseString(map_svg(model, district_paths(geometries, model["bounds"]), 2020))
    fills = [p.getAttribute("fill") for p in doc.getElementsByTagName("path") if p.getAttribute("fill") != "none"]
    cells = model["frames"]["2020"]["d"]
    assert sorted(fills[:16]) == sorted(c["f"] for c in cells.values())  # each district in its class colour
    dashed = [g for g in doc.getElementsByTagName("g") if g.getAttribute("stroke-dasharray")]
    assert dashed and any(c["s"] == "demo" for c in cells.values())  # demo values: the dashed outline, as on the map
    names = {n.firstChild.data for n in doc.getElementsByTagName("text")}
    assert {"海淀", "朝阳", "延庆"} <= names


def test_demo_off_shows_no_demo_value_or_warning():
    html = picture("/", "demo=0")
    assert "af-banner" not in html
    doc = svg_of(html)
    assert not [g for g in doc.getElementsByTagName("g") if g.getAttribute("stroke") == "#a50f15"]


def test_a_selection_is_outlined_and_framed():
    html = picture("/", "d=110108&year=2020")
    doc = svg_of(html)
    outlined = [g for g in doc.getElementsByTagName("g") if g.getAttribute("stroke") == "#e8590c"]
    assert len(outlined) == 1 and outlined[0].getElementsByTagName("path")


def test_text_from_data_is_escaped():
    inputs = firstview._DATA.inputs(None, True)
    state = view_for_data({}, inputs.indicators)
    model = layer_model(inputs, state, None, years=[state.year])
    frame = model["frames"][str(state.year)]
    evil = '<script>alert(1)</script>"'
    model["frames"][str(state.year)] = {**frame, "title": evil, "source": evil, "banner": evil, "summary": evil}
    html = first_view_html(model, "<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert "<script>" not in html and html.count("&lt;script&gt;") == 4  # title, banner, source, the picture.s alt
    assert 'alt="&lt;script&gt;alert(1)&lt;/script&gt;&quot;"' in html


def test_a_chinese_first_view_has_no_english_sentence():
    html = picture("/", "")
    texts = re.sub(r"<img[^>]*>", " ", html)
    lines = [s.strip() for s in re.split(r"<[^>]+>", texts) if s.strip()]
    assert lines and not [s for s in lines if english_sentence(s)]


def test_a_bad_link_still_gets_a_first_view():
    for query in ("year=abc&d=999999&ind=nope", "lang=xx", "%ff%fe=1", "&".join(f"p{i}=1" for i in range(60))):
        html = picture("/", query)
        assert f'id="{FIRST_VIEW_ID}"' in html


def test_other_pages_get_the_waiting_words_in_their_language():
    assert t("firstview.loading", "en") in picture("/zones", "lang=en")
    html = picture("/trends", "")
    assert t("firstview.loading", "zh") in html and "<img" not in html


def test_insert_puts_the_view_before_the_root_and_the_style_in_the_head():
    out = firstview.insert(PAGE, '<div id="atlas-first">x</div>', True).decode()
    assert out.index('id="atlas-first-style"') < out.index("</head>")
    # the page's own CSS too, for Streamlit's first frame (ui/layout.py); overriding Streamlit's rules by weight
    assert out.index(firstview.PAGE_STYLE) < out.index("</head>") and PAGE_CSS in firstview.PAGE_STYLE
    assert ':root [data-testid="stMainBlockContainer"]' in PAGE_CSS and "st-key-atlas_doc_lang" in PAGE_CSS
    assert out.index('id="atlas-first"') < out.index("<script>") < out.index('<div id="root">')
    assert "map=true" in out  # the reveal waits for the map
    assert firstview.insert(b"<html>no root</html>", "x", False) == b"<html>no root</html>"


def test_pages_and_not_pages():
    assert all(is_page(p) for p in ("/", "/map", "/targets", "/present"))
    assert not any(is_page(p) for p in ("/_stcore/health", "/targets/_stcore/host-config", "/static/js/a.js",
                                        "/app/static/atlas/x.json", "/favicon.png", "/component/x"))


def _points(d: str) -> list[tuple[int, int]]:
    """Absolute points of a path written by ``district_paths`` ("M x y l dx dy … z", rings one after another)."""
    out = []
    for ring in re.findall(r"M([^l]+)l([^z]*)z", d):
        x, y = (int(v) for v in ring[0].split())
        out.append((x, y))
        steps = [int(v) for v in re.findall(r"-?\d+", ring[1])]
        for dx, dy in zip(steps[::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            out.append((x, y))
    return out


def test_paths_are_clipped_to_the_picture():
    big = shapely.box(100.0, 20.0, 130.0, 50.0)
    (d,) = district_paths({"a": big}, [[39.0, 116.0], [40.0, 117.0]], 100).values()
    xs, ys = zip(*_points(d), strict=True)
    assert min(xs) >= -4 and max(xs) <= 104 and min(ys) >= -4 and max(ys) <= 140


def test_paths_follow_the_outline_in_whole_units():
    square = shapely.box(116.2, 39.2, 116.8, 39.8)
    (d,) = district_paths({"a": square}, [[39.0, 116.0], [40.0, 117.0]], 100).values()
    xs, ys = zip(*_points(d), strict=True)
    assert (min(xs), max(xs)) == (20, 80) and len(set(xs)) == 2 and len(set(ys)) == 2


def test_behind_sign_in_the_first_view_shows_no_figure(monkeypatch):
    monkeypatch.setenv("ATLAS_REQUIRE_SIGN_IN", "1")
    html = picture("/", "year=2019")
    assert "<img" not in html and "2019" not in html and t("firstview.loading", "zh") in html
    html = picture("/targets", "")
    assert "af-card" not in html and "301.1" not in html and t("firstview.loading", "zh") in html


def test_the_targets_first_view_has_every_target_and_its_headline_figures():
    from geo import data
    from geo.analysis.targets import all_statuses, headline, latest_source

    for lang in ("zh", "en"):
        html = picture("/targets", f"lang={lang}")
        assert t("an.targets.title", lang) in html and html_escape(t("an.targets.policy_caveat", lang)) in html
        statuses = all_statuses(data.read_indicators())
        assert html.count('class="af-card"') == len(statuses) == 6
        for status in statuses:
            assert html_escape(t(f"an.target.{status.target.key}.name", lang)) in html
            figures = headline(status, firstview.dt.date.today().year, lang)
            for f in figures:  # the same label and value as the page's metric (tests/test_targets.py)
                assert f'<div class="af-fl">{html_escape(f.label)}</div><div class="af-fv">{html_escape(f.value)}</div>' in html
            if figures:  # and where the latest actual was read
                assert f'<p class="af-src">{html_escape(latest_source(status, lang))}</p>' in html
            else:
                assert html_escape(t("an.targets.no_data", lang)) in html
        assert "**" not in html  # the page's markdown bold is drawn as bold, not as stars


def test_the_targets_first_view_shows_what_the_page_shows(targets_page):
    """Every metric of the Targets page (AppTest) is in its first view, label and value alike."""
    html = picture("/targets", "")
    metrics = [(m.label, m.value) for m in targets_page.metric]
    assert len(metrics) == 12
    for label, value in metrics:
        assert f'<div class="af-fl">{html_escape(label)}</div><div class="af-fv">{html_escape(value)}</div>' in html
    sources = [c.value for c in targets_page.caption if c.value.startswith(t("common.source", "zh") + ": ")]
    assert len(sources) == 4 and all(f'<p class="af-src">{html_escape(s)}</p>' in html for s in sources)


def live_of(html: str) -> dict:
    """Return the interactive map a map page's first view carries (``{assets, model}``)."""
    found = re.search(r'<script type="application/json" id="atlas-live">(.*?)</script>', html, re.S)
    assert found, "no interactive map in the first view"
    return json.loads(found.group(1))


def test_the_map_page_carries_the_links_interactive_map_and_its_script(monkeypatch, tmp_path):
    from ui import mapassets

    monkeypatch.setattr(mapassets, "ASSET_DIR", tmp_path)
    html = firstview.first_view("/", "year=2019&d=110108")
    live = live_of(html)
    model = live["model"]
    assert live["assets"] == mapassets.ASSETS and check(model) == []  # the renderer's own contract
    assert live["key"] == model_key(model)  # the browser names it so (a cookie): the session sends the key only
    assert model["year"] == 2019 and model["selected"] == ["110108"] and model["mode"] == "page"
    assert len(model["years"]) > 1  # every year: the map switches years by itself
    name = model["geometry"].removeprefix(mapassets.ASSET_URL)
    assert (tmp_path / name).exists()  # written before the page goes out: its fetch never fails
    assert firstview.EARLY_SCRIPT in html and "//" not in firstview.EARLY_SCRIPT.split("\n")[0]
    assert firstview.preloads("/", "") == []  # the first view's script asks for the map's files itself
    # a name from the data cannot end the script element early
    assert "</" not in re.search(r'id="atlas-live">(.*?)</script>', html, re.S).group(1)


def test_the_first_views_map_is_the_one_the_page_then_draws(monkeypatch):
    """The component gets the same model (the year token aside): it takes the first view's map over, drawing nothing again."""
    from streamlit.testing.v1 import AppTest

    from ui import atlasmap

    sent = []
    monkeypatch.setattr(atlasmap, "_component", lambda **kw: sent.append(kw["data"]) or {})
    for query in ({}, {"year": "2019", "d": "110108,110105"}, {"lang": "en", "layers": "districts,jjj", "ind": "patent_grants"}):
        sent.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception and sent
        live = live_of(firstview.first_view("/", urllib.parse.urlencode(query)))
        page = sent[0]
        assert {**page["model"], "yearToken": 0} == {**live["model"], "yearToken": 0}, query
        assert page["assets"] == live["assets"]


def test_the_map_page_has_the_browser_fetch_the_maps_files_while_streamlit_starts(monkeypatch, tmp_path):
    """Without the interactive map (its geometry file cannot be written), the page has the browser fetch the map's files."""
    from ui import mapassets

    monkeypatch.setattr(mapassets, "ASSET_DIR", tmp_path)
    monkeypatch.setattr(firstview, "_live", lambda *args: "")
    name = firstview._DATA.geometry_name(firstview._DATA.revision(), "none")
    before = firstview.preloads("/", "")
    (tmp_path / name).write_text("{}")  # the app writes it on its first map run
    items = firstview.preloads("/", "")
    hrefs = [attrs["href"] for tag, attrs in items if tag == "link" and attrs["rel"] == "preload"]
    assert len(items) == len(hrefs) == len(before) + 1  # the geometry only once it exists: no failing fetch
    assert hrefs[-1] == mapassets.ASSET_URL + name and items[-1][1]["as"] == "fetch" and "crossorigin" in items[-1][1]
    for url in [mapassets.ASSETS["leaflet"], *mapassets.ASSETS["renderer"], mapassets.ASSETS["css"]]:
        assert url in hrefs
    amap = firstview.preloads("/", "base=amap")
    assert not any("gcj02" in attrs["href"] or "wgs84" in attrs["href"] for _, attrs in amap)  # not written here
    assert firstview.preloads("/targets", "") == []


def test_streamlits_style_sheet_waits_for_the_first_paint_too():
    page = firstview.insert(STREAMLIT_HEAD, "<div></div>", True).decode()
    head, body = page.split("</head>", 1)
    assert "stylesheet" not in head and '"rel":"stylesheet"' in body  # the first view has its own style


def test_behind_sign_in_nothing_is_preloaded(monkeypatch):
    monkeypatch.setenv("ATLAS_REQUIRE_SIGN_IN", "1")
    assert firstview.preloads("/", "") == []
    html = firstview.first_view("/", "year=2019")
    assert 'id="atlas-live"' not in html and firstview.EARLY_SCRIPT not in html  # no figure before sign-in


def test_the_preloads_come_after_streamlits_own_files():
    page = (b'<html><head><script type="module" crossorigin src="./static/js/index.js"></script></head>'
            b'<body><div id="root"></div></body></html>')
    extra = [["link", {"rel": "preload", "as": "script", "href": "/app/static/leaflet/leaflet.js?v=1"}]]
    html = firstview.insert(page, "<div></div>", True, extra).decode()
    assert html.index("./static/js/index.js") < html.index("/app/static/leaflet/leaflet.js?v=1")
    assert '<script type="module"' not in html.split("<body>")[0]  # still deferred past the first paint


def test_every_first_view_lists_the_pages_where_the_sidebar_will_list_them():
    """Each first view carries the app's pages as plain links (usable before Streamlit starts), the current one
    marked, in the link's language, relative to the page (a base path is kept); the style shows them on wide screens only."""
    import doctest

    from ui import nav

    assert doctest.testmod(nav).failed == 0
    for path, query, current in (("/", "", "./"), ("/", "lang=en", "./?lang=en"), ("/targets", "", "targets"),
                                 ("/sources", "lang=en", "sources?lang=en")):
        view = firstview.first_view(path, query)
        links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', view)
        assert len(links) == len(nav.PAGES) == 8, (path, links)
        assert [h for h, mark, _ in links if mark] == [current], (path, links)
        lang = "en" if query else "zh"
        assert [unescape(name) for *_, name in links] == [t(p.title_key, lang) for p in nav.PAGES]
    assert "@media (min-width:769px){#atlas-first .af-side{display:block" in firstview.STYLE
    present = firstview.first_view(firstview.PRESENT_PATH, "")  # full screen: no sidebar to stand in for
    assert "<a " not in present and 'class="af-present"' in present


#: Runs the loader script (:data:`ui.firstview.LOADER_SCRIPT`) in node on a stand-in page (a tab in the background: it
#: loads at once) and prints, as JSON, what it did in order: ``["add", tag, href or src, rel or type]`` and
#: ``["import", url]``, once it has added a script (its last step), or after 10 s if it never does.
#: ``import()`` is the one thing replaced (node would import the URL itself); ``ATLAS_FAIL`` names a module whose
#: import fails.
LOADER_RUN = r"""
const log = [], FAIL = process.env.ATLAS_FAIL || '';
const end = () => { process.stdout.write(JSON.stringify(log)); process.exit(0); };
globalThis.__imp = (url) => { log.push(['import', url]); return url === FAIL ? Promise.reject(new Error('x')) : Promise.resolve(); };
const heard = [];
globalThis.document = {visibilityState: 'hidden', baseURI: 'http://atlas.test/map',
  createElement: (tag) => ({tag, attrs: {}, setAttribute(k, v) { this.attrs[k] = v; }}),
  addEventListener: (type, f) => heard.push([type, f]), removeEventListener() {},
  head: {appendChild: (n) => {
    log.push(['add', n.tag, n.attrs.href || n.attrs.src, n.attrs.rel || n.attrs.type]);
    if (n.tag === 'script') setTimeout(end, 0);
  }}};
globalThis.window = globalThis;
if (process.env.ATLAS_EARLY) {  // the first view's map, still loading: drawn a moment later (static/atlasmap/early.js)
  globalThis.__atlasEarly = {state: 'loading'};
  setTimeout(() => {
    __atlasEarly.state = 'drawn'; log.push(['map drawn']);
    heard.filter(([type]) => type === 'atlas-early').forEach(([, f]) => f());
  }, 100);
}
setTimeout(end, 10000);
eval(require('fs').readFileSync(0, 'utf8'));
"""


def run_loader(page: bytes, extra=(), fail: str = "", early: bool = False) -> list[list]:
    import subprocess
    html = firstview.insert(page, "<div></div>", True, list(extra)).decode()
    script = re.search(r"<script>(\(function\(\)\{var l=.*?)</script>", html, re.S).group(1)
    assert script.count("import(") == 1
    out = subprocess.run(["node", "-e", LOADER_RUN], input=script.replace("import(", "__imp("), capture_output=True,
                         text=True, timeout=30, check=True,
                         env={**os.environ, "ATLAS_FAIL": fail, "ATLAS_EARLY": "1" if early else ""})
    return json.loads(out.stdout)


def streamlits_modules() -> tuple[str, list[str]]:
    """Streamlit's entry script and the modules its page preloads, in its order, as the loader reads them."""
    deferred = firstview.defer_scripts(STREAMLIT_HEAD)[2]
    entry = next(attrs["src"] for tag, attrs in deferred if tag == "script")
    return entry, [attrs["href"] for tag, attrs in deferred if attrs.get("rel") == "modulepreload"]


def test_streamlits_modules_run_one_by_one_in_their_order_and_its_entry_last():
    """The loader adds every deferred element (the entry script among them as a module preload), then imports Streamlit's
    modules one at a time in the order of its preloads, then adds the entry script: the browser runs no more
    than one module per task instead of the whole graph in one (issue 22, a phone's blocked time)."""
    extra = [["link", {"rel": "preload", "as": "script", "href": "/app/static/leaflet/leaflet.js?v=1"}]]
    log = run_loader(STREAMLIT_HEAD, extra)
    entry, modules = streamlits_modules()
    assert len(modules) > 5, "Streamlit's page is expected to preload its modules"
    adds = [e for e in log if e[0] == "add"]
    assert log[:len(adds) - 1] == adds[:-1], "every element is in the page before the first module runs"
    assert ["add", "link", entry, "modulepreload"] in adds[:-1]  # fetched with the rest, run last
    assert [e[3] for e in adds[:3]] == ["preload", "stylesheet", "preload"]  # Streamlit's font and style first
    assert adds[2][2] == "/app/static/leaflet/leaflet.js?v=1"  # and the map's files, when the first view has no map
    base = "http://atlas.test/"
    assert [e[1] for e in log if e[0] == "import"] == [urllib.parse.urljoin(base, m) for m in modules]
    assert log[-1] == ["add", "script", entry, "module"] and len(adds) == len(modules) + len(extra) + 4  # + font, css


def test_streamlits_modules_wait_for_the_first_views_map_to_be_drawn():
    """Requested with the map's files, Streamlit's modules kept the browser busy while the map was laid out (its font
    lookups wait on the browser's own process): they are asked for once the map is drawn; its style sheet at once."""
    log = run_loader(STREAMLIT_HEAD, early=True)
    drawn = log.index(["map drawn"])
    before = log[:drawn]
    assert [e[3] for e in before] == ["preload", "stylesheet"]  # Streamlit's font and style sheet, not a module
    assert all(e[3] == "modulepreload" for e in log[drawn + 1:] if e[0] == "add" and e[1] == "link")
    assert log[-1][:2] == ["add", "script"] and len([e for e in log if e[0] == "import"]) > 5


def test_a_module_that_fails_to_load_leaves_the_entry_to_load_and_report_it():
    failing = urllib.parse.urljoin("http://atlas.test/", streamlits_modules()[1][1])
    log = run_loader(STREAMLIT_HEAD, fail=failing)
    imports = [e[1] for e in log if e[0] == "import"]
    assert imports[-1] == failing and len(imports) == 2  # no more one by one: Streamlit's own loading takes over
    assert log[-1][:2] == ["add", "script"]


def test_the_first_view_does_not_name_streamlits_font_on_a_phone():
    """Naming Streamlit's font had a phone lay out the whole first view again when Streamlit's style sheet came."""
    base = re.search(r"#atlas-first\{[^}]*font-family:([^;]*);", firstview.STYLE).group(1)
    assert "Source Sans" not in base and "system-ui" in base
    assert "(min-width:769px)" in firstview.FONT  # a wide screen keeps Streamlit's font, fetched at once
