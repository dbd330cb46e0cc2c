"""``st.cache_data`` wrappers over the pure loaders in ``geo.data`` (keyed by small arguments)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import data
from geo.data.datasets import MapInputs
from geo.data.indicators import shown_rows
from geo.imports import store
from ui import keys

__all__ = [
    "begin_run",
    "designations",
    "districts",
    "import_store",
    "indicators",
    "regions",
    "run_revision",
    "set_show_demo",
    "shipped_zones",
    "show_demo",
    "store_revision",
    "zones",
]


@st.cache_data(show_spinner=False)
def districts() -> gpd.GeoDataFrame:
    return data.read_districts()


@st.cache_data(show_spinner=False)
def regions() -> gpd.GeoDataFrame:
    return data.read_regions()


@st.cache_data(show_spinner=False)
def shipped_zones() -> gpd.GeoDataFrame:
    return data.read_zones()


@st.cache_data(show_spinner=False)
def designations() -> pd.DataFrame:
    return data.read_designations()


@st.cache_data(show_spinner=False)
def shipped_indicators() -> pd.DataFrame:
    return data.read_indicators()


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> store.Store:
    return store.Store(url)


def import_store() -> store.Store:
    """Return the store of imported official figures (one connection pool per process and URL)."""
    return _store_for(store.default_url())


_RUN_REVISION = keys.RUN_REVISION


def _read_revision() -> int | None:
    try:
        return import_store().current_revision_id()
    except Exception:  # database down or unreadable: the shipped data is shown
        return None


def begin_run() -> None:
    """Read the store's revision once at the start of a run (app.py): every part of the page shows it.

    One query per run instead of one per lookup, and figures, outlines, map and table of one run
    always come from the same revision, even while another session saves an import.
    """
    st.session_state[_RUN_REVISION] = _read_revision()
    _read_demo_flag()


_SHOW_DEMO, _DEMO_SEEN = keys.SHOW_DEMO, keys.SHOW_DEMO_URL


def _read_demo_flag() -> None:
    """Take ``demo=0/1`` from the link when it is new (a share link, a page's own URL); else keep the session's."""
    raw = st.query_params.get("demo")
    if raw in ("0", "1") and raw != st.session_state.get(_DEMO_SEEN):
        st.session_state[_SHOW_DEMO] = raw == "1"
        st.session_state[_DEMO_SEEN] = raw


def set_show_demo(value: bool) -> None:
    """Set "show demo values" for the session (the map's switch; the URL follows at the end of the run)."""
    st.session_state[_SHOW_DEMO] = bool(value)


def show_demo() -> bool:
    """Return whether this session shows demo values (default yes; ``demo=0`` in a link turns them off)."""
    if _SHOW_DEMO not in st.session_state:
        _read_demo_flag()
    return bool(st.session_state.get(_SHOW_DEMO, True))


def run_revision() -> int | None:
    """Return this run's store revision (None: store unreachable, the shipped data is shown)."""
    if _RUN_REVISION in st.session_state:
        return st.session_state[_RUN_REVISION]
    return _read_revision()  # a page run without app.py (a test of one view)


@st.cache_data(show_spinner=False, max_entries=8)
def _indicators_at(url: str, revision_id: int) -> pd.DataFrame:
    return store.overlay(shipped_indicators(), _store_for(url).rows_at(revision_id))


def indicators() -> pd.DataFrame:
    """Return the indicator table every page reads: shipped rows, overlaid by imported official rows.

    Cached per revision of the import store: one cheap ``max(id)`` query per call, so a save or a
    roll back on the Import page shows on every page at the next rerun. If the store cannot be
    reached the shipped table is shown (with its demo marks), never an error. With "show demo
    values" off (:func:`show_demo`) the demo rows are blanked here, once for every page
    (``geo.data.indicators.shown_rows``): no page can forget it.
    """
    return _shown(store_revision())


@st.cache_data(show_spinner=False, max_entries=16)
def _shown(key: str) -> pd.DataFrame:
    revision_id = run_revision()
    table = shipped_indicators() if revision_id is None else _indicators_at(import_store().url, revision_id)
    return shown_rows(table, not key.endswith(_NO_DEMO))


@st.cache_data(show_spinner=False, max_entries=8)
def _zones_at(url: str, revision_id: int) -> gpd.GeoDataFrame:
    return store.overlay_boundaries(shipped_zones(), _store_for(url).boundaries_at(revision_id))


def zones() -> gpd.GeoDataFrame:
    """Return the zones the app draws: shipped outlines, each replaced by its latest imported official one.

    Cached per revision of the import store, like :func:`indicators`: an outline saved or rolled
    back on the Import page shows on every page at the next rerun. If the store cannot be reached
    the shipped zones are shown.
    """
    revision_id = run_revision()
    if revision_id is None:  # database down or unreadable: fall back to the shipped zones
        return shipped_zones()
    return _zones_at(import_store().url, revision_id)


def store_revision() -> str:
    """Return a cache key of what the page shows: this run's revision id ("shipped" if the store is unreachable)."""
    revision_id = run_revision()
    key = "shipped" if revision_id is None else str(revision_id)
    return key if show_demo() else key + _NO_DEMO


_NO_DEMO = "-nodemo"  # the cache key of a view without demo values


def map_inputs() -> MapInputs:
    """Return the data every map is drawn from (the cached loaders above, this run's revision)."""
    return MapInputs(districts(), zones(), regions(), designations(), indicators())
