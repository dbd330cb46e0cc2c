"""The data of one year of a view: per district value, status, source, rank and strong designations;
its colour classes; the zones in force.

Part of the layer model (:mod:`geo.carto.model`); typed in :mod:`geo.carto.contract`.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.carto import styles
from geo.carto.classify import Classes, classify, classify_change
from geo.data.datasets import MapInputs
from geo.data.designations import strong_in_year
from geo.data.indicators import district_values, hide_demo, years_with_data
from geo.data.names import BEIJING_DISTRICTS
from geo.text.i18n import change_formula
from geo.view.state import ViewState

__all__ = [
    "STATUS_WEAKNESS",
    "change_values",
    "classes_for",
    "district_frame",
    "frame_statuses",
    "zones_in_view",
]


def _bare(df: pd.DataFrame) -> pd.DataFrame:
    """Return a shallow view of ``df`` without ``attrs`` (pandas deep-copies them on every filter)."""
    if not df.attrs:
        return df
    out = df.copy(deep=False)
    out.attrs = {}
    return out


#: The weaker of two statuses wins in a change map: demo beats derived beats official.
STATUS_WEAKNESS = {"": 3, "demo": 2, "derived": 1, "official": 0}


def change_values(indicators: pd.DataFrame, indicator: str, year: int, base: int, mode: str = "abs") -> pd.DataFrame:
    """Return :func:`district_values` of the change from ``base`` to ``year`` (absolute, or % of ``base``).

    A change between values of different status carries the weaker status (demo beats derived
    beats official); a district without a value in either year has no change.
    """
    now = district_values(indicators, indicator, year)
    then = district_values(indicators, indicator, base)
    out = now.copy()
    diff = now["value"] - then["value"]
    if mode == "pct":
        diff = diff / then["value"].where(then["value"] != 0) * 100
        out["unit"] = "%"
    out["value"] = diff
    weaker = [a if STATUS_WEAKNESS[a] >= STATUS_WEAKNESS[b] else b for a, b in zip(now.status, then.status, strict=False)]
    out["status"] = ["" if pd.isna(v) else s for v, s in zip(diff, weaker, strict=False)]
    out["formula"] = [change_formula(year, base, mode)] * len(out)
    out["rank"] = out["value"].rank(ascending=False, method="min").astype("Int64")
    return out


def district_frame(inputs: MapInputs, state: ViewState) -> pd.DataFrame:
    """Return one row per district: code, names, value, unit, status, source, rank, strong designations.

    In a change map (``state.compare``) the value is the change from the comparison year.
    """
    if state.compare is not None:
        indicators = _bare(inputs.indicators)
        if not state.demo:
            indicators = indicators[indicators.status != "demo"]
        values = change_values(indicators, state.indicator, state.year, state.compare, state.change)
    else:
        values = district_values(_bare(inputs.indicators), state.indicator, state.year)
    if not state.demo:  # "show demo values" off: demo cells read "no official figure yet", everywhere
        values = hide_demo(values)
    d = _bare(inputs.districts)[["code", "name_zh", "name_en"]].merge(values, left_on="code", right_on="region_code")
    strong = strong_in_year(_bare(inputs.designations), state.year)
    d["strong"] = d["code"].map(lambda c: strong.get(c, []))
    return d.drop(columns="region_code")


def _change_classes(inputs: MapInputs, state: ViewState) -> Classes:
    """Return diverging classes centred on no change, symmetric, from every year's change (or this year's)."""
    years = [state.year] if not state.fixed_breaks else years_with_data(inputs.indicators, state.indicator)
    assert state.compare is not None
    values = []
    for y in years:
        values += change_values(inputs.indicators, state.indicator, y, state.compare, state.change)["value"].tolist()
    return classify_change(values)


def classes_for(inputs: MapInputs, state: ViewState) -> Classes:
    """Return the colour classes: fixed across all years by default, else from this year's values."""
    if state.compare is not None:
        return _change_classes(inputs, state)
    ind = inputs.indicators
    d = ind[(ind.indicator == state.indicator) & ind.region_code.isin(list(BEIJING_DISTRICTS))]
    if not state.fixed_breaks:
        d = d[d.year == state.year]
    return classify(pd.to_numeric(d["value"], errors="coerce").tolist(), state.classification)


def zones_in_view(zones: gpd.GeoDataFrame, state: ViewState) -> gpd.GeoDataFrame:
    """Return the zones drawn for ``state``: kinds of the visible layers, in force in its year, drawable.

    Validity (``valid_from``/``valid_to``) and ``on_map`` are columns of ``zones.geojson``
    (written by ``scripts/build_zones.py``).
    """
    kinds = [k for layer in state.layers for k in styles.LAYER_ZONE_KINDS.get(layer, ())]
    bare = _bare(zones)
    year = state.year
    lo = bare.valid_from.fillna(-1).astype(int)
    hi = bare.valid_to.fillna(9999).astype(int)
    mask = bare.kind.isin(kinds) & bare.geometry.notna() & bare.on_map & (lo <= year) & (hi >= year)
    return zones[mask.to_numpy()]


def frame_statuses(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(set(frame.status) - {""}))
