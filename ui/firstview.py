"""The first view in the page's HTML: what a browser paints before Streamlit's JavaScript has arrived.

Streamlit's page is an empty ``<div id="root">`` until about 1 MB of JavaScript has loaded and run:
on a phone over a slow network that is 7–8 s of white screen for any Streamlit app (Lighthouse,
``./atlas bench --lighthouse``). The middleware (``ui/webassets.py``) puts into the page HTML:

- on the map page (``/``, ``/map``): a still picture of the link's view — the districts coloured
  for its year, title, demo warning, legend and source line, from the same layer model the
  interactive map draws (``geo/carto/preview.py``), for the store's current revision — and the
  link's interactive map itself (its layer model as JSON and ``static/atlasmap/early.js``): once the
  picture is painted the browser loads Leaflet and the renderer and draws the map in its place, so
  it pans, zooms and switches years while Streamlit's own JavaScript is still arriving (on a phone
  over slow 4G with a 4× slower CPU: 1.8 s instead of 7.6 s). Streamlit's map component then takes that map over
  instead of drawing its own (``AtlasMap.adopt``, ``static/atlasmap/loader.mjs``);
- on the Targets page (``/targets``): its title, the policy's source and caveat, and each target's
  headline figures (latest actual, gap, outlook) from the same function the page's cards use
  (:func:`geo.analysis.targets.headline`), so a phone opening a Targets link reads them at once;
- on the other pages, and on every page when sign-in is required for all (``ATLAS_REQUIRE_SIGN_IN``):
  the app's title and the words that the page is loading;
- on a wide screen, the pages' links where Streamlit's sidebar will list them (``ui.nav.side_links``);
  the first view is laid out as Streamlit's page will be, so the map drawn early does not move when
  the page takes over (:data:`STYLE`);
- a small script that keeps Streamlit's page invisible (``visibility: hidden``: laid out, not
  painted) until it is ready — the map drawn, or the page's script run finished — and then shows
  it at once in place of the first view. So the page does not jump while Streamlit builds its
  frame (the sidebar arriving moved the whole page: layout shift 0.25–0.33 on a desktop).

Nothing here changes Streamlit: the HTML it serves is read and the first view inserted before
``<div id="root">``. If anything fails the page goes out as Streamlit wrote it.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from urllib.parse import parse_qs

from geo.carto.preview import FIRST_VIEW_ID, district_paths, first_view_html, map_svg, targets_view_html, waiting_html
from geo.data.paths import STATIC_DIR
from geo.text.i18n import DEFAULT_LANG, LANGS
from ui.layout import PAGE_CSS
from ui.nav import side_links

__all__ = ["EARLY_SCRIPT", "FONT", "LIVE_ID", "LOADER_SCRIPT", "MAP_PATHS", "PAGE_STYLE", "PRESENT_PATH", "REVEAL_SCRIPT",
           "STYLE", "TARGETS_PATH", "defer_scripts", "first_view", "insert", "page", "preloads", "warm"]

_LOG = logging.getLogger(__name__)

#: The element carrying the link's interactive map (JSON), read by ``static/atlasmap/early.js``.
LIVE_ID = "atlas-live"

#: The map page's addresses (the default page of ``app.py``'s navigation, and its own url_path).
MAP_PATHS = ("/", "/map")
#: The Targets page's address: its first view shows each target's headline figures (``targets_view_html``).
TARGETS_PATH = "/targets"
#: The presentation's address: full screen, no sidebar, so its first view has none either.
PRESENT_PATH = "/present"

#: The first view's look: laid out as Streamlit's page will be (Streamlit 1.67 with ``ui/layout.py``), so
#: nothing moves when that page takes its place: its sidebar (300 px, shown above 768 px, here with the
#: pages' links), its margins (top 6 rem, sides 1 rem, 5 rem from 864 px; on a phone up to 760 px
#: ``ui/layout.py``'s 3.75 rem and .4 rem; a phone turned sideways, wider than 760 px and at most 500 px
#: high, its 3.75 rem top) and its title's height; the map drawn early sits where the
#: page's map component will be (``af-live``). On a wide screen in Streamlit's font (:data:`FONT`), on a phone in
#: system fonts throughout: a first view naming Streamlit's font had all its text laid out again when Streamlit's
#: style sheet defined that font (a 180-240 ms task at a phone's 4x slower CPU), for text that is mostly Chinese.
STYLE = """<style id="atlas-first-style">
html.atlas-loading #root{visibility:hidden}
#atlas-first{--af-top:60px;--af-left:6.4px;--af-right:6.4px;--af-head:24px;position:fixed;inset:0;z-index:999999;
overflow:hidden;background:#fff;color:#262730;font-size:16px;line-height:1.6;box-sizing:border-box;
font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
padding:var(--af-top) var(--af-right) 0 var(--af-left)}
@media (min-width:761px){#atlas-first{--af-top:96px;--af-left:16px;--af-right:16px;--af-head:74px}}
@media (min-width:769px){#atlas-first{--af-left:316px}}
@media (min-width:864px){#atlas-first{--af-left:380px;--af-right:80px}}
#atlas-first .af-side{display:none}
@media (min-width:769px){#atlas-first .af-side{display:block;position:absolute;left:0;top:0;bottom:0;width:300px;
box-sizing:border-box;padding:72px 30px 0;background:#f8f8f7}}
#atlas-first .af-side a{display:block;height:28px;line-height:28px;margin:6px 0;padding:0 8px 0 32px;border-radius:8px;
color:rgba(38,37,35,.8);text-decoration:none;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#atlas-first .af-side a[aria-current]{background:rgba(169,169,162,.25);color:#262523;font-weight:600}
#atlas-first .af-app{height:var(--af-head);box-sizing:border-box;margin:0;font-size:19.2px;line-height:24px;font-weight:700;
white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
@media (min-width:761px){#atlas-first .af-app{font-size:32px;line-height:38.4px;padding:20px 0 16px}}
@media (min-width:761px) and (max-height:500px){#atlas-first{--af-top:60px;--af-head:24px}
#atlas-first .af-app{font-size:19.2px;line-height:24px;padding:0}}
#atlas-first .af-title{font-size:1.15rem;line-height:1.35;margin:.3rem 0 .4rem;font-weight:600}
#atlas-first .af-banner{margin:0 0 .4rem;padding:.3rem .5rem;background:#fff3cd;color:#5c4400;font-size:.85rem}
#atlas-first .af-body{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-start}
#atlas-first .af-map{width:min(100%,34rem,calc((100vh - var(--af-top) - var(--af-head) - 9rem) * 1.05));height:auto}
#atlas-first .af-legend{font-size:.8rem;flex:1 1 14rem}
#atlas-first .af-legend ul{list-style:none;margin:.2rem 0 0;padding:0}
#atlas-first .af-legend li{display:flex;align-items:center;gap:.4rem;margin:.1rem 0}
#atlas-first .af-legend .af-h{font-weight:600;margin-top:.3rem}
#atlas-first .af-sw{display:inline-block;width:1rem;height:.8rem;box-sizing:border-box;flex:none}
#atlas-first .af-source{font-size:.75rem;color:#555;margin:.4rem 0}
#atlas-first .af-wait{font-size:.85rem;color:#555;margin:.4rem 0}
#atlas-first.af-targets{padding:0 var(--af-right) 0 var(--af-left)}
#atlas-first.af-present{--af-top:0px;--af-left:20px;--af-right:20px}
#atlas-first.af-present .af-top{height:auto}
#atlas-first.af-present .af-app{height:auto;font-size:.8rem;line-height:1.4;font-weight:400;padding:.6rem 0 0;color:#555}
#atlas-first .af-top{height:var(--af-top);padding-top:.6rem;box-sizing:border-box}
#atlas-first.af-targets .af-app{height:auto;font-size:.8rem;line-height:1.4;font-weight:400;padding:0;color:#555}
#atlas-first .af-top p{margin:0}
#atlas-first.af-targets .af-title{font-size:2rem;line-height:1.2;font-weight:700;padding:1.25rem 0 1rem;margin:0}
#atlas-first.af-targets .af-source{font-size:.875rem;line-height:1.6;margin:0 0 1rem}
#atlas-first .af-note{font-size:1rem;line-height:1.5;margin:0 0 1rem;padding:1rem;border-radius:.5rem;background:#edf5ff;color:#244fb4}
#atlas-first .af-card{border:1px solid rgba(38,37,35,.2);border-radius:.5rem;padding:15px;margin:0 0 1rem}
#atlas-first .af-card h2{font-size:1.75rem;line-height:1.2;font-weight:600;padding:1rem 0;margin:0}
#atlas-first .af-card p{font-size:1rem;line-height:1.6;margin:0 0 1rem}
#atlas-first .af-figures{display:flex;gap:1rem;margin:0 0 1rem}
#atlas-first .af-figures>div{flex:1 1 0}
#atlas-first .af-fl{font-size:.875rem;line-height:1.6}
#atlas-first .af-fv{font-size:2.25rem;padding-bottom:4px}
#atlas-first .af-card p.af-src{font-size:.875rem;line-height:1.6;color:#55534f}
@media (max-width:640px){#atlas-first .af-figures{flex-direction:column}}
#atlas-first .af-live{position:absolute;left:var(--af-left);right:var(--af-right);top:calc(var(--af-top) + var(--af-head));
visibility:hidden}
#atlas-first .af-live.af-live-on{position:static;visibility:visible}
@media print{#atlas-first{display:none}html.atlas-loading #root{visibility:visible}}
</style>"""

#: Shows Streamlit's page in place of the first view once it is ready: on the map page when the map
#: has drawn its districts, elsewhere when the page's script has run, drawn something, and no element
#: waits for its code or its drawing (a chart's placeholder, ``stSkeleton``, or a chart not drawn yet
#: would grow and push the page down);
#: at once if the connection fails (Streamlit's own message must show); at the latest after 30 s.
REVEAL_SCRIPT = """<script>(function(){var d=document,h=d.documentElement,map=%(map)s,o;
h.classList.add("atlas-loading");
function ready(){var a=d.querySelector('[data-testid="stApp"]');if(!a)return false;
var c=a.getAttribute("data-test-connection-state");if(c&&/ERROR|DISCONNECTED/.test(c))return true;
if(map)return !!d.querySelector('#root .atlas-root[data-ready="1"]');
return a.getAttribute("data-test-script-state")==="notRunning"&&!!d.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
&&!d.querySelector('[data-testid="stSkeleton"]')
&&[].every.call(d.querySelectorAll('[data-testid="stVegaLiteChart"]'),function(c){return c.querySelector("canvas,svg");});}
function show(){if(!h.classList.contains("atlas-loading"))return;h.classList.remove("atlas-loading");
var f=d.getElementById("%(id)s");if(f)f.remove();if(o)o.disconnect();}
o=new MutationObserver(function(){if(ready())show();});
o.observe(h,{subtree:true,childList:true,attributes:true,attributeFilter:["data-test-script-state","data-test-connection-state","data-ready"]});
setTimeout(show,30000);})();</script>"""


def _lang(params: Mapping[str, list[str]]) -> str:
    values = set(params.get("lang", []))
    value = values.pop() if len(values) == 1 else None
    return value if value in LANGS else DEFAULT_LANG


class _Data:
    """The data the map page shows, read as ``ui.cache`` does (shipped tables, the store's revision), no Streamlit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store = None
        self._inputs: OrderedDict = OrderedDict()
        self._views: OrderedDict = OrderedDict()

    @functools.cached_property
    def shipped(self):
        from geo import data

        return data.read_districts(), data.read_zones(), data.read_regions(), data.read_designations(), \
            data.read_indicators()

    def revision(self) -> int | None:
        from geo.imports import store

        try:
            if self._store is None:
                self._store = store.Store(store.default_url())
            return self._store.current_revision_id()
        except Exception:  # database down or unreadable: the shipped data is shown (as ui.cache does)
            return None

    def _cached(self, table: OrderedDict, key, limit: int, build):
        """Return ``table[key]``, built by ``build()`` (outside the lock) on a miss; the oldest entries go past ``limit``."""
        with self._lock:
            hit = table.get(key)
        if hit is not None:
            return hit
        hit = build()
        with self._lock:
            table[key] = hit
            while len(table) > limit:
                table.popitem(last=False)
        return hit

    def inputs(self, revision: int | None, demo: bool):
        from geo.data.datasets import MapInputs
        from geo.data.indicators import shown_rows
        from geo.imports import store

        def build():
            districts, zones, regions, designations, indicators = self.shipped
            if revision is not None and self._store is not None:
                indicators = store.overlay(indicators, self._store.rows_at(revision))
                zones = store.overlay_boundaries(zones, self._store.boundaries_at(revision))
            return MapInputs(districts, zones, regions, designations, shown_rows(indicators, demo))

        return self._cached(self._inputs, (revision, demo), 4, build)

    def view(self, params: dict, revision: int | None):
        """Return the data and the view of the link's ``params`` (``geo.view.state.view_for_data``), as the map page reads them."""
        from geo.view.state import view_for_data

        inputs = self.inputs(revision, params.get("demo", "1") != "0")
        return inputs, view_for_data({"demo": "1", **params}, inputs.indicators)  # its language is the link's

    def map_view(self, inputs, state, lang: str, revision: int | None) -> str:
        """Return the still picture of the map page for the link's view ``state`` (cached per revision and view)."""
        from geo.carto.model import layer_model, select_districts
        from geo.view.state import to_query

        def build() -> str:
            model = layer_model(inputs, state.with_(districts=()), None, years=[state.year])
            model = select_districts(model, inputs, state)
            geometries = dict(zip(inputs.districts.code.astype(str), inputs.districts.geometry, strict=False))
            shown = {z["id"] for z in model["zones"]}
            geometries |= {f"z:{i}": g for i, g in zip(inputs.zones.zone_id, inputs.zones.geometry, strict=False)
                           if i in shown}
            return first_view_html(model, map_svg(model, district_paths(geometries, model["bounds"]), state.year),
                                   side_links(MAP_PATHS[0], lang))

        return self._cached(self._views, (revision, tuple(sorted(to_query(state).items())), lang), 128, build)

    def targets_view(self, params: dict, lang: str, revision: int | None, this_year: int) -> str:
        """Return the first view of the Targets page (cached per revision, demo switch, language and year)."""
        from geo.analysis.targets import all_statuses

        demo = params.get("demo", "1") != "0"
        return self._cached(self._views, ("targets", revision, demo, lang, this_year), 128, lambda: targets_view_html(
            all_statuses(self.inputs(revision, demo).indicators), this_year, lang, side_links(TARGETS_PATH, lang)))

    def live_map(self, inputs, state, revision: int | None) -> str:
        """Return the interactive map of the link's view ``state`` as the page's map component gets it: JSON ``{assets, model, key}``.

        The same model as ``ui.atlasmap.view_model`` builds for a session opened on this link (every
        year, the geometry file's URL, the districts selected), drawn by the first view's script
        (``static/atlasmap/early.js``) before Streamlit has started; the component then takes that
        map over instead of drawing its own. "" if the geometry file cannot be written (the component
        then sends the geometry inline: nothing to draw early).
        """
        from geo.carto.contract import for_display, model_key
        from geo.carto.model import layer_model, select_districts
        from geo.view.state import to_query
        from ui.layout import MAP_HEIGHT
        from ui.mapassets import ASSETS, geometry_basemap, write_asset

        base = state.with_(notes=(), year=0, districts=())  # the model of every year, cached as ui.atlasmap does
        basemap = geometry_basemap(state.basemap)
        geometry = write_asset(*self.geometry(revision, basemap))  # (again) if it has gone: its fetch never fails
        regions = write_asset(*self.geometry(revision, basemap, "regions")) if "jjj" in state.layers else None
        if not geometry or regions == "":
            return ""

        def build() -> str:  # the link's text, from the model of every year of its view (kept for all its links)
            model = self._cached(self._views, ("live", revision, tuple(sorted(to_query(base).items()))), 32,
                                 lambda: layer_model(inputs, base, geometry, regions_url=regions))
            model = for_display(select_districts(model, inputs, state), mode="page", year=state.year, height=MAP_HEIGHT)
            text = json.dumps({"assets": ASSETS, "model": model, "key": model_key(model)}, ensure_ascii=False,
                              separators=(",", ":"))
            return text.replace("<", "\\u003c")  # inside a <script> element: no "</script>" can end it early

        return self._cached(self._views, ("live-link", revision, tuple(sorted(to_query(state).items()))), 128, build)

    def geometry(self, revision: int | None, basemap: str, part: str = "main") -> tuple[str, str]:
        """Return ``(file name, JSON text)`` of the map's geometry asset (``geo.carto.geometry.geometry_asset``), cached per revision."""
        from geo.carto.geometry import geometry_asset

        return self._cached(self._views, ("geometry", revision, basemap, part), 128,
                            lambda: geometry_asset(self.inputs(revision, True), basemap, part))

    def geometry_name(self, revision: int | None, basemap: str) -> str:
        """Return the file name of the map's geometry asset, cached per revision."""
        return self.geometry(revision, basemap)[0]


_DATA = _Data()


def _sign_in_required() -> bool:
    """Whether every page is behind sign-in (``ui.auth``): then the first view shows no figure, only the words."""
    try:
        from ui.auth import require_sign_in

        return require_sign_in()
    except Exception:  # unreadable settings: show nothing rather than figures to someone not signed in
        return True


def _link(query: str) -> tuple[dict, str]:
    """Return the link's view parameters (``geo.view.links.read_link``) and its language."""
    from geo.view.links import read_link

    raw = parse_qs(query, keep_blank_values=True)
    lang = _lang(raw)
    return read_link(raw, lang)[0], lang


def page(path: str, query: str) -> tuple[str, list[list]]:
    """Return the first view of the page at ``path?query`` and what its browser should fetch early (:func:`preloads`).

    The link is read and the store's revision asked once for both.
    """
    lang = _lang(parse_qs(query))
    if path == PRESENT_PATH:  # full screen: no sidebar to stand in for
        return waiting_html(lang, page="present"), []
    if path not in (*MAP_PATHS, TARGETS_PATH) or _sign_in_required():
        return waiting_html(lang, side_links(path, lang)), []
    try:
        params, lang = _link(query)
        revision = _DATA.revision()
        if path == TARGETS_PATH:
            return _DATA.targets_view(params, lang, revision, dt.date.today().year), []
        inputs, state = _DATA.view(params, revision)
        view = _DATA.map_view(inputs, state, lang, revision)
        live = _live(inputs, state, revision)
        return (view + live, []) if live else (view, _preloads(path, params, revision))
    except Exception:  # never stop a page: without its picture the page still loads
        _LOG.exception("first view of %s?%s", path, query)
        return waiting_html(lang, side_links(path, lang)), []


def first_view(path: str, query: str) -> str:
    """Return the HTML of the first view of the page at ``path?query`` (the map's picture, the targets, or the waiting words)."""
    return page(path, query)[0]


def preloads(path: str, query: str) -> list[list]:
    """Return what the map page's browser should fetch while Streamlit starts: the map's own files (:func:`_preloads`)."""
    return page(path, query)[1]


#: The first view's script drawing the interactive map (``static/atlasmap/early.js``), its comments left out.
EARLY_SCRIPT = "\n".join(line for line in (STATIC_DIR / "atlasmap" / "early.js").read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("//"))


def _live(inputs, state, revision: int | None) -> str:
    """Return the link's interactive map for the first view to draw (:meth:`_Data.live_map`), with its script; "" if none."""
    try:
        live = _DATA.live_map(inputs, state, revision)
    except Exception:  # the picture stays and the map component draws the map, as before
        _LOG.exception("live map of %s", state)
        return ""
    return f'<script type="application/json" id="{LIVE_ID}">{live}</script><script>{EARLY_SCRIPT}</script>' if live else ""


def _preloads(path: str, params: dict, revision: int | None) -> list[list]:
    """Return the map's own files for the browser to fetch while Streamlit starts (map page only).

    Leaflet, the renderer's parts, their style sheets and the link's geometry file (only if it has
    been written: a fetch that fails would be a console error), at the URLs the map then asks for
    (``ui/mapassets.py``), so the map finds them in the browser's cache. Measured (9 loads each):
    map drawn 1.36 s instead of 1.45 s on the office network; on a phone (slow 4G, 4× CPU) 7.6 s
    instead of 8.2 s. (Preloading Streamlit's component code too, ``BidiComponent`` and the chunks it
    imports, brought the phone's map to 7.3 s instead of 7.7 s but added 0.1–0.15 s to Lighthouse's
    blocking time, desktop and mobile, in 3 audits each: not done.)
    """
    from ui.mapassets import ASSET_DIR, ASSET_URL, ASSETS, geometry_basemap

    items = [["link", {"rel": "preload", "as": "script", "href": url}]
             for url in [ASSETS["leaflet"], *ASSETS["renderer"]]]
    items += [["link", {"rel": "preload", "as": "style", "href": url}] for url in (ASSETS["leafletCss"], ASSETS["css"])]
    try:
        name = _DATA.geometry_name(revision, geometry_basemap(params.get("base")))
        if (ASSET_DIR / name).exists():  # the renderer fetches it with the page's credentials (a CORS-mode fetch)
            items.append(["link", {"rel": "preload", "as": "fetch", "crossorigin": "", "href": ASSET_URL + name}])
    except Exception:  # without the geometry preloaded the map still fetches it
        _LOG.exception("geometry preload of %s", path)
    return items


#: What Streamlit's page head asks for before anything can paint (its JavaScript, the module graph, the
#: text font, its style sheet): requested after the first view is painted instead, in the same order
#: (:func:`defer_scripts`). The first view has its own style; Streamlit's page is hidden until it is ready.
_DEFERRABLE = re.compile(rb'<script type="module"[^>]*></script>|<link\s+rel="modulepreload"[^>]*>'
                         rb'|<link\s+rel="preload"[^>]*as="font"[^>]*>|<link\s+rel="stylesheet"[^>]*>', re.S)
_ATTR = re.compile(rb'([a-zA-Z][\w-]*)(?:\s*=\s*"([^"]*)")?')

#: How long Streamlit's modules wait at most for the first view's map to be drawn, after the first paint (ms).
MAP_FIRST_MS = 6000

#: Adds the deferred elements to the head once the browser reports the first view's first contentful paint;
#: at once in a tab opened in the background (it paints no frame until shown), at the latest after 5 s.
#: Streamlit's style sheet and font go in at once; its modules, on the map page, once the first view's map is
#: drawn (``static/atlasmap/early.js`` says so with an ``atlas-early`` event, or it gave up), at the latest
#: :data:`MAP_FIRST_MS` later. Requested with the map's files, Streamlit's 60-odd modules kept the browser's
#: own process busy while the map was laid out, and each of the map's font lookups waits on that process on
#: Linux: the map's first layout took 30-260 ms instead of 15-20 (Lighthouse traces, issue 22); and text laid
#: out before Streamlit's style sheet adds its fonts is shaped again after. The module preloads go in four per
#: task, in a task of their own (each costs the browser about 1 ms at a phone's 4x slower CPU, 1.1-1.8 ms in
#: Lighthouse's browser at full speed, whose simulation then counts a dozen as a 50-90 ms task); then
#: Streamlit's modules are run one per task (``import()`` in the order of its preloads, which lists a module
#: after those it imports) and its entry script last, preloaded with the rest. The browser would otherwise run
#: the whole module graph in one task, 325 ms at that CPU, during which the page answers no tap.
LOADER_SCRIPT = """<script>(function(){var l=%s,d=document,done=0;
function add(e){var n=d.createElement(e[0]);for(var k in e[1])n.setAttribute(k,e[1][k]);d.head.appendChild(n);}
function mapFirst(then){var m=window.__atlasEarly,on=0;function f(){if(on++)return;d.removeEventListener("atlas-early",f);then();}
if(!m||m.state!=="loading")return f();d.addEventListener("atlas-early",f);setTimeout(f,%d);}
function go(){if(done)return;done=1;var entry=null,first=[],els=[],mods=[],j=0,i=0,ch=window.MessageChannel&&new MessageChannel();
l.forEach(function(e){if(!entry&&e[0]==="script"&&e[1].type==="module"){entry=e;
els.push(["link",{rel:"modulepreload",href:e[1].src,crossorigin:e[1].crossorigin||""}]);return;}
if(e[1].rel!=="modulepreload")return first.push(e);els.push(e);mods.push(new URL(e[1].href,d.baseURI).href);});
function next(){if(ch)ch.port2.postMessage(0);else setTimeout(step,0);}
function step(){if(j<els.length){els.slice(j,j+=4).forEach(add);return next();}
if(!entry)return;if(i>=mods.length){add(entry);entry=null;return;}
import(mods[i++]).then(next,function(){i=mods.length;next();});}
if(ch)ch.port1.onmessage=step;first.forEach(add);mapFirst(next);}
if(document.visibilityState!=="visible")go();else{setTimeout(go,5000);try{new PerformanceObserver(function(p){
if(p.getEntriesByName("first-contentful-paint").length)setTimeout(go,0);}).observe({type:"paint",buffered:true});}
catch(e){requestAnimationFrame(function(){requestAnimationFrame(function(){setTimeout(go,0);});});}}})();</script>"""


def defer_scripts(page: bytes, extra: list[list] = ()) -> tuple[bytes, str, list[list]]:
    """Return ``page`` without the head's module script, module preloads, font preload and style sheet, the loader
    adding them later, and those elements (``[tag, attributes]``, Streamlit's order).

    ``extra``: more elements (``[tag, attributes]``) the loader adds after Streamlit's (:func:`preloads`).
    Unchanged (no loader, no elements) if the head has no module script: a Streamlit whose page looks otherwise.
    """
    head_end = page.find(b"</head>")
    found = list(_DEFERRABLE.finditer(page, 0, head_end))
    if head_end < 0 or not any(m.group(0).startswith(b"<script") for m in found):
        return page, "", []
    items = []
    for m in found:
        tag = m.group(0)
        name = "script" if tag.startswith(b"<script") else "link"
        inner = tag[len(name) + 1:tag.index(b">")].rstrip(b"/")
        attrs = {k.decode(): (v or b"").decode() for k, v in _ATTR.findall(inner)}
        items.append([name, attrs])
    for m in reversed(found):
        page = page[:m.start()] + page[m.end():]
    return page, LOADER_SCRIPT % (json.dumps(items + list(extra), separators=(",", ":")), MAP_FIRST_MS), items


#: On a wide screen the first view is set in Streamlit's own font (its text then takes exactly the room the
#: page's will: nothing reflows at the takeover, and the page's text is no larger than the first view's):
#: the font file Streamlit's page preloads, asked for at once there only ("optional": never a late swap).
#: A phone does not fetch it before the map (system fonts; the page's text is mostly Chinese anyway).
FONT = """<link rel="preload" href="%(href)s" as="font" type="font/woff2" crossorigin media="(min-width:769px)">
<style>@font-face{font-family:atlas-first-sans;src:url(%(href)s) format("woff2");font-weight:100 900;font-display:optional}
@media (min-width:769px){#atlas-first{font-family:atlas-first-sans,system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}}</style>"""


#: The page's own CSS (``ui/layout.py``) in the page's head, so that it applies to Streamlit's first frame.
#: Sent only by the script (``ui.theme.apply_theme``), it came with the script of Streamlit's HTML element,
#: a moment after the first elements: on a phone Streamlit's first frame had its 6 rem top margin and the
#: hidden language element's row (the page then moved 52 px up), and a target's figures grew from 40 to 76 px.
PAGE_STYLE = f'<style id="atlas-page-style">{PAGE_CSS}</style>'


def insert(page: bytes, view: str, is_map: bool, extra: list[list] = ()) -> bytes:
    """Return Streamlit's page HTML with the first view, its style and scripts in it (unchanged if it has no root).

    The first view goes before ``<div id="root">``, the reveal script after it; Streamlit's own
    scripts are requested once the first view is painted (:func:`defer_scripts`), then ``extra``.
    """
    root = b'<div id="root"></div>'
    if root not in page or b"</head>" not in page:
        return page
    page, loader, deferred = defer_scripts(page, extra)
    font = next((a["href"] for tag, a in deferred if a.get("as") == "font" and a.get("href")), None)
    script = REVEAL_SCRIPT % {"map": "true" if is_map else "false", "id": FIRST_VIEW_ID}
    style = STYLE + PAGE_STYLE + (FONT % {"href": html.escape(font)} if font else "")
    page = page.replace(b"</head>", (style + "</head>").encode(), 1)
    return page.replace(root, (view + script).encode() + root + loader.encode(), 1)


def warm() -> None:
    """Build the default map and Targets views once (a server's first page should not wait for the data to load)."""
    def build() -> None:
        first_view("/", "")
        first_view(TARGETS_PATH, "")

    threading.Thread(target=build, name="atlas-first-view", daemon=True).start()
