"""Every shipped dataset against its spec in geo.data.DATASETS and its provenance sidecar.

In the manner of geodatasets/tests/test_data.py: the registry says what each file must look like,
and this walks the real files. The refusal tests copy a dataset to tmp_path, break the copy, point
the registry entry at it (monkeypatch) and check that loading raises ProvenanceError; shipped data
is never touched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

import geo.data
from geo.data.datasets import DATASETS, read_zones
from geo.data.provenance import REQUIRED_FIELDS, STATUSES, ProvenanceError, meta_path, read_meta

NAMES = sorted(DATASETS)
GEOJSON = [n for n in NAMES if DATASETS[n].kind == "geojson"]
SOURCED = [n for n in NAMES if DATASETS[n].sourced_rows]
GEOMETRY_QUALITIES = {"administrative", "schematic", "point", "none"}


def raw_frame(name: str) -> pd.DataFrame:
    """Read a shipped dataset straight from its file (no loader checks), codes as strings."""
    spec = DATASETS[name]
    if spec.kind == "geojson":
        return gpd.read_file(spec.path)
    return pd.read_csv(spec.path, dtype=str, keep_default_na=False)


def blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(str).str.strip().isin(["", "nan", "<NA>", "None"]))


# --- The walk over every shipped dataset ------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_file_and_sidecar_present_and_complete(name):
    spec = DATASETS[name]
    assert spec.path.is_file(), f"{spec.path} missing"
    side = meta_path(spec.path)
    assert side.is_file(), f"{side} missing"
    meta = json.loads(side.read_text(encoding="utf-8"))
    missing = [k for k in REQUIRED_FIELDS if meta.get(k) in (None, "", [])]
    assert not missing, f"{side.name} lacks {missing}"
    assert hashlib.sha256(spec.path.read_bytes()).hexdigest() == meta["sha256"]
    assert read_meta(spec.path).nrows == meta["nrows"]


@pytest.mark.parametrize("name", NAMES)
def test_columns_and_row_count_match_spec_and_sidecar(name):
    spec = DATASETS[name]
    meta = read_meta(spec.path)
    df = raw_frame(name)
    assert list(df.columns) == list(meta.columns), "sidecar columns differ from the file"
    assert [c for c in spec.columns if c not in df.columns] == []
    assert len(df) == meta.nrows
    assert len(df) >= spec.min_rows


@pytest.mark.parametrize("name", NAMES)
def test_loader_accepts_shipped_file(name):
    df = geo.data.read_dataset(name)
    assert df.attrs["provenance"].path == DATASETS[name].path
    assert len(df) == df.attrs["provenance"].nrows


@pytest.mark.parametrize("name", GEOJSON)
def test_geojson_crs_and_geometry_types(name):
    spec = DATASETS[name]
    df = gpd.read_file(spec.path)
    assert df.crs is not None and df.crs.to_epsg() == 4326
    meta = read_meta(spec.path)
    assert meta.extra.get("crs") == "EPSG:4326"
    present = df.geometry.notna() & ~df.geometry.is_empty
    types = set(df.geom_type[present])
    assert types <= set(spec.geometry_types), (
        f"{name}: geometry types {sorted(types - set(spec.geometry_types))} not allowed; offending rows: "
        f"{df.loc[present & ~df.geom_type.isin(spec.geometry_types)].iloc[:, 0].tolist()}")
    assert sorted(types) == sorted(meta.extra.get("geometry_type", [])), "sidecar geometry_type is stale"
    assert df.geometry[present].is_valid.all()
    lon_lat = shapely.bounds(df.geometry[present].to_numpy())
    assert (lon_lat[:, 0] > 110).all() and (lon_lat[:, 2] < 125).all(), "longitudes outside north China"
    assert (lon_lat[:, 1] > 35).all() and (lon_lat[:, 3] < 43).all(), "latitudes outside north China"


def test_only_zones_without_location_lack_geometry():
    zones = gpd.read_file(DATASETS["zones"].path)
    assert set(zones.geometry_quality) <= GEOMETRY_QUALITIES
    empty = zones.geometry.isna() | zones.geometry.is_empty
    assert set(zones.zone_id[empty]) == set(zones.zone_id[zones.geometry_quality == "none"])
    points = zones.geom_type == "Point"
    assert set(zones.zone_id[points]) == set(zones.zone_id[zones.geometry_quality == "point"])


def test_zone_records_complete():
    zones = gpd.read_file(DATASETS["zones"].path)
    for col in ("zone_id", "name_zh", "name_en", "kind", "geometry_quality", "source_url", "source_note"):
        assert not blank(zones[col]).any(), f"zones without {col}: {zones.zone_id[blank(zones[col])].tolist()}"
    assert zones.zone_id.is_unique
    needs_note = zones.geometry_quality.isin(["schematic", "point", "none"])
    assert not blank(zones.geometry_note[needs_note]).any(), "a schematic/point zone does not say how it was drawn"
    # schematic zones are drawn inside host districts, so they must name them
    schematic = zones.geometry_quality == "schematic"
    assert zones.zone_id[schematic & blank(zones.host_districts)].tolist() == []


@pytest.mark.parametrize("name", SOURCED)
def test_every_row_sourced_with_known_status(name):
    df = raw_frame(name)
    assert not blank(df["source_url"]).any(), f"{int(blank(df.source_url).sum())} rows without source_url"
    if "source_note" in df.columns:
        assert not blank(df["source_note"]).any()
    if "status" in df.columns:
        assert set(df["status"]) <= set(STATUSES)
        derived = df["status"] == "derived"
        if derived.any():
            assert "formula" in df.columns
            assert not blank(df.loc[derived, "formula"]).any(), "derived rows without a formula"


def test_schematic_anchors_explained():
    df = raw_frame("schematic_anchors")
    assert not blank(df["anchor_note"]).any()


# --- Refusal: a broken copy must not load -----------------------------------------------------


def copy_dataset(name: str, folder: Path) -> Path:
    """Copy a shipped dataset and its sidecar into ``folder``; return the copy's path."""
    src = DATASETS[name].path
    dst = folder / src.name
    shutil.copyfile(src, dst)
    shutil.copyfile(meta_path(src), meta_path(dst))
    dst.chmod(0o644)
    return dst


