"""``st.cache_data`` wrappers over the pure loaders in ``geo.data`` (keyed by small arguments)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import data

__all__ = ["districts", "regions", "zones", "designations", "indicators"]


@st.cache_data(show_spinner=False)
def districts() -> gpd.GeoDataFrame:
    return data.read_districts()


@st.cache_data(show_spinner=False)
def regions() -> gpd.GeoDataFrame:
    return data.read_regions()


@st.cache_data(show_spinner=False)
def zones() -> gpd.GeoDataFrame:
    return data.read_zones()


@st.cache_data(show_spinner=False)
def designations() -> pd.DataFrame:
    return data.read_designations()


@st.cache_data(show_spinner=False)
def shipped_indicators() -> pd.DataFrame:
    return data.read_indicators()


def indicators() -> pd.DataFrame:
    """Return the indicator table the app shows: shipped rows, overlaid by imported official rows.

    The import store (issue 5) plugs in here; until then this is the shipped table.
    """
    return shipped_indicators()
