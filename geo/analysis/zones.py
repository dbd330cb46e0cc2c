"""Per-zone summaries: the districts a zone touches, its published and drawn area, its figures.

Pure (no Streamlit). Districts are found by spatial intersection with :func:`geo.data.read_districts`
(areas measured in UTM zone 50N, EPSG:32650); a zone without geometry falls back to the host
districts its source names. Figures are the indicator rows of the region code that stands for
the zone (E-Town ``BDA``, Zhongguancun ``ZGC`` and its core area ``ZGC_CORE`` = Haidian).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.analysis.sources import figure_rows
from geo.data.indicators import primary_rows
from geo.data.names import BEIJING_DISTRICTS, BEIJING_JJJ_ZONE
from geo.text.labels import name_of

__all__ = [
    "MIN_SHARE",
    "ZONE_FIGURE_REGIONS",
    "ZoneSummary",
    "summary_table",
    "zone_designations",
    "zone_districts",
    "zone_figures",
    "zone_summaries",
]

#: Region codes of the indicator table that stand for a zone.
ZONE_FIGURE_REGIONS: dict[str, tuple[str, ...]] = {
    "etda_bda_2002": ("BDA",), "etda_bda_2010": ("BDA",), "etda_yizhuang_newtown": ("BDA",),
    "zgc_all": ("ZGC", "ZGC_CORE"), "zgc_haidian": ("ZGC_CORE",),
}
#: Designations (``district_label_zh`` text) that belong to a zone rather than to a district.
_ZONE_DESIGNATIONS = {"etda_bda_2002": "经济技术开发区", "etda_bda_2010": "经济技术开发区",
                      "etda_yizhuang_newtown": "经济技术开发区", "zgc_all": "中关村", "zgc_haidian": "中关村"}
#: A district counts as touched when it holds more than this share of the zone (slivers along borders do not).
MIN_SHARE = 0.001
_METRIC_CRS = 32650
_SKIP = (BEIJING_JJJ_ZONE,)


@dataclass(frozen=True)
class ZoneSummary:
    zone_id: str
    name_zh: str
    name_en: str
    kind: str
    area_km2: float  # published (NaN if none published)
    area_drawn_km2: float  # of the geometry drawn (NaN if none)
    geometry_quality: str
    year: int | None
    districts: pd.DataFrame  # code, name_zh, name_en, overlap_km2, share_of_zone, by ("geometry" / "host")
    figures: pd.DataFrame  # region_code, indicator, name, year, value, unit, status, source_url, source_note
    designations: pd.DataFrame
    source_url: str
    source_note: str


def zone_districts(zone: pd.Series, districts_m: gpd.GeoDataFrame, zone_geom_m: BaseGeometry | None) -> pd.DataFrame:
    """Return the Beijing districts a zone touches: by geometry where it has an area, else its hosts.

    ``districts_m`` and ``zone_geom_m`` are in a metric CRS (m²).
    """
    rows = []
    raw = zone.get("host_districts")
    hosts = [c for c in ("" if pd.isna(raw) else str(raw)).split(";") if c in BEIJING_DISTRICTS]
    geom = zone_geom_m
    if geom is not None and not shapely.is_empty(geom) and geom.geom_type in ("Polygon", "MultiPolygon"):
        inter = shapely.intersection(districts_m.geometry.values, geom)
        areas = shapely.area(inter)
        total = geom.area
        for code, zh, en, a in zip(districts_m["code"], districts_m["name_zh"], districts_m["name_en"], areas, strict=False):
            if total > 0 and a / total > MIN_SHARE:
                rows.append({"code": code, "name_zh": zh, "name_en": en, "overlap_km2": round(a / 1e6, 2),
                             "share_of_zone": round(a / total, 4), "by": "geometry"})
    elif geom is not None and not shapely.is_empty(geom):  # a point: the district containing it, and the hosts
        inside = [c for c, g in zip(districts_m["code"], districts_m.geometry, strict=False) if g.contains(geom)]
        for code in dict.fromkeys(inside + hosts):
            r = districts_m[districts_m["code"] == code].iloc[0]
            rows.append({"code": code, "name_zh": r.name_zh, "name_en": r.name_en, "overlap_km2": float("nan"),
                         "share_of_zone": float("nan"), "by": "host"})
    else:
        for code in hosts:
            r = districts_m[districts_m["code"] == code].iloc[0]
            rows.append({"code": code, "name_zh": r.name_zh, "name_en": r.name_en, "overlap_km2": float("nan"),
                         "share_of_zone": float("nan"), "by": "host"})
    return pd.DataFrame(rows, columns=["code", "name_zh", "name_en", "overlap_km2", "share_of_zone", "by"])


def zone_figures(indicators: pd.DataFrame, zone_id: str, lang: str = "zh") -> pd.DataFrame:
    """Return the indicator rows that exist for a zone (never demo), with their sources."""
    cols = ["region_code", "indicator", "name", "year", "value", "unit", "status", "source_url", "source_note"]
    codes = ZONE_FIGURE_REGIONS.get(zone_id, ())
    d = indicators[indicators["region_code"].isin(codes) & (indicators["status"] != "demo")]
    if d.empty:
        return pd.DataFrame(columns=cols)
    d = primary_rows(d).sort_values(["region_code", "indicator", "year"])
    return figure_rows(d, lang)[cols]


def zone_designations(designations: pd.DataFrame, zone_id: str, lang: str = "zh") -> pd.DataFrame:
    """Return the national designations of a zone (zone-subject rows naming it), one per designation."""
    text = _ZONE_DESIGNATIONS.get(zone_id)
    d = designations.iloc[:0] if text is None else designations[
        (designations["subject"] == "zone") & designations["district_label_zh"].fillna("").str.contains(text)]
    d = d.drop_duplicates("designation_id")
    return pd.DataFrame({
        "designation": (name_of(d, lang, "designation")).to_numpy(),
        "year": d["year"].to_numpy(),
        "stage": d["stage"].to_numpy(),
        "source_url": d["source_url"].fillna("").to_numpy(),
    })


def zone_summaries(zones: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, indicators: pd.DataFrame,
                   designations: pd.DataFrame, lang: str = "zh") -> list[ZoneSummary]:
    """Return one summary per zone (the Beijing outline itself excluded), in the zones' order."""
    districts_m = districts.to_crs(_METRIC_CRS)
    zones_m = zones.to_crs(_METRIC_CRS)
    out = []
    for (_, z), geom in zip(zones.iterrows(), zones_m.geometry, strict=False):
        if z["zone_id"] in _SKIP:
            continue
        year = z.get("year")
        out.append(ZoneSummary(
            zone_id=z["zone_id"], name_zh=z["name_zh"], name_en=z["name_en"], kind=z["kind"],
            area_km2=float(pd.to_numeric(z["area_km2"], errors="coerce")),
            area_drawn_km2=float(pd.to_numeric(z.get("area_drawn_km2"), errors="coerce")),
            geometry_quality=z["geometry_quality"], year=None if pd.isna(year) else int(year),
            districts=zone_districts(z, districts_m, geom),
            figures=zone_figures(indicators, z["zone_id"], lang),
            designations=zone_designations(designations, z["zone_id"], lang),
            source_url="" if pd.isna(z["source_url"]) else str(z["source_url"]),
            source_note="" if pd.isna(z["source_note"]) else str(z["source_note"]),
        ))
    return out


def summary_table(summaries: list[ZoneSummary], lang: str = "zh") -> pd.DataFrame:
    """Return one row per zone: name, kind, districts touched, published and drawn area, quality, figures."""
    return pd.DataFrame([{
        "zone_id": s.zone_id,
        "name": name_of(s, lang),
        "kind": s.kind,
        "districts": ", ".join(s.districts["name_en" if lang == "en" else "name_zh"]),
        "area_km2": s.area_km2,
        "area_drawn_km2": s.area_drawn_km2,
        "geometry_quality": s.geometry_quality,
        "year": s.year,
        "figures": len(s.figures),
        "source_url": s.source_url,
    } for s in summaries])
