"""The map as a Streamlit custom component (v2): drawn in the page, no iframe.

Python sends the layer model (``geo.carto.model.layer_model``: every year of the indicator) and
the URL of the content-hashed geometry asset (or only the model's key, when the map page's first view
gave the browser that model: ``_data``; the component then takes over the map that first view drew,
``static/atlasmap/early.js``); the browser (``static/atlasmap/loader.mjs`` loading the renderer's parts, ``atlas-*.js``)
draws it, switches years and plays by itself, and reports back:

- ``year`` (state): the year shown, after the user moved the slider, pressed keys or played;
- ``click`` (trigger): the district clicked or chosen with Enter;
- ``exit`` (trigger): Esc in presentation mode; ``step`` (trigger): PageUp/PageDown there;
- ``ready`` (state): the map is drawn (``"compact"``: drawn phone-sized). The map page draws only
  the map on a session's first run and the rest (controls, table, exports) once the map says it is
  drawn: the browser then loads the scripts of those widgets after the map, not before it; on a
  phone the controls go in a popover under the map, drawn only when it is opened;
- ``need`` (state): the browser was sent a model's key but does not hold that model: the session
  sends the model itself from then on.

The model's ``year`` only applies when ``yearToken`` changes (a new link, a new page visit):
otherwise the browser keeps its own year, so key presses made while Python reruns are never
undone. An unchanged model is the same message, which Streamlit sends to the browser once
(its message cache); a year change sends almost nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import streamlit as st

from geo.carto.contract import LayerModel, Mode, for_display, model_key, with_geometry
from geo.carto.model import geometry_asset, layer_model, merge_geometry, select_districts
from geo.data.datasets import MapInputs
from geo.data.paths import STATIC_DIR
from geo.view.state import ViewState
from ui import cache, keys
from ui.mapassets import ASSET_DIR, ASSETS, geometry_basemap, write_asset

__all__ = [
    "ASSET_DIR",
    "LIVE_COOKIE",
    "MapEvents",
    "draw_atlas_map",
    "geometry_url",
    "preload_assets",
    "view_model",
]

#: The component's script (a file): loads Leaflet and the renderer once per browser tab, mounts or
#: updates the map, and returns the cleanup that destroys it when the component leaves the page.
_LOADER = STATIC_DIR / "atlasmap" / "loader.mjs"

_component = st.components.v2.component("atlas_map", js=_LOADER.read_text(encoding="utf-8"), isolate_styles=False)


@dataclass(frozen=True)
class MapEvents:
    """What the map reported in this run: the year it shows (None until it reports) and a click."""

    year: int | None
    click: str | None
    exit: bool
    step: int = 0
    ready: bool = False
    compact: bool = False  # the map is phone-sized (static/atlasmap/atlas-labels.js isCompact)


@st.cache_data(show_spinner=False, max_entries=8)
def _asset(key: str, _inputs: MapInputs, part: str = "main") -> tuple[str, str]:
    return geometry_asset(_inputs, key.split("@", 1)[0], part)


def geometry_url(inputs: MapInputs, basemap: str, part: str = "main") -> str:
    """Return the URL of the geometry asset for ``basemap``, writing it on first use.

    The file name is content-hashed and written atomically, so several app processes may write
    it at once. If ``static/atlas/`` cannot be written the geometry goes inline in the model.
    """
    # keyed by the data revision too: a stored official outline (Import page) changes the geometry
    name, text = _asset(f"{geometry_basemap(basemap)}@{cache.store_revision()}", inputs, part)
    return write_asset(name, text)


@st.cache_data(show_spinner=False, max_entries=256)
def _model(revision: str, state: ViewState, geometry: str, _inputs: MapInputs) -> LayerModel:
    regions = geometry_url(_inputs, state.basemap, "regions") if geometry and "jjj" in state.layers else None
    model = layer_model(_inputs, state, geometry or None, regions_url=regions or None)
    if not geometry:  # static/atlas/ not writable: the geometry travels in the model
        key = f"{geometry_basemap(state.basemap)}@{revision}"
        model = with_geometry(model, merge_geometry(json.loads(_asset(key, _inputs)[1]),
                                                    json.loads(_asset(key, _inputs, "regions")[1])))
    return model


def view_model(inputs: MapInputs, state: ViewState) -> LayerModel:
    """Return the cached layer model of ``state`` (every year; ``state.year`` only picks the first shown).

    Cached without the district selection: selecting districts reuses the view's model
    (``geo.carto.model.select_districts``).
    """
    base = state.with_(notes=(), year=0, districts=())
    model = _model(cache.store_revision(), base, geometry_url(inputs, state.basemap), inputs)
    return select_districts(model, inputs, state)


def preload_assets() -> dict:
    """Return the URLs the map needs (Leaflet, renderer, CSS, geometry for the link's basemap), for preloading."""
    basemap = geometry_basemap(st.query_params.get("base"))
    return {**ASSETS, "geometry": geometry_url(cache.map_inputs(), basemap) or None}


#: The cookie naming the model the map page's first view gave this browser (``static/atlasmap/early.js``).
LIVE_COOKIE = "atlas_live"


def _data(model: LayerModel, key: str) -> dict:
    """Return what the component gets: the model, or only its key if the browser holds that model already.

    A map page's HTML carries the link's model for its first view (``ui/firstview.py``), and the
    browser names it in a cookie (:data:`LIVE_COOKIE`, :func:`geo.carto.contract.model_key`). Sending
    it again over the websocket would double the view's bytes (73 KB), so a session whose cookie
    names this very model gets ``{"live": key, "yearToken": …}``; a browser that does not hold it
    after all (the cookie of an earlier page) asks for it (state ``need``) and is sent the model
    from then on.
    """
    data = {"assets": ASSETS, "model": model}
    if st.session_state.get(keys.MAP_FULL_MODEL):
        return data
    if (st.session_state.get(key) or {}).get("need"):
        st.session_state[keys.MAP_FULL_MODEL] = True
        return data
    try:
        live = st.context.cookies.get(LIVE_COOKIE)
    except Exception:  # no browser (AppTest), or an old client
        live = None
    if live and live == model_key(model):
        return {"assets": ASSETS, "model": None, "live": live, "yearToken": model["yearToken"]}
    return data


def draw_atlas_map(inputs: MapInputs, state: ViewState, *, key: str, year_token: tuple[int, int],
                   mode: Mode = "page", height: str = "620px", play_ms: int | None = None) -> MapEvents:
    """Draw the map of ``state``; return what it reported (year shown, district clicked, exit).

    ``year_token`` is ``(token, year)``: the browser switches to ``year`` only when ``token``
    changes. Keep it unchanged while the browser drives the year, so the model stays the same
    message (sent once) and the browser's own year is never overridden by a late rerun.
    """
    token, forced_year = year_token
    model = for_display(view_model(inputs, state), mode=mode, year=forced_year, year_token=token, height=height,
                        play_ms=play_ms)
    result = _component(key=key, data=_data(model, key),
                        on_year_change=lambda: None, on_click_change=lambda: None, on_exit_change=lambda: None,
                        on_step_change=lambda: None, on_ready_change=lambda: None, on_need_change=lambda: None)
    year = result.get("year")
    return MapEvents(int(year) if isinstance(year, (int, float)) and str(int(year)) in model["frames"] else None,
                     result.get("click") if isinstance(result.get("click"), str) else None,
                     bool(result.get("exit")), int(result.get("step") or 0) if result.get("step") in (-1, 1) else 0,
                     bool(result.get("ready")), result.get("ready") == "compact")
