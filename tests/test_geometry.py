"""The shipped geometry: districts, their coverage, Beijing's outline, Xiong'an, schematic zones.

Areas are measured in the same Albers equal-area projection scripts/build_boundaries.py uses.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from common import DISTRICT_CODES_REFERENCE, SNAP_GRID_DEG, TIANANMEN_WGS84, XIONGAN_COUNTY_CODES

from geo.data.datasets import DATASETS, read_districts, read_regions, read_zones
from geo.data.names import BEIJING_DISTRICTS, HEBEI_CITIES, TIANJIN_DISTRICTS

EQUAL_AREA = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m"


def area_km2(geom) -> float:
    return float(gpd.GeoSeries([geom], crs=4326).to_crs(EQUAL_AREA).area.iloc[0]) / 1e6


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return read_districts()


@pytest.fixture(scope="module")
def regions() -> gpd.GeoDataFrame:
    return read_regions()


@pytest.fixture(scope="module")
def outlines(districts, regions) -> pd.Series:
    """Every boundary by code: Beijing's districts and the Jing-Jin-Ji regions."""
    both = pd.concat([districts[["code", "geometry"]], regions[["code", "geometry"]]], ignore_index=True)
    assert both.code.is_unique
    return both.set_index("code").geometry


@pytest.fixture(scope="module")
def zones() -> gpd.GeoDataFrame:
    return read_zones()


# --- Districts --------------------------------------------------------------------------------


def test_tiananmen_falls_in_dongcheng_not_xicheng(districts):
    by_code = districts.set_index("code").geometry
    assert by_code["110101"].contains(TIANANMEN_WGS84)
    assert not by_code["110102"].contains(TIANANMEN_WGS84)
    assert districts.code[districts.contains(TIANANMEN_WGS84)].tolist() == ["110101"]


def test_sixteen_districts_with_codes_and_names(districts):
    assert sorted(districts.code) == sorted(DISTRICT_CODES_REFERENCE)
    for _, row in districts.iterrows():
        assert row.name_zh == DISTRICT_CODES_REFERENCE[row.code] == BEIJING_DISTRICTS[row.code][0]
        assert row.name_en == BEIJING_DISTRICTS[row.code][1]
        assert row.name_en.isascii() and row.name_en.strip()


def test_districts_form_valid_coverage(districts):
    geoms = districts.geometry.to_numpy()
    assert districts.is_valid.all()
    assert shapely.coverage_is_valid(geoms)
    # narrow gaps (slivers up to ~100 m wide) would also be reported
    assert shapely.coverage_is_valid(geoms, gap_width=1e-3)


def test_districts_do_not_overlap(districts):
    geoms = districts.geometry.to_numpy()
    worst = max(a.intersection(b).area for a, b in itertools.combinations(geoms, 2))
    assert worst == 0.0
    total = sum(area_km2(g) for g in geoms)
    assert total == pytest.approx(area_km2(shapely.union_all(geoms)), rel=1e-9)


def test_districts_leave_no_gaps(districts):
    union = shapely.union_all(districts.geometry.to_numpy())
    parts = list(getattr(union, "geoms", [union]))
    holes = [len(p.interiors) for p in parts]
    assert holes == [0] * len(parts), f"the union of the districts has interior holes: {holes}"
    assert union.geom_type == "Polygon", f"Beijing splits into {len(parts)} pieces"


def test_union_matches_beijing_outline(districts, outlines):
    union = shapely.union_all(districts.geometry.to_numpy())
    beijing = outlines["110000"]
    diff = area_km2(union.symmetric_difference(beijing))
    assert diff / area_km2(beijing) < 1e-3, f"symmetric difference {diff:.2f} km²"


def test_district_areas_recorded_and_plausible(districts):
    for _, row in districts.iterrows():
        # area_km2 is measured on the unsimplified boundary; simplification moves it a little
        assert area_km2(row.geometry) == pytest.approx(row.area_km2, rel=0.02), row.code
    # Beijing's published land area is 16,410.54 km²
    assert districts.area_km2.sum() == pytest.approx(16410.54, rel=0.01)


def test_default_view_geometry_is_small():
    size = DATASETS["beijing_districts"].path.stat().st_size
    assert size <= 100_000, f"beijing_districts.geojson is {size / 1000:.1f} kB"


# --- Jing-Jin-Ji regions ----------------------------------------------------------------------


def test_xiongan_is_union_of_its_three_counties(outlines):
    counties = shapely.union_all([outlines[c] for c in XIONGAN_COUNTY_CODES])
    xiongan = outlines["133100"]
    assert xiongan.is_valid
    assert area_km2(xiongan.symmetric_difference(counties)) < 1e-6 * area_km2(xiongan)