def point_registry_at(monkeypatch, name: str, path: Path) -> None:
    monkeypatch.setitem(DATASETS, name, dataclasses.replace(DATASETS[name], path=path))


def rewrite_meta(path: Path, **changes) -> None:
    side = meta_path(path)
    meta = json.loads(side.read_text(encoding="utf-8"))
    meta.update(changes)
    for key in [k for k, v in changes.items() if v is DELETE]:
        del meta[key]
    side.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def reseal(path: Path) -> None:
    """Update the copy's sidecar hash after an edit, so only the edited property is wrong."""
    rewrite_meta(path, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


DELETE = object()


@pytest.mark.parametrize("name", ["designations", "beijing_districts"])
def test_copy_loads_when_intact(tmp_path, monkeypatch, name):
    shipped_rows = read_meta(DATASETS[name].path).nrows
    point_registry_at(monkeypatch, name, copy_dataset(name, tmp_path))
    assert len(geo.data.read_dataset(name)) == shipped_rows


@pytest.mark.parametrize("name", ["indicators", "zones"])
def test_missing_sidecar_raises(tmp_path, monkeypatch, name):
    path = copy_dataset(name, tmp_path)
    meta_path(path).unlink()
    point_registry_at(monkeypatch, name, path)
    with pytest.raises(ProvenanceError, match="sidecar"):
        geo.data.read_dataset(name)


def test_missing_file_raises(tmp_path, monkeypatch):
    path = copy_dataset("designations", tmp_path)
    path.unlink()
    point_registry_at(monkeypatch, "designations", path)
    with pytest.raises(ProvenanceError, match="missing"):
        geo.data.read_designations()


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
@pytest.mark.parametrize("how", ["deleted", "empty"])
def test_incomplete_sidecar_raises(tmp_path, monkeypatch, field, how):
    path = copy_dataset("designations", tmp_path)
    rewrite_meta(path, **{field: DELETE if how == "deleted" else ""})
    point_registry_at(monkeypatch, "designations", path)
    with pytest.raises(ProvenanceError, match=field):
        geo.data.read_designations()


@pytest.mark.parametrize("name", ["indicators", "beijing_districts"])
def test_sha256_mismatch_raises(tmp_path, monkeypatch, name):
    path = copy_dataset(name, tmp_path)
    with path.open("ab") as fh:
        fh.write(b"\n")
    point_registry_at(monkeypatch, name, path)
    with pytest.raises(ProvenanceError, match="sha256"):
        geo.data.read_dataset(name)


def test_row_count_mismatch_raises(tmp_path, monkeypatch):
    path = copy_dataset("designations", tmp_path)
    rewrite_meta(path, nrows=DATASETS["designations"].path.read_text(encoding="utf-8").count("\n") + 5)
    point_registry_at(monkeypatch, "designations", path)
    with pytest.raises(ProvenanceError, match="rows"):
        geo.data.read_designations()


def test_missing_column_raises(tmp_path, monkeypatch):
    path = copy_dataset("designations", tmp_path)
    df = pd.read_csv(path, dtype=str).drop(columns="level")
    df.to_csv(path, index=False)
    reseal(path)
    point_registry_at(monkeypatch, "designations", path)
    with pytest.raises(ProvenanceError, match="level"):
        geo.data.read_designations()


@pytest.mark.parametrize("edit, message", [
    (lambda df: df.assign(source_url=["", *list(df.source_url[1:])]), "source_url"),
    (lambda df: df.assign(status=["rumour", *list(df.status[1:])]), "status"),
    (lambda df: df.assign(status=["derived", *list(df.status[1:])], formula=[""] * len(df)), "formula"),
])
def test_unsourced_rows_raise(tmp_path, monkeypatch, edit, message):
    path = copy_dataset("indicators", tmp_path)
    df = edit(pd.read_csv(path, dtype=str, keep_default_na=False))
    df.to_csv(path, index=False, lineterminator="\n")
    reseal(path)
    point_registry_at(monkeypatch, "indicators", path)
    with pytest.raises(ProvenanceError, match=message):
        geo.data.read_indicators(include_demo=False)


def test_wrong_crs_raises(tmp_path, monkeypatch):
    path = copy_dataset("beijing_districts", tmp_path)
    gpd.read_file(path).to_crs(3857).to_file(path, driver="GeoJSON")
    reseal(path)
    point_registry_at(monkeypatch, "beijing_districts", path)
    with pytest.raises(ProvenanceError, match="4326"):
        geo.data.read_districts()


# --- Official outlines replace schematic ones -------------------------------------------------


def write_official(folder: Path, zone_id: str, geom, **meta) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{zone_id}.geojson"
    gpd.GeoDataFrame({"name": [zone_id]}, geometry=[geom], crs=4326).to_file(path, driver="GeoJSON")
    record = {"title": f"official outline of {zone_id}", "producer": "test", "source_url": "https://example.org/plan",
              "licence": "test", "script": "tests/test_data.py", "date_built": "2025-01-01", "status": "official",
              "nrows": 1, "columns": ["name", "geometry"], "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    record.update(meta)
    meta_path(path).write_text(json.dumps(record), encoding="utf-8")
    return path


def test_official_outline_replaces_schematic(tmp_path):
    outline = box(116.30, 40.09, 116.45, 40.15)
    write_official(tmp_path / "official", "sc_future", outline)
    before = read_zones(official_dir=tmp_path / "nothing_here").set_index("zone_id")
    after = read_zones(official_dir=tmp_path / "official").set_index("zone_id")
    assert before.loc["sc_future", "geometry_quality"] == "schematic"
    assert after.loc["sc_future", "geometry_quality"] == "official"
    assert after.loc["sc_future", "geometry"].equals(outline)
    assert "https://example.org/plan" in after.loc["sc_future", "geometry_note"]
    others = after.index != "sc_future"
    assert (after.geometry_quality[others] == before.geometry_quality[others]).all()
    assert after.geometry[others].geom_equals(before.geometry[others]).where(before.geometry[others].notna(),
                                                                             True).all()


def test_official_outline_without_sidecar_raises(tmp_path):
    path = write_official(tmp_path, "sc_future", box(116.30, 40.09, 116.45, 40.15))
    meta_path(path).unlink()
    with pytest.raises(ProvenanceError):
        read_zones(official_dir=tmp_path)


def test_official_outline_for_unknown_zone_raises(tmp_path):
    write_official(tmp_path, "no_such_zone", box(116.30, 40.09, 116.45, 40.15))
    with pytest.raises(ProvenanceError, match="no_such_zone"):
        read_zones(official_dir=tmp_path)


def test_shipped_official_folder_holds_only_sourced_outlines():
    folder = geo.data.OFFICIAL_ZONES_DIR
    for path in sorted(folder.glob("*.geojson")) if folder.exists() else []:
        read_meta(path)
