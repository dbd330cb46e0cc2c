"""The geometry the renderers draw: a view's bounds, the basemap's datum, the content-hashed geometry asset.

Part of the layer model (:mod:`geo.carto.model`); typed in :mod:`geo.carto.contract`.
"""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import shapely

from geo.carto import styles
from geo.carto.contract import Basemap
from geo.carto.crs import geometry_wgs84_to_gcj02
from geo.data.datasets import MapInputs
from geo.view.state import ViewState

__all__ = [
    "BASEMAP_TILES",
    "BEIJING_BOUNDS",
    "JJJ_BOUNDS",
    "SCHEMATIC_TOLERANCE",
    "display_geometry",
    "geometry_asset",
    "merge_geometry",
    "view_bounds",
]


BEIJING_BOUNDS = ((39.44, 115.42), (41.06, 117.51))


JJJ_BOUNDS = ((36.0, 113.4), (42.7, 119.9))


BASEMAP_TILES: dict[str, Basemap] = {  # optional; the map works without them (no internet = no tiles, nothing else lost)
    "osm": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attr": "© OpenStreetMap contributors"},
    "amap": {"url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "attr": "© 高德地图 AutoNavi (GCJ-02)", "subdomains": "1234"},
}


def view_bounds(inputs: MapInputs, state: ViewState) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return ((south, west), (north, east)) to show: selected districts, Jing-Jin-Ji, or Beijing."""
    if state.districts:
        sel = inputs.districts[inputs.districts.code.isin(state.districts)]
        minx, miny, maxx, maxy = sel.total_bounds
        # a margin of a fifth on each side: the selection sits in context, clear of the map's edges
        dx, dy = (maxx - minx) * 0.2, (maxy - miny) * 0.2
        return (float(miny - dy), float(minx - dx)), (float(maxy + dy), float(maxx + dx))
    if "jjj" in state.layers:
        return JJJ_BOUNDS
    return BEIJING_BOUNDS


def display_geometry(gdf: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """Return ``gdf`` in the datum of the basemap: GCJ-02 for AMap tiles, WGS-84 otherwise."""
    if basemap != "amap":
        return gdf
    out = gdf.copy()
    out["geometry"] = [geometry_wgs84_to_gcj02(g) if g is not None else None for g in gdf.geometry]
    return out


def _geojson_by_id(gdf: gpd.GeoDataFrame, key: str) -> dict[str, dict]:
    return {str(k): shapely.geometry.mapping(g) for k, g in zip(gdf[key], gdf.geometry, strict=False)}


def _round_coords(obj):
    if isinstance(obj, float):
        return round(obj, 4)
    if isinstance(obj, (list, tuple)):
        return [_round_coords(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _round_coords(v) for k, v in obj.items()}
    return obj


#: Schematic outlines are drawn from published areas, not surveyed: the browser gets them simplified
#: to this tolerance (degrees, ≈ 50 m), which halves the geometry it downloads.
SCHEMATIC_TOLERANCE = 0.0005


def geometry_asset(inputs: MapInputs, basemap: str, part: str = "main") -> tuple[str, str]:
    """Return ``(file name, JSON text)`` of geometry the renderer draws, in the basemap's datum.

    ``part="main"``: ``d`` district geometry by code, ``z`` zone geometry by zone id (polygons and
    points; schematic ones simplified, :data:`SCHEMATIC_TOLERANCE`) of the Beijing layers.
    ``part="regions"``: ``r`` the Jing-Jin-Ji context regions by code and ``z`` that layer's zones,
    fetched only when it is shown. The name carries a
    hash of the content, so a browser may cache it for good and several processes may write it.
    """
    datum = "gcj02" if basemap == "amap" else "wgs84"
    zones = inputs.zones[inputs.zones.geometry.notna() & inputs.zones.on_map].copy()
    schematic = (zones.geometry_quality == "schematic").to_numpy()
    zones.loc[schematic, "geometry"] = shapely.simplify(zones.geometry[schematic].to_numpy(),
                                                        SCHEMATIC_TOLERANCE, preserve_topology=True)
    jjj = zones.kind.isin(styles.LAYER_ZONE_KINDS["jjj"]).to_numpy()
    if part == "regions":  # the Jing-Jin-Ji layer: regions and its zones (雄安, 滨海, the sub-centre…)
        regions = display_geometry(inputs.regions[inputs.regions.level.isin(["province", "city"])], basemap)
        geo = _round_coords({"r": _geojson_by_id(regions, "code"),
                             "z": _geojson_by_id(display_geometry(zones[jjj], basemap), "zone_id")})
    else:
        districts = display_geometry(inputs.districts, basemap)
        geo = _round_coords({"d": _geojson_by_id(districts, "code"),
                             "z": _geojson_by_id(display_geometry(zones[~jjj], basemap), "zone_id")})
    text = json.dumps(geo, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"atlas-{'regions' if part == 'regions' else 'geo'}-{datum}-{digest}.json", text


def merge_geometry(main: dict, regions: dict) -> dict:
    """Return the two geometry assets as one (what the renderer builds when it fetched both)."""
    return {"d": main["d"], "z": {**main["z"], **regions.get("z", {})}, "r": regions.get("r", {})}
