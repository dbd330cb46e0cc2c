"""A district's profile: its indicators over time, its designations, the zones that touch it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import shapely

from geo.carto.crs import gcj02_to_wgs84
from geo.data.datasets import MapInputs
from geo.data.indicators import INDICATORS, primary_rows
from geo.data.names import BEIJING_JJJ_ZONE

__all__ = ["DistrictProfile", "district_at", "district_profile"]


@dataclass(frozen=True)
class DistrictProfile:
    code: str
    name_zh: str
    name_en: str
    area_km2: float
    indicators: pd.DataFrame  # indicator, year, value, unit, status, source_url, source_note, formula
    designations: pd.DataFrame
    zones: pd.DataFrame  # zone_id, name_zh, name_en, kind, geometry_quality, share_of_zone


def district_profile(inputs: MapInputs, code: str) -> DistrictProfile:
    """Return the profile of district ``code`` (raises KeyError for an unknown code)."""
    row = inputs.districts.set_index("code").loc[code]
    ind = primary_rows(inputs.indicators[inputs.indicators.region_code == code])
    ind = ind[ind.indicator.isin(list(INDICATORS)) & pd.to_numeric(ind.value, errors="coerce").notna()]
    ind = ind[["indicator", "year", "value", "unit", "status", "source_url", "source_note", "formula"]]
    des = inputs.designations[inputs.designations.district_code == code]
    geom = row.geometry
    touching = []
    for z in inputs.zones.itertuples():
        hosts = str(z.host_districts).split(";") if isinstance(z.host_districts, str) else []
        if z.geometry is None or z.geometry.is_empty:
            hit, share = code in hosts, float("nan")
        elif z.geometry.geom_type == "Point":
            hit, share = code in hosts or geom.contains(z.geometry), float("nan")
        else:
            share = shapely.intersection(z.geometry, geom).area / z.geometry.area
            hit = share > 1e-4  # more than a precision sliver along a shared border
        if hit and z.zone_id != BEIJING_JJJ_ZONE:
            touching.append({"zone_id": z.zone_id, "name_zh": z.name_zh, "name_en": z.name_en, "kind": z.kind,
                             "geometry_quality": z.geometry_quality, "share_of_zone": share,
                             "source_url": z.source_url})
    return DistrictProfile(code, row.name_zh, row.name_en, float(row.area_km2),
                           ind.sort_values(["indicator", "year"]).reset_index(drop=True),
                           des.reset_index(drop=True), pd.DataFrame(touching))


def district_at(districts, lat: float, lng: float, basemap: str = "none") -> str | None:
    """Return the code of the district under a clicked point (map coordinates), or None.

    With the AMap basemap the map is drawn in GCJ-02, so the click is converted back to WGS-84.

    >>> from geo.data.datasets import read_districts
    >>> district_at(read_districts(), 39.907333, 116.391083)  # Tiananmen gate
    '110101'
    >>> district_at(read_districts(), 31.23, 121.47) is None  # Shanghai
    True
    """
    if basemap == "amap":
        lng, lat = gcj02_to_wgs84(lng, lat)
    hits = districts[districts.contains(shapely.Point(lng, lat))]
    return None if hits.empty else str(hits.iloc[0]["code"])
