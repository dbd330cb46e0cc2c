"""Load the shipped datasets in data/, refusing any without complete provenance.

Pure functions (no Streamlit): the UI caches them in ``ui/cache.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.data.indicators import anchor_demo
from geo.data.paths import BOUNDARIES_DIR, INDICATORS_DIR, SOURCES_DIR, ZONES_DIR
from geo.data.provenance import Provenance, ProvenanceError, check_rows_sourced, read_meta
from geo.data.source_kind import source_kinds

__all__ = [
    "DATASETS",
    "OFFICIAL_ZONES_DIR",
    "Dataset",
    "MapInputs",
    "dataset_provenance",
    "read_dataset",
    "read_demo_proxy",
    "read_designations",
    "read_district_figures",
    "read_districts",
    "read_indicators",
    "read_inputs",
    "read_regions",
    "read_source_upgrades",
    "read_zones",
    "with_source_kind",
]

OFFICIAL_ZONES_DIR = ZONES_DIR / "official"


@dataclass(frozen=True)
class Dataset:
    """One shipped file and what it must look like."""

    name: str
    path: Path
    kind: str  # "geojson" or "csv"
    columns: tuple[str, ...]
    geometry_types: tuple[str, ...] = ()
    min_rows: int = 1
    sourced_rows: bool = False  # every row must carry source_url (and a known status if it has one)


DATASETS: dict[str, Dataset] = {d.name: d for d in [
    Dataset("beijing_districts", BOUNDARIES_DIR / "beijing_districts.geojson", "geojson",
            ("code", "name_zh", "name_en", "area_km2"), ("Polygon", "MultiPolygon"), 16),
    Dataset("jingjinji_regions", BOUNDARIES_DIR / "jingjinji_regions.geojson", "geojson",
            ("code", "name_zh", "name_en", "level", "parent", "area_km2"), ("Polygon", "MultiPolygon"), 30),
    Dataset("zones", ZONES_DIR / "zones.geojson", "geojson",
            ("zone_id", "name_zh", "name_en", "kind", "host_districts", "area_km2", "year", "valid_from", "valid_to", "on_map", "geometry_quality",
             "source_url", "source_note"), ("Polygon", "MultiPolygon", "Point"), 30, True),
    Dataset("designations", ZONES_DIR / "designations.csv", "csv",
            ("district_code", "designation_zh", "designation_en", "level", "year", "stage", "subject", "zone_id",
             "term_from", "term_to", "source_url"), min_rows=11, sourced_rows=True),
    Dataset("indicators", INDICATORS_DIR / "indicators.csv", "csv",
            ("region_code", "year", "indicator", "value", "unit", "status", "source_url", "source_note", "formula",
             "primary"), min_rows=100, sourced_rows=True),
    Dataset("demo_district_series", INDICATORS_DIR / "demo_district_series.csv", "csv",
            ("region_code", "year", "indicator", "value", "unit", "status", "source_url", "source_note", "formula"),
            min_rows=160, sourced_rows=True),
    Dataset("demo_proxy", INDICATORS_DIR / "demo_proxy.csv", "csv",
            ("region_code", "gdp_100m_yuan", "gdp_year", "census_persons_2020", "gdp_per_resident_10k_yuan",
             "source_url", "source_note"), min_rows=16, sourced_rows=True),
    Dataset("zones_source", ZONES_DIR / "zones_source.csv", "csv", ("zone_id", "source_url"), min_rows=33,
            sourced_rows=True),
    Dataset("designations_source", ZONES_DIR / "designations_source.csv", "csv", ("designation_zh", "source_url"),
            min_rows=11, sourced_rows=True),
    Dataset("city_and_region_source", INDICATORS_DIR / "city_and_region_source.csv", "csv",
            ("region_code", "indicator", "value", "unit", "source_url"), min_rows=127, sourced_rows=True),
    Dataset("targets_actuals_source", INDICATORS_DIR / "targets_actuals_source.csv", "csv",
            ("indicator", "value", "unit", "source_url"), min_rows=54, sourced_rows=True),
    Dataset("district_and_zone_source", INDICATORS_DIR / "district_and_zone_source.csv", "csv",
            ("region_code", "year", "indicator", "value", "unit", "source_url", "quote"), min_rows=30,
            sourced_rows=True),
    Dataset("source_hosts", SOURCES_DIR / "hosts.csv", "csv", ("host", "kind", "name_zh", "name_en", "note"),
            min_rows=20),
    Dataset("source_upgrades", SOURCES_DIR / "source_upgrades.csv", "csv",
            ("file", "row_key", "field", "old_value", "old_url", "new_value", "new_url", "new_host_kind", "quote",
             "agrees"), min_rows=10),
    Dataset("schematic_anchors", ZONES_DIR / "schematic_anchors.csv", "csv",
            ("zone_id", "area_km2", "anchor_lat", "anchor_lon", "anchor_note"), min_rows=20),
]}

_DTYPES = {"region_code": str, "district_code": str, "code": str, "host_districts": str, "as_of": str}


def dataset_provenance(name: str) -> Provenance:
    """Return the provenance record of a shipped dataset (raises ProvenanceError if incomplete)."""
    return read_meta(DATASETS[name].path)


def read_dataset(name: str) -> pd.DataFrame:
    spec = DATASETS[name]
    meta = read_meta(spec.path)
    if spec.kind == "geojson":
        df = gpd.read_file(spec.path)
        if df.crs is None or df.crs.to_epsg() != 4326:
            raise ProvenanceError(f"{spec.path.name}: expected EPSG:4326, got {df.crs}")
        for col in ("code", "host_districts", "zone_id"):
            if col in df.columns:
                df[col] = df[col].astype("string").astype(object)
    else:
        df = pd.read_csv(spec.path, dtype=_DTYPES, keep_default_na=True)
        for col in ("as_of", "formula", "source_unit"):
            if col in df.columns:
                df[col] = df[col].fillna("")
    missing = [c for c in spec.columns if c not in df.columns]
    if missing:
        raise ProvenanceError(f"{spec.path.name}: missing columns {missing}")
    if len(df) != meta.nrows:
        raise ProvenanceError(f"{spec.path.name}: {len(df)} rows, provenance says {meta.nrows}")
    if spec.sourced_rows:
        check_rows_sourced(pd.DataFrame(df.drop(columns="geometry", errors="ignore")), spec.path.name)
    df.attrs["provenance"] = meta
    return df


def with_source_kind(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with a ``source_kind`` column (government / official_media / repost / other / generated).

    Computed from ``source_url`` (:func:`geo.data.source_kind.source_kind`), so every row that carries a
    source, shipped or imported, has its kind.
    """
    if "source_url" in df.columns:
        df["source_kind"] = source_kinds(df["source_url"]).to_numpy() if len(df) else pd.Series(dtype=object)
    return df


