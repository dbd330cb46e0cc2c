"""Cached, cheap building blocks of the map page (Streamlit glue over ``geo.mapbuild``).

A year change must cost the server little and send the browser little:

- the geometry of the districts and zones is written once per process as a static, content-hashed
  asset under ``static/atlas/`` (served at ``/app/static/atlas/…``; the browser caches it), so
  reruns send only per-view properties, styles and tooltips (``geo.mapbuild.layer_specs``);
- everything pure about a view (district table, classes, layer specs, legend, source line, demo
  banner) is cached with ``st.cache_data`` keyed by small arguments: the view's share-link query
  and the revision of the imported data (so an import shows at the next rerun).

If ``static/atlas/`` cannot be written, :func:`geometry_url` returns None and the page falls back to
folium's self-contained layers (``geo.mapbuild.build_layers``): slower, same map.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

import folium
import pandas as pd
import streamlit as st

from geo.classify import Classes
from geo.mapbuild import (
    MapInputs,
    build_base_map,
    build_layers,
    classes_for,
    demo_banner,
    district_frame,
    legend_html,
    source_line,
)
from geo.maplight import geometry_asset, layer_specs, select_districts, spec_layers, use_geometry_asset
from geo.paths import STATIC_DIR
from geo.state import ViewState
from ui import cache

__all__ = ["ViewParts", "view_parts", "geometry_url", "page_map", "data_revision"]

ASSET_DIR = STATIC_DIR / "atlas"
ASSET_URL = "/app/static/atlas/"


@dataclass(frozen=True)
class ViewParts:
    """What the page shows for one view, computed once per (view, data revision)."""

    frame: pd.DataFrame
    classes: Classes
    specs: list[dict]
    legend: str
    source: str
    banner: str | None


def data_revision() -> str:
    """Return a key of the indicator data the app shows (the import store's revision)."""
    try:
        return str(cache.import_store().current_revision_id())
    except Exception:  # store unreachable: ui.cache.indicators() shows the shipped table
        return "shipped"


@st.cache_data(show_spinner=False, max_entries=512)
def _view_parts(revision: str, state: ViewState, _inputs: MapInputs) -> ViewParts:
    frame = district_frame(_inputs, state)
    classes = classes_for(_inputs, state)
    return ViewParts(frame, classes, layer_specs(_inputs, state, frame, classes),
                     legend_html(_inputs, state, frame, classes), source_line(_inputs, state, frame),
                     demo_banner(frame, state))


def view_parts(inputs: MapInputs, state: ViewState) -> ViewParts:
    """Return the cached parts of ``state`` (ViewState is a frozen dataclass: a small, hashable key).

    The cache key leaves out the selected districts: selecting only restyles the district layer
    (``select_districts``), so a district change reuses the year's cached view.
    """
    base = _view_parts(data_revision(), state.with_(notes=(), districts=()), inputs)
    if not state.districts:
        return base
    return replace(base, specs=select_districts(base.specs, state.districts))


@st.cache_data(show_spinner=False, max_entries=4)
def _asset(datum_key: str, _inputs: MapInputs) -> tuple[str, str]:
    return geometry_asset(_inputs, datum_key)


def geometry_url(inputs: MapInputs, basemap: str) -> str | None:
    """Return the URL of the geometry asset for ``basemap``, writing it on first use; None if impossible."""
    name, text = _asset("amap" if basemap == "amap" else "none", inputs)
    path = ASSET_DIR / name
    if not path.exists():
        try:
            ASSET_DIR.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)  # atomic: several app processes may write the same file
        except OSError:
            return None
    return ASSET_URL + name


def page_map(inputs: MapInputs, state: ViewState, parts: ViewParts) -> tuple[folium.Map, list[folium.FeatureGroup]]:
    """Return the base map and the layer groups for ``st_folium`` (light layers when the asset is there)."""
    m = build_base_map(inputs, state)
    url = geometry_url(inputs, state.basemap)
    if url is None:
        return m, build_layers(inputs, state, parts.frame, parts.classes)
    return use_geometry_asset(m, url), spec_layers(parts.specs)
