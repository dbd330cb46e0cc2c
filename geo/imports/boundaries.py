"""Check a boundary file (GeoJSON / GeoPackage) offered to replace a schematic zone.

Pure: nothing is saved here. Problems are :class:`geo.imports.parse.Issue` objects with planner-readable
messages (invalid or self-intersecting geometry, wrong or missing CRS, a GCJ-02 file passed as
WGS-84 — detected by its offset from the district boundaries — or a zone outside Beijing).
"""

from __future__ import annotations

import io
import json
import warnings
from dataclasses import dataclass

from geo.guard import MAX_JSON_DEPTH, json_depth, log_unexpected
from geo.imports.issues import Issue
from geo.imports.read import size_issue
from geo.text.i18n import DEFAULT_LANG

__all__ = ["BoundaryResult", "validate_boundary"]


@dataclass
class BoundaryResult:
    """What :func:`validate_boundary` found: the outline in WGS-84 (or None) and the issues."""

    geometry: object | None
    issues: list[Issue]
    crs: str = ""
    area_km2: float = 0.0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def ok(self) -> bool:
        return self.geometry is not None and not self.errors

    def messages(self, lang: str = DEFAULT_LANG, level: str | None = None) -> list[str]:
        return [i.text(lang) for i in self.issues if level is None or i.level == level]


_BEIJING_BOX = (115.3, 39.3, 117.6, 41.2)  # lon/lat box around Beijing, with a margin