def read_districts() -> gpd.GeoDataFrame:
    """Return Beijing's 16 districts (WGS-84): code, name_zh, name_en, area_km2, geometry."""
    return read_dataset("beijing_districts")


def read_regions() -> gpd.GeoDataFrame:
    """Return the Jing-Jin-Ji context regions (outlines, Tianjin districts, Hebei cities, Xiong'an)."""
    return read_dataset("jingjinji_regions")


def read_zones(official_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Return every zone; an official outline ``<official_dir>/<zone_id>.geojson`` replaces the built one.

    The replacement must be WGS-84 polygons and carry a ``.meta.json`` sidecar like any dataset;
    the zone's ``geometry_quality`` becomes ``official``.
    """
    zones = read_dataset("zones")
    _apply_zone_upgrades(zones)
    zones["year"] = pd.to_numeric(zones["year"], errors="coerce").astype("Int64")
    for col in ("valid_from", "valid_to"):
        zones[col] = pd.to_numeric(zones[col], errors="coerce").astype("Int64")
    zones["on_map"] = zones["on_map"].astype(bool)
    folder = OFFICIAL_ZONES_DIR if official_dir is None else official_dir
    if folder.exists():
        for path in sorted(folder.glob("*.geojson")):
            zid = path.stem
            if zid not in set(zones.zone_id):
                raise ProvenanceError(f"{path.name}: no zone with id {zid!r}")
            meta = read_meta(path)
            official = gpd.read_file(path).to_crs(4326)
            idx = zones.index[zones.zone_id == zid][0]
            zones.loc[idx, "geometry"] = official.geometry.union_all()
            zones.loc[idx, "geometry_quality"] = "official"
            zones.loc[idx, "geometry_note"] = f"official outline: {meta.title} ({meta.source_url})"
    return with_source_kind(zones)


def _apply_zone_upgrades(zones: gpd.GeoDataFrame) -> None:
    """Cite the stronger page where source_upgrades.csv has the same zone area on one (agrees=yes).

    The weaker page stays named in ``source_note``; a conflicting page (agrees=no) changes nothing
    here: the Sources page shows both values.
    """
    up = read_source_upgrades()
    up = up[(up.file == "zones/zones.csv") & (up.agrees == "yes")]
    for r in up.itertuples():
        hit = zones.index[zones.zone_id == r.row_key]
        if len(hit):
            i = hit[0]
            zones.loc[i, "source_note"] = (f"{r.new_title} ({r.new_date}): \u201c{r.quote}\u201d — also: "
                                           f"{zones.loc[i, 'source_url']} ({zones.loc[i, 'source_note']})")
            zones.loc[i, "source_url"] = r.new_url


def read_demo_proxy() -> pd.DataFrame:
    """Return the proxy the demo series is spread by (GDP per resident by district, with sources)."""
    return with_source_kind(read_dataset("demo_proxy"))


def read_source_upgrades() -> pd.DataFrame:
    """Return the stronger pages found for weakly sourced figures (``agrees=no``: a conflict to show)."""
    return read_dataset("source_upgrades").fillna("")


def read_district_figures() -> pd.DataFrame:
    """Return the district and zone figures of the second search, as published (value is text)."""
    df = pd.read_csv(DATASETS["district_and_zone_source"].path, dtype=str, keep_default_na=False)
    read_meta(DATASETS["district_and_zone_source"].path)
    return with_source_kind(df)


def read_designations() -> pd.DataFrame:
    """Return the national IP designations, one row per district (see scripts/build_designations.py)."""
    df = read_dataset("designations")
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    return with_source_kind(df)


def read_indicators(include_demo: bool = True) -> pd.DataFrame:
    """Return the long indicator table; with ``include_demo`` the demo district series is appended.

    Every row has ``status`` in official / derived / demo; demo rows never replace real ones.
    """
    frames = [read_dataset("indicators")]
    if include_demo:
        frames.append(read_dataset("demo_district_series"))
    df = pd.concat(frames, ignore_index=True)
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    df["primary"] = df["primary"].astype(str).str.lower().isin(["true", "1"])
    return with_source_kind(anchor_demo(df))


@dataclass(frozen=True)
class MapInputs:
    """The data every map, table and export is drawn from (all WGS-84), loaded once per process."""

    districts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    designations: pd.DataFrame
    indicators: pd.DataFrame


def read_inputs() -> MapInputs:
    """Return every shipped dataset as one :class:`MapInputs` (no imports applied)."""
    return MapInputs(read_districts(), read_zones(), read_regions(), read_designations(), read_indicators())
