"""``st.cache_data`` wrappers over the pure loaders in ``geo.data`` (keyed by small arguments)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import data
from geo.data.datasets import MapInputs
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
    "shipped_zones",
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


def run_revision() -> int | None:
    """Return this run's store revision (None: store unreachable, the shipped data is shown)."""
    if _RUN_REVISION in st.session_state:
        return st.session_state[_RUN_REVISION]
    return _read_revision()  # a page run without app.py (a test of one view)


@st.cache_data(show_spinner=False, max_entries=8)
def _indicators_at(url: str, revision_id: int) -> pd.DataFrame:
    return store.overlay(shipped_indicators(), _store_for(url).rows_at(revision_id))


def indicators() -> pd.DataFrame:
    """Return the indicator table the app shows: shipped rows, overlaid by imported official rows.

    Cached per revision of the import store: one cheap ``max(id)`` query per call, so a save or a
    roll back on the Import page shows on every page at the next rerun. If the store cannot be
    reached the shipped table is shown (with its demo marks), never an error.
    """
    revision_id = run_revision()
    if revision_id is None:  # database down or unreadable: fall back to the shipped data
        return shipped_indicators()
    return _indicators_at(import_store().url, revision_id)


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
    return "shipped" if revision_id is None else str(revision_id)


def map_inputs() -> MapInputs:
    """Return the data every map is drawn from (the cached loaders above, this run's revision)."""
    return MapInputs(districts(), zones(), regions(), designations(), indicators())