def test_regions_cover_tianjin_and_hebei(regions):
    codes = set(regions.code)
    assert set(TIANJIN_DISTRICTS) <= codes and "120116" in codes  # 滨海新区
    assert set(HEBEI_CITIES) <= codes and len(HEBEI_CITIES) == 11
    assert {"110000", "120000", "133100"} <= codes
    assert not regions.name_zh.str.strip().eq("").any() and not regions.name_en.str.strip().eq("").any()


def test_neighbours_overlap_beijing_only_by_simplification(outlines):
    # Tianjin's districts and Hebei's cities are simplified as families of their own (tolerance
    # 0.004° and 0.012°), not together with Beijing, so their borders with Beijing do not match
    # exactly: measured overlaps reach 21.4 km² (廊坊市), about a 70 m band along the border.
    beijing = outlines["110000"]
    limit = 2e-3 * area_km2(beijing)  # ~33 km²
    for code in [*TIANJIN_DISTRICTS, *HEBEI_CITIES]:
        assert area_km2(beijing.intersection(outlines[code])) < limit, code


# --- Zones ------------------------------------------------------------------------------------


def schematic_ids() -> list[str]:
    z = gpd.read_file(DATASETS["zones"].path)
    return z.zone_id[z.geometry_quality == "schematic"].tolist()


def host_codes(zone: pd.Series) -> list[str]:
    """The zone's host districts; where the zone row lacks them (a data defect reported by
    test_data.test_zone_records_complete), those of its anchors in schematic_anchors.csv."""
    if isinstance(zone.host_districts, str) and zone.host_districts:
        return zone.host_districts.split(";")
    anchors = pd.read_csv(DATASETS["schematic_anchors"].path, dtype=str)
    return sorted({c for h in anchors.host_districts[anchors.zone_id == zone.zone_id] for c in h.split(";")})


@pytest.mark.parametrize("zone_id", schematic_ids())
def test_schematic_zone_lies_within_host_districts(zones, outlines, zone_id):
    zone = zones.set_index("zone_id", drop=False).loc[zone_id]
    host = shapely.union_all([outlines[c] for c in host_codes(zone)])
    # Zones and districts are snapped to a 1e-5° grid separately, so a zone's edge along a
    # district border may stray by up to one grid step: nothing may lie farther out than that,
    # and what lies outside the exact border must be negligible in area.
    assert zone.geometry.within(host.buffer(SNAP_GRID_DEG))
    outside = zone.geometry.difference(host).area / zone.geometry.area
    assert outside < 1e-4, f"{outside:.1e} of the drawn area lies outside the host districts"


@pytest.mark.parametrize("zone_id", schematic_ids())
def test_schematic_zone_area_matches_published(zones, zone_id):
    zone = zones.set_index("zone_id").loc[zone_id]
    assert zone.area_km2 > 0
    drawn = area_km2(zone.geometry)
    assert abs(drawn - zone.area_km2) / zone.area_km2 < 0.10, f"drawn {drawn:.2f} km², published {zone.area_km2}"
    assert zone.area_drawn_km2 == pytest.approx(drawn, rel=0.01)


def test_administrative_zones_are_their_regions(zones, outlines):
    z = zones.set_index("zone_id")
    assert z.loc["sc_zgc", "geometry_quality"] == "administrative"
    assert z.loc["sc_zgc", "year"] == 2017
    expected = {"sc_zgc": ["110108"], "jjj_xiongan": ["133100"], "jjj_binhai_newarea": ["120116"]}
    for zone_id, codes in expected.items():
        region = shapely.union_all([outlines[c] for c in codes])
        assert area_km2(z.loc[zone_id, "geometry"].symmetric_difference(region)) < 1e-3 * area_km2(region), zone_id


def test_published_zone_areas_carried(zones):
    z = zones.set_index("zone_id")
    # figures from the issue and shared/reference/zones/zones.csv
    published = {"sc_huairou": 100.9, "sc_future": 170.6, "etda_bda_2002": 46.8, "etda_bda_2010": 59.6,
                 "etda_yizhuang_newtown": 225.0, "zgc_all": 488.0, "other_subcenter": 155.0, "sc_zgc_pre2017": 75.0}
    for zone_id, area in published.items():
        assert z.loc[zone_id, "area_km2"] == pytest.approx(area), zone_id
    assert set(z.loc["sc_huairou", "host_districts"].split(";")) == {"110116", "110118"}
    # 一区十六园: every district hosts a park (the notes keep 大兴园 and 亦庄园 as two rows: the official
    # 2012 naming is unconfirmed, so there are 17 park rows besides the zone as a whole)
    parks = zones[(zones.kind == "zgc_park") & (zones.zone_id != "zgc_all")]
    hosts = {c for h in parks.host_districts for c in h.split(";")}
    assert hosts == set(BEIJING_DISTRICTS)