def _in_box(bounds: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    return bounds[0] >= box[0] and bounds[1] >= box[1] and bounds[2] <= box[2] and bounds[3] <= box[3]


def _near_fraction(geom, lines, tree, to_m) -> float:
    """Return the share of ``geom``'s vertices within 30 m of a district boundary."""
    import numpy as np
    import shapely

    pts = shapely.points(shapely.get_coordinates(geom))
    if len(pts) > 4000:
        pts = pts[:: len(pts) // 4000 + 1]
    _, dist = tree.query_nearest(to_m(pts), return_distance=True, all_matches=False)
    return float(np.mean(dist < 30.0)) if len(dist) else 0.0


class _Refused(Exception):
    """A check that ends the validation: its issues are the answer."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues)
        self.issues = issues


def validate_boundary(content: bytes, filename: str, zone_id: str | None = None, *, districts,
                      zone_ids=()) -> BoundaryResult:
    """Check an uploaded zone outline (GeoJSON or GeoPackage) before it replaces a schematic zone.

    Refused: empty/oversize/unreadable files, no polygon, invalid or self-intersecting geometry,
    a missing or wrong CRS (projected coordinates labelled as degrees, or degrees labelled as a
    projected CRS), a GCJ-02 outline passed as WGS-84 (its vertices sit ~540 m off the district
    boundaries and snap onto them after GCJ-02→WGS-84 conversion), and an outline outside Beijing.
    The data it checks against are arguments: ``districts`` (Beijing's 16, WGS-84) and the known
    ``zone_ids`` (when ``zone_id`` is given). Nothing is read from disk. Never raises on a file's
    content: an unexpected error becomes the issue ``geo_unexpected`` (details in the server log).
    """
    try:
        return _validate(content, filename, zone_id, districts, zone_ids)
    except Exception as exc:  # a bug or a file no check foresaw: a message, never a traceback
        ref = log_unexpected(exc, f"validate_boundary({filename!r}, zone={zone_id!r})")
        return BoundaryResult(None, [Issue("geo_unexpected", params={"name": str(filename or "")[:120], "ref": ref})])


def _validate(content: bytes, filename: str, zone_id: str | None, districts, zone_ids) -> BoundaryResult:
    issues: list[Issue] = []
    try:
        gdf, declared_crs, is_gpkg = _read_outline(content, filename, issues)
        _check_polygons(gdf, issues)
        geom, crs = _in_wgs84(gdf, declared_crs, is_gpkg, issues)
        area = _check_place(geom, districts, issues)
    except _Refused as refused:
        return BoundaryResult(None, refused.issues)
    if zone_id is not None and zone_id not in set(zone_ids):
        issues.append(Issue("geo_unknown_zone", params={"zone": zone_id}))
    ok = not any(i.level == "error" for i in issues)
    return BoundaryResult(geom if ok else None, issues, crs.to_string(), round(area / 1e6, 2))


def _read_outline(content: bytes, filename: str, issues: list[Issue]):
    """Step 1: read the file (size, type, GeoJSON or GeoPackage); return (features, CRS declared?, GeoPackage?)."""
    import geopandas as gpd

    name = (filename or "").lower()
    if not content or not content.strip():
        raise _Refused([Issue("empty_file")])
    if (big := size_issue(len(content))) is not None:
        raise _Refused([big])
    is_gpkg = content.startswith(b"SQLite format 3\x00")
    declared_crs = True
    if is_gpkg:
        if not name.endswith(".gpkg"):
            issues.append(Issue("xlsx_renamed", "warning", params={"name": filename}))
    elif name.endswith((".geojson", ".json")):
        try:
            text = content.decode("utf-8-sig")
            if (depth := json_depth(text)) > MAX_JSON_DEPTH:  # before parsing: json and GDAL recurse per level
                raise _Refused([Issue("geo_too_deep", params={"depth": depth, "limit": MAX_JSON_DEPTH})])
            doc = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _Refused([Issue("geo_unreadable", params={"detail": str(exc)[:120]})]) from None
        declared_crs = isinstance(doc, dict) and "crs" in doc
    else:
        raise _Refused([Issue("unsupported_type", params={"name": filename})])
    try:
        with warnings.catch_warnings():  # e.g. "GPKG application_id, but non conformant file extension" (in-memory)
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_file(io.BytesIO(content))
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise _Refused([Issue("geo_unreadable", params={"detail": str(exc)[:120]})]) from None
    return gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty], declared_crs, is_gpkg


def _check_polygons(gdf, issues: list[Issue]) -> None:
    """Step 2: there are features, all polygons, all valid."""
    import shapely

    if gdf.empty:
        raise _Refused([*issues, Issue("geo_no_features")])
    kinds = set(gdf.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise _Refused([*issues, Issue("geo_not_polygon", params={"kinds": ", ".join(sorted(kinds))})])
    for i, geom in enumerate(gdf.geometry, start=1):
        if not shapely.is_valid(geom):
            issues.append(Issue("geo_invalid", params={"feature": i, "reason": shapely.is_valid_reason(geom)}))
    if any(i.level == "error" for i in issues):
        raise _Refused(issues)


def _in_wgs84(gdf, declared_crs: bool, is_gpkg: bool, issues: list[Issue]):
    """Step 3: the CRS is present and plausible for the coordinates; return the outline in WGS-84 and its CRS."""
    import pyproj
    import shapely

    bounds = tuple(gdf.total_bounds)
    looks_degrees = -180 <= bounds[0] <= 180 and -90 <= bounds[1] <= 90 and -180 <= bounds[2] <= 180
    crs = gdf.crs
    if is_gpkg and crs is None:
        raise _Refused([*issues, Issue("geo_missing_crs")])
    if crs is None:
        crs = pyproj.CRS.from_epsg(4326)
    where = {"crs": crs.to_string(), "x": bounds[0], "y": bounds[1]}
    if crs.is_geographic and not looks_degrees:
        raise _Refused([*issues, Issue("geo_missing_crs" if not declared_crs and not is_gpkg else "geo_wrong_crs",
                                       params=where)])
    if crs.is_projected and looks_degrees and _in_box(bounds, _BEIJING_BOX):
        raise _Refused([*issues, Issue("geo_wrong_crs", params=where)])
    return shapely.union_all(list(gdf.to_crs(4326).geometry)), crs


def _check_place(geom, districts, issues: list[Issue]) -> float:
    """Step 4: the outline lies in Beijing, in WGS-84 (not GCJ-02 passed as WGS-84); return its area in m²."""
    import numpy as np
    import pyproj
    import shapely

    from geo.carto.crs import geometry_gcj02_to_wgs84

    beijing = shapely.union_all(list(districts.geometry))
    if not geom.intersects(beijing):
        raise _Refused([*issues, Issue("geo_outside", params={"x": round(geom.centroid.x, 4),
                                                               "y": round(geom.centroid.y, 4)})])
    utm = pyproj.Transformer.from_crs(4326, 32650, always_xy=True)

    def to_m(g):
        return shapely.transform(g, lambda a: np.column_stack(utm.transform(a[:, 0], a[:, 1])))

    area = to_m(geom).area
    outside = to_m(geom.difference(beijing)).area if area else 0.0
    if area and outside / area > 0.02:
        issues.append(Issue("geo_partly_outside", params={"share": round(100 * outside / area, 1)}))
    # GCJ-02 passed as WGS-84: compare the vertices' closeness to district boundaries before/after conversion.
    lines = [to_m(g.boundary) for g in districts.geometry]
    tree = shapely.STRtree(lines)
    as_is = _near_fraction(geom, lines, tree, to_m)
    shifted = _near_fraction(geometry_gcj02_to_wgs84(geom), lines, tree, to_m)
    if shifted >= 0.2 and shifted > 3 * max(as_is, 0.01):
        issues.append(Issue("geo_gcj02", params={"before": round(100 * as_is), "after": round(100 * shifted)}))
    return area
