"""WGS-84 <-> GCJ-02: accuracy of the round trip, the size of the offset in Beijing, geometry transforms."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from common import BEIJING_POINTS_WGS84, NAMED_POLYGONS, TIANANMEN_WGS84
from shapely.geometry import GeometryCollection, Point, Polygon

from geo.carto.crs import gcj02_to_wgs84, geometry_gcj02_to_wgs84, geometry_wgs84_to_gcj02, wgs84_to_gcj02
from geo.data.datasets import read_districts

#: A grid over Beijing's bounding box (115.4–117.6 E, 39.4–41.1 N).
GRID = [(float(x), float(y)) for x in np.linspace(115.4, 117.6, 12) for y in np.linspace(39.4, 41.1, 10)]


@pytest.mark.parametrize("lon, lat", GRID)
def test_round_trip_wgs_gcj_wgs(lon, lat):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert abs(back[0] - lon) < 1e-7 and abs(back[1] - lat) < 1e-7  # ~1 cm, as documented


@pytest.mark.parametrize("lon, lat", GRID[::7])
def test_round_trip_gcj_wgs_gcj(lon, lat):
    again = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert abs(again[0] - lon) < 1e-7 and abs(again[1] - lat) < 1e-7


def test_beijing_offset_at_tiananmen():
    gcj = wgs84_to_gcj02(TIANANMEN_WGS84.x, TIANANMEN_WGS84.y)
    wgs = gcj02_to_wgs84(*gcj)
    dlon, dlat = wgs[0] - gcj[0], wgs[1] - gcj[1]  # going GCJ -> WGS
    assert dlon == pytest.approx(-0.0062, abs=1e-4)
    assert dlat == pytest.approx(-0.0013, abs=2e-4)
    # about 540–600 m in all
    metres = np.hypot(dlon * 111_320 * np.cos(np.radians(39.9)), dlat * 110_540)
    assert 500 < metres < 650


@pytest.mark.parametrize("lon, lat", BEIJING_POINTS_WGS84)
def test_beijing_offset_direction_and_size(lon, lat):
    glon, glat = wgs84_to_gcj02(lon, lat)
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert -0.0068 < wlon - glon < -0.0056
    assert -0.0016 < wlat - glat < -0.0010


@pytest.mark.parametrize("name", sorted(NAMED_POLYGONS))
def test_geometry_transform_keeps_validity_and_shape(name):
    geom = NAMED_POLYGONS[name]
    gcj = geometry_wgs84_to_gcj02(geom)
    assert gcj.is_valid and gcj.geom_type == geom.geom_type
    assert shapely.get_num_coordinates(gcj) == shapely.get_num_coordinates(geom)
    assert gcj.area == pytest.approx(geom.area, rel=1e-2)  # the offset varies slowly with position
    assert not gcj.equals(geom)
    back = geometry_gcj02_to_wgs84(gcj)
    assert shapely.hausdorff_distance(back, geom) < 1e-7


@pytest.mark.parametrize("geom", [Point(116.4, 39.9), Polygon(), GeometryCollection()], ids=["point", "empty",
                                                                                             "empty_collection"])
def test_geometry_transform_edge_cases(geom):
    gcj = geometry_wgs84_to_gcj02(geom)
    assert gcj.geom_type == geom.geom_type and gcj.is_empty == geom.is_empty
    if not geom.is_empty:
        assert (gcj.x, gcj.y) == pytest.approx(wgs84_to_gcj02(geom.x, geom.y))


def test_districts_stay_a_valid_coverage_in_gcj02():
    districts = read_districts()
    gcj = [geometry_wgs84_to_gcj02(g) for g in districts.geometry]
    assert all(g.is_valid for g in gcj)
    assert shapely.coverage_is_valid(np.array(gcj, dtype=object))
    back = [geometry_gcj02_to_wgs84(g) for g in gcj]
    assert max(shapely.hausdorff_distance(a, b) for a, b in zip(back, districts.geometry, strict=False)) < 1e-7
