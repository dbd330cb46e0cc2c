"""geo.imports.store: revisions, exact roll back, atomic writes, the overlay the app shows, and PostgreSQL.

The same tests run against SQLite (a temp file) and a real PostgreSQL server that this module
starts itself from Debian's binaries in a temp directory (``deploy.postgres.LocalPostgres``, as
the ``postgres`` user when run as root); they are skipped, with the reason, only where no server
can start.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from common_import import COVER, SOURCE, counts, csv_bytes, editor, long_rows, workbook, xlsx, yearbook_rows

import geo.imports.store as store_mod
from deploy.postgres import LocalPostgres, PostgresUnavailable
from geo.data import read_districts, read_zones
from geo.data.datasets import read_indicators
from geo.data.indicators import district_values, primary_rows
from geo.data.names import BEIJING_DISTRICTS
from geo.imports.parse import Source, parse_upload
from geo.imports.store import Store, StoreError, default_url, overlay, overlay_boundaries, preview_changes

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------- servers

@pytest.fixture(scope="module")
def postgres_url():
    """Start a throwaway PostgreSQL server (deploy.postgres: Debian's binaries, as ``./atlas serve`` does);
    yield its SQLAlchemy URL; stop and delete it afterwards."""
    base = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    try:
        server = LocalPostgres(base, database="postgres", fsync=False)
        server.start()
    except PostgresUnavailable as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(str(exc))
    try:
        yield server.url()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty store on each backend."""
    if request.param == "sqlite":
        yield Store(f"sqlite:///{tmp_path / 'atlas.sqlite'}")
        return
    url = request.getfixturevalue("postgres_url")
    s = Store(url)
    yield s
    with s.engine.begin() as conn:  # leave the shared server empty for the next test
        conn.exec_driver_sql("DROP TABLE atlas_boundaries; DROP TABLE atlas_rows; DROP TABLE atlas_revisions; "
                             "DROP TABLE atlas_meta")
    s.engine.dispose()


def _import(store: Store, content: bytes, name: str, source: Source = SOURCE, who: str = "tester"):
    result, rev = store.import_upload(content, name, source, editor(who))
    assert rev is not None, [str(i) for i in result.issues]
    return rev


def _values(df: pd.DataFrame) -> dict[tuple, float]:
    return {(r.region_code, int(r.year), r.indicator, r.status): float(r.value) for r in df.itertuples()}


# ------------------------------------------------------------------------------------------- tests

def test_empty_store(store):
    assert store.current_revision_id() == 0
    assert store.revisions() == []
    assert store.current_rows().empty
    assert list(store.current_rows().columns) == list(store_mod.ROW_COLUMNS)


def test_every_import_is_a_revision_with_who_when_source(store):
    r1 = _import(store, csv_bytes(long_rows(2022)), "long.csv")
    r2 = _import(store, xlsx(yearbook_rows(2023)), "8-10.xlsx", who="王规划")
    assert (r1.id, r2.id) == (1, 2) and store.current_revision_id() == 2
    revs = store.revisions()
    assert [r.id for r in revs] == [2, 1]
    assert revs[0].author == "王规划" and revs[0].source_title == SOURCE.title and revs[0].source_url == SOURCE.url
    assert revs[0].source_table == SOURCE.table and revs[0].filename == "8-10.xlsx" and revs[0].action == "import"
    assert revs[0].created_at.startswith("20") and "T" in revs[0].created_at
    current = store.current_rows()
    assert set(current.year) == {2022, 2023}  # the second import adds to the first
    assert revs[0].row_count == len(current) and revs[1].row_count == len(store.rows_at(1))


def test_reimport_replaces_same_region_year_indicator(store):
    _import(store, csv_bytes(long_rows(2022)), "a.csv")
    rows = long_rows(2022)
    rows[6][3] = 123456  # 海淀 (row 7 = 110108)
    _import(store, csv_bytes(rows), "b.csv")
    current = store.current_rows()
    hd = current[(current.region_code == "110108") & (current.indicator == "invention_patents_in_force")]
    assert len(hd) == 1 and hd.value.iloc[0] == 123456
    assert len(current) == len(store.rows_at(1))


def test_rollback_restores_previous_values_exactly(store):
    _import(store, csv_bytes(long_rows(2022)), "a.csv")
    before = store.current_rows()
    rows = long_rows(2022)
    for r in rows[1:]:
        r[3] = int(r[3]) + 7
    _import(store, csv_bytes(rows), "b.csv")
    assert _values(store.current_rows()) != _values(before)

    rev = store.rollback(1, editor("李回滚"))
    assert rev.id == 3 and rev.action == "rollback" and rev.target == 1 and rev.author == "李回滚"
    pd.testing.assert_frame_equal(store.current_rows(), before)
    # nothing was deleted: revision 2 can still be restored
    assert [r.id for r in store.revisions()] == [3, 2, 1]
    store.rollback(2, editor("李回滚"))
    pd.testing.assert_frame_equal(store.current_rows(), store.rows_at(2))
    store.rollback(0, editor("李回滚"))
    assert store.current_rows().empty and store.current_revision_id() == 5


def test_failed_write_leaves_previous_state(store, monkeypatch):
    _import(store, csv_bytes(long_rows(2022)), "a.csv")
    before = store.current_rows()
    real = store_mod._insert_rows

    def half_then_fail(conn, rev_id, rows):
        real(conn, rev_id, rows.iloc[: len(rows) // 2])
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(store_mod, "_insert_rows", half_then_fail)
    result = parse_upload(xlsx(yearbook_rows(2023)), "b.xlsx", SOURCE)
    with pytest.raises(OSError, match="simulated"):
        store.save_import(result.rows, SOURCE, editor("tester"), "b.xlsx")
    with pytest.raises(OSError):
        store.rollback(0, editor("tester"))
    monkeypatch.undo()
    assert store.current_revision_id() == 1 and len(store.revisions()) == 1
    pd.testing.assert_frame_equal(store.current_rows(), before)
    with store.engine.connect() as conn:  # no orphan rows of the failed revision either
        assert conn.exec_driver_sql("SELECT count(*) FROM atlas_rows").scalar() == len(before)


@pytest.mark.parametrize("bad", ["no-author", "no-title", "no-url", "js-url", "demo-rows", "no-url-rows", "empty",
                                 "duplicates", "missing-revision"])
def test_refused_writes_change_nothing(store, bad):
    _import(store, csv_bytes(long_rows(2022)), "a.csv")
    before = store.current_rows()
    rows = parse_upload(xlsx(yearbook_rows(2023)), "b.xlsx", SOURCE).rows
    source, who = SOURCE, "tester"
    if bad == "no-author":
        who = "  "
    elif bad == "no-title":
        source = Source("", SOURCE.url)
    elif bad == "no-url":
        source = Source(SOURCE.title, "")
    elif bad == "js-url":
        source = Source(SOURCE.title, "javascript:alert(1)")
    elif bad == "demo-rows":
        rows = rows.assign(status="demo")
    elif bad == "no-url-rows":
        rows = rows.assign(source_url="")
    elif bad == "empty":
        rows = rows.iloc[:0]
    elif bad == "duplicates":
        rows = pd.concat([rows, rows.iloc[:1]])
    with pytest.raises(StoreError):
        if bad == "missing-revision":
            store.rollback(99, editor("tester"))
        else:
            store.save_import(rows, source, editor(who), "b.xlsx")
    assert store.current_revision_id() == 1
    pd.testing.assert_frame_equal(store.current_rows(), before)


def test_default_url_follows_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    monkeypatch.setenv("ATLAS_VAR_DIR", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    monkeypatch.setenv("ATLAS_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"


# ------------------------------------------------------------------------------------------- overlay

@pytest.fixture(scope="module")
def shipped():
    return read_indicators()


def test_overlay_imported_official_replaces_demo(shipped):
    result = parse_upload(xlsx(yearbook_rows(2023)), "8-10.xlsx", SOURCE)
    before = district_values(shipped, "invention_patents_per_10k", 2023)
    assert set(before.status) == {"demo"}
    table = overlay(shipped, result.rows)
    after = district_values(table, "invention_patents_per_10k", 2023)
    assert set(after.status) == {"official"}
    assert after.set_index("region_code").at["110108", "value"] == pytest.approx(60.3 + 37.5 * 5)
    assert (after.source_url == SOURCE.url).all()
    # no demo row is left for those districts and that year; other years keep theirs
    d23 = table[(table.year == 2023) & table.region_code.isin(list(BEIJING_DISTRICTS))]
    assert not (d23.status == "demo").any()
    assert set(district_values(table, "invention_patents_per_10k", 2022).status) == {"demo"}
    # the city's shipped official figure stays as an alternative source but the imported one is primary
    city = primary_rows(table[(table.region_code == "110000") & (table.year == 2023)
                              & (table.indicator == "invention_patents_per_10k")])
    assert len(city) == 1 and city.value.iloc[0] == 200.0 and bool(city.imported.iloc[0])
    shipped_city = table[(table.region_code == "110000") & (table.year == 2023)
                         & (table.indicator == "invention_patents_per_10k") & ~table.imported.astype(bool)]
    assert len(shipped_city) >= 1 and not shipped_city.primary.any()
    assert len(overlay(shipped, result.rows.iloc[:0])) == len(shipped)


def test_overlay_derived_beats_demo(shipped):
    result = parse_upload(csv_bytes(long_rows(2022)), "long.csv", SOURCE)
    after = district_values(overlay(shipped, result.rows), "invention_patents_per_10k", 2022)
    assert set(after.status) == {"derived"} and all(after.formula.str.contains("2020 census"))


def test_preview_counts_new_changed_unchanged(shipped):
    result = parse_upload(xlsx(yearbook_rows(2023)), "8-10.xlsx", SOURCE)
    preview = preview_changes(shipped, result.rows)
    counts = preview.change.value_counts().to_dict()
    # 16 district counts are new; 16 demo per-10k change; the city per-10k, the city count (全市 row)
    # and E-Town's count differ from published official figures of other sources: conflicts
    assert counts == {"new": 16, "changed": 16, "conflict": 3}
    conflicts = preview[preview.change == "conflict"]
    assert set(conflicts.region_code) == {"110000", "BDA"} and conflicts.old_source_url.str.startswith("http").all()
    demo = preview[(preview.region_code == "110108") & (preview.indicator == "invention_patents_per_10k")].iloc[0]
    assert demo.old_status == "demo" and demo.new_status == "official" and demo.change == "changed"
    again = preview_changes(overlay(shipped, result.rows), result.rows)
    assert set(again.change) == {"unchanged"}


# ------------------------------------------------------------------------------------------- CLI

def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.import_cli", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120)


def test_cli_dry_run_save_list_rollback(tmp_path):
    env = {"ATLAS_VAR_DIR": str(tmp_path / "var"), "ATLAS_DATABASE_URL": ""}
    f = tmp_path / "8-10.xlsx"
    f.write_bytes(xlsx(yearbook_rows(2023)))
    src = ["--source-title", SOURCE.title, "--source-table", SOURCE.table, "--source-url", SOURCE.url]
    missing = _cli(str(f), "--source-title", SOURCE.title, env=env)
    assert missing.returncode == 1 and "缺少来源网址" in missing.stderr and "Missing source URL" in missing.stderr
    dry = _cli(str(f), *src, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "16 new · 16 changed · 0 unchanged · 3 conflicts" in dry.stdout and "Dry run" in dry.stdout
    store = Store(f"sqlite:///{tmp_path / 'var' / 'atlas.sqlite'}")
    assert store.current_revision_id() == 0
    refused = _cli(str(f), *src, env=env)  # conflicts and no choice: nothing saved
    assert refused.returncode == 1 and "--on-conflict" in refused.stderr and store.current_revision_id() == 0
    saved = _cli(str(f), *src, "--on-conflict", "keep", env=env)
    assert saved.returncode == 0 and "Saved as revision 1: 32 values" in saved.stdout, saved.stderr
    rev = store.revisions()[0]
    assert store.current_revision_id() == 1
    # the CLI acts as the OS user running it: recorded with its role and how, with the file's name and SHA-256
    me = f"os:{getpass.getuser()}"
    assert (rev.author, rev.author_role, rev.author_via) == (me, "editor", "cli")
    assert rev.filename == "8-10.xlsx" and rev.file_sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    back = _cli("--rollback", "0", env=env)
    assert back.returncode == 0 and store.current_rows().empty
    assert (store.revisions()[0].author, store.revisions()[0].author_via) == (me, "cli")
    listed = _cli("--list", "--lang", "en", env=env)
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("Revision 2 · ") and f"{me} (editor · command line, OS user)" in lines[0]
    assert "roll back to revision 0" in lines[0] and "file: —" in lines[0]
    assert lines[1].startswith("Revision 1 · ") and f"{me} (editor · command line, OS user)" in lines[1]
    assert f"file: 8-10.xlsx · sha256 {rev.file_sha256[:12]}" in lines[1] and SOURCE.title in lines[1]
    assert rev.created_at.replace("T", " ") in lines[1]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x81\x20\xff\xfe")
    refused = _cli(str(bad), *src, env=env)
    assert refused.returncode == 1 and "GBK" in refused.stderr and store.current_revision_id() == 2


# ------------------------------------------------------------------ readers during an import commit

def _revision_rows(k: int) -> pd.DataFrame:
    """160 official rows (16 districts × 10 years), every value ``k``: one revision is one value."""
    return pd.DataFrame([{
        "region_code": code, "region_name_zh": zh, "year": year, "as_of": "", "indicator": "invention_patents_in_force",
        "value": float(k), "unit": "件", "status": "official", "source_value": str(k), "source_unit": "件",
        "source_url": SOURCE.url, "source_note": f"revision {k}", "formula": "", "primary": True,
    } for code, (zh, _en) in BEIJING_DISTRICTS.items() for year in range(2015, 2025)])


def test_readers_never_see_half_an_import(store):
    """Readers polling while imports commit see all 160 rows of one revision, never a mix, never going back."""
    import threading

    store.save_import(_revision_rows(1), SOURCE, editor("writer"))
    done = threading.Event()
    seen: list[list[tuple[int, int, int]]] = [[] for _ in range(3)]
    errors: list[BaseException] = []

    def read(i: int) -> None:
        try:
            while True:
                finished = done.is_set()  # set after the last commit: the read below must see it
                df = store.current_rows()
                seen[i].append((len(df), int(df["value"].min()), int(df["value"].max())))
                if finished and len(seen[i]) >= 3:
                    return
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=read, args=(i,)) for i in range(3)]
    for r in readers:
        r.start()
    for k in range(2, 10):
        store.save_import(_revision_rows(k), SOURCE, editor("writer"))
    done.set()
    for r in readers:
        r.join(timeout=120)
    assert not errors, errors
    assert not any(r.is_alive() for r in readers)
    for reads in seen:
        assert reads and all(n == 160 and lo == hi for n, lo, hi in reads), reads[:5]
        values = [lo for _n, lo, _hi in reads]
        assert values == sorted(values)  # never an older revision after a newer one
        assert values[-1] == 9
    assert store.current_revision_id() == 9


def test_cli_finds_the_data_sheet_names_it_and_takes_sheet(tmp_path):
    env = {"ATLAS_VAR_DIR": str(tmp_path / "var"), "ATLAS_DATABASE_URL": ""}
    rows = yearbook_rows(2022)
    rows[6][1] = "abc"  # 西城 2022: not a number
    f = tmp_path / "年鉴.xlsx"
    f.write_bytes(workbook({"封面": COVER, "2023": yearbook_rows(2023), "2022": rows}))
    src = ["--source-title", SOURCE.title, "--source-url", SOURCE.url, "--dry-run", "--lang", "en"]
    auto = _cli(str(f), *src, env=env)
    assert auto.returncode == 0, auto.stderr
    assert "Sheet “2023” read as yearbook layout" in auto.stdout and "read “2023”" in auto.stderr
    picked = _cli(str(f), *src, "--sheet", "2022", env=env)
    assert picked.returncode == 1
    assert "error: sheet “2022”, row 7, column B (“有效发明专利(件)”): “abc” is not a number." in picked.stderr
    missing = _cli(str(f), *src, "--sheet", "Sheet9", env=env)
    assert missing.returncode == 1 and "no sheet named “Sheet9” (it has: 封面、2023、2022)" in missing.stderr


def test_cli_states_the_real_size_of_a_large_file(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:  # a sparse 52 MB file: nothing is written to disk
        fh.truncate(52 * 2**20)
    out = _cli(str(big), "--source-title", SOURCE.title, "--source-url", SOURCE.url, "--dry-run",
               env={"ATLAS_VAR_DIR": str(tmp_path / "var"), "ATLAS_DATABASE_URL": ""})
    assert out.returncode == 1
    assert "54.5 MB (54,525,952 bytes)" in out.stderr  # the real size (MB = 10⁶ bytes, as the page counts)
    assert "10 MB (10,000,000 bytes)" in out.stderr  # and the limit


def test_conflict_with_an_official_figure_needs_a_choice_recorded_in_the_revision(store, shipped):
    import json

    result = parse_upload(xlsx(yearbook_rows(2023)), "8-10.xlsx", SOURCE)
    with pytest.raises(StoreError, match="keep / replace"):
        store.save_import(result.rows, SOURCE, editor("planner"), shown=shipped)
    assert store.current_revision_id() == 0  # nothing saved until chosen
    key = ("110000", 2023, "invention_patents_in_force")
    others = {("110000", 2023, "invention_patents_per_10k"): "keep", ("BDA", 2023, "invention_patents_in_force"): "keep"}
    with pytest.raises(StoreError):
        store.save_import(result.rows, SOURCE, editor("planner"), shown=shipped, decisions=others)  # one still open
    rev = store.save_import(result.rows, SOURCE, editor("planner"), shown=shipped, decisions={key: "keep", **others})
    shown = primary_rows(overlay(shipped, store.current_rows())).set_index(["region_code", "year", "indicator"])
    assert shown.loc[key, "value"] == 574000 and shown.loc[key, "source_kind"] == "government"  # kept
    recorded = json.loads(store.revisions()[0].decisions)
    assert rev.imported_rows == 32 and {tuple(d["key"]) for d in recorded} == {key, *others}
    assert {d["choice"] for d in recorded} == {"keep"}
    store.save_import(result.rows, SOURCE, editor("planner"), shown=overlay(shipped, store.current_rows()),
                      decisions={key: "replace", **others})
    shown = primary_rows(overlay(shipped, store.current_rows())).set_index(["region_code", "year", "indicator"])
    assert shown.loc[key, "value"] == sum(counts().values())  # replaced, by choice


def _total_541k_rows() -> list[list[object]]:
    """A yearbook table with a 年份 column whose 合计 row for 2023 is 541,000 (the districts add up to it)."""
    c = counts(541_000 / sum(counts().values()))
    c["110119"] += 541_000 - sum(c.values())
    rows: list[list[object]] = [["各区县有效发明专利情况"], ["年份", "地区", "有效发明专利(件)"], [2023, "合计", 541_000]]
    rows += [[2023, zh, c[code]] for code, (zh, _en) in BEIJING_DISTRICTS.items()]
    return rows


def test_total_row_conflicting_with_the_published_figure_needs_a_choice(store, shipped):
    """合计 541,000 against Beijing's published 574,000 (2023): a conflict in the preview, nothing saved unchosen."""
    result = parse_upload(csv_bytes(_total_541k_rows()), "合计.csv", SOURCE)
    assert result.ok, [str(i) for i in result.issues]
    key = ("110000", 2023, "invention_patents_in_force")
    preview = preview_changes(shipped, result.rows).set_index(["region_code", "year", "indicator"])
    assert preview.loc[key, "change"] == "conflict"
    assert (preview.loc[key, "old_value"], preview.loc[key, "new_value"]) == (574_000, 541_000)
    assert (preview.change == "conflict").sum() == 1  # the districts are new, only the total conflicts
    with pytest.raises(StoreError, match="keep / replace"):
        store.save_import(result.rows, SOURCE, editor("planner"), shown=shipped)
    assert store.current_revision_id() == 0 and store.current_rows().empty
    store.save_import(result.rows, SOURCE, editor("planner"), shown=shipped, decisions={key: "keep"})
    shown = primary_rows(overlay(shipped, store.current_rows())).set_index(["region_code", "year", "indicator"])
    assert shown.loc[key, "value"] == 574_000 and shown.loc[("110108", 2023, "invention_patents_in_force"), "status"] \
        == "official"


def test_cli_total_row_conflict_is_listed_and_refused_until_chosen(tmp_path):
    env = {"ATLAS_VAR_DIR": str(tmp_path / "var"), "ATLAS_DATABASE_URL": ""}
    f = tmp_path / "合计.csv"
    f.write_bytes(csv_bytes(_total_541k_rows()))
    src = ["--source-title", SOURCE.title, "--source-url", SOURCE.url, "--lang", "en"]
    dry = _cli(str(f), *src, "--dry-run", env=env)
    assert "110000 2023 invention_patents_in_force: 574000 (official) -> 541000 (official)  [conflict]" in dry.stdout
    refused = _cli(str(f), *src, env=env)
    assert refused.returncode == 1 and "1 value differs from a published official figure" in refused.stderr
    store = Store(f"sqlite:///{tmp_path / 'var' / 'atlas.sqlite'}")
    assert store.current_revision_id() == 0
    saved = _cli(str(f), *src, "--on-conflict", "replace", env=env)
    assert saved.returncode == 0, saved.stderr
    rows = store.current_rows().set_index(["region_code", "year", "indicator"])
    assert rows.loc[("110000", 2023, "invention_patents_in_force"), "value"] == 541_000
    assert '"choice": "replace"' in store.revisions()[0].decisions


# ------------------------------------------------------------------ zone outlines

#: A checked outline for ZGC Dongcheng Park (a box inside 东城区, far from its borders).
OUTLINE_ZONE = "zgc_dongcheng"
OUTLINE_SOURCE = Source("北京市规划和自然资源委员会 中关村东城园四至范围", "https://ghzrzyw.beijing.gov.cn/", "附图1")


@pytest.fixture(scope="module")
def outline():
    import json

    from shapely.geometry import box, mapping

    from geo.imports.boundaries import validate_boundary

    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": mapping(box(116.405, 39.925, 116.425, 39.945))}]}
    checked = validate_boundary(json.dumps(doc).encode(), "dongcheng-park.geojson", OUTLINE_ZONE,
                                districts=read_districts(), zone_ids=read_zones().zone_id)
    assert checked.ok, [str(i) for i in checked.issues]
    return checked


@pytest.fixture(scope="module")
def shipped_zones():
    from geo.data.datasets import read_zones

    return read_zones()


def _quality(zones: pd.DataFrame, zone_id: str = OUTLINE_ZONE) -> str:
    return str(zones.set_index("zone_id").at[zone_id, "geometry_quality"])


def test_outline_is_a_revision_drawn_official_and_rolled_back(store, outline, shipped_zones):
    assert _quality(shipped_zones) == "schematic"
    _import(store, csv_bytes(long_rows(2022)), "a.csv")  # revision 1: figures only
    rows_before = store.current_rows()
    rev = store.save_boundary(outline.geometry, OUTLINE_ZONE, OUTLINE_SOURCE, editor("测绘科"), "dongcheng-park.geojson",
                              area_km2=outline.area_km2)
    assert rev.id == 2 and rev.action == "boundary" and rev.author == "测绘科" and rev.imported_rows == 0
    assert rev.source_url == OUTLINE_SOURCE.url and rev.filename == "dongcheng-park.geojson"
    listed = store.revisions()
    assert [(r.id, r.action) for r in listed] == [(2, "boundary"), (1, "import")]
    assert store.boundary_zones() == {2: OUTLINE_ZONE}
    pd.testing.assert_frame_equal(store.current_rows(), rows_before)  # the figures are untouched

    stored = store.current_boundaries()
    assert list(stored.zone_id) == [OUTLINE_ZONE] and int(stored.revision_id.iloc[0]) == 2
    assert stored.author.iloc[0] == "测绘科" and stored.created_at.iloc[0] == rev.created_at
    zones = overlay_boundaries(shipped_zones, stored)
    z = zones.set_index("zone_id").loc[OUTLINE_ZONE]
    assert z.geometry_quality == "official" and z.geometry.equals(outline.geometry)
    assert OUTLINE_SOURCE.url in z.geometry_note and "revision 2" in z.geometry_note
    assert _quality(shipped_zones) == "schematic"  # the input is not changed
    others = zones[zones.zone_id != OUTLINE_ZONE]
    assert (others.geometry_quality.to_numpy() == shipped_zones[shipped_zones.zone_id != OUTLINE_ZONE]
            .geometry_quality.to_numpy()).all()

    # a figure import later keeps the outline; rolling back to before the outline makes it schematic again
    _import(store, xlsx(yearbook_rows(2023)), "b.xlsx")
    assert list(store.current_boundaries().zone_id) == [OUTLINE_ZONE]
    back = store.rollback(1, editor("李回滚"))
    assert store.current_boundaries().empty
    assert _quality(overlay_boundaries(shipped_zones, store.current_boundaries())) == "schematic"
    pd.testing.assert_frame_equal(store.current_rows(), rows_before)
    # append-only: the outline's revision can be restored, and nothing was deleted
    store.rollback(3, editor("李回滚"))
    assert _quality(overlay_boundaries(shipped_zones, store.current_boundaries())) == "official"
    assert [r.id for r in store.revisions()] == [back.id + 1, back.id, 3, 2, 1]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM atlas_boundaries").scalar() == 1


def test_a_newer_outline_replaces_the_older_and_rollback_restores_it(store, outline):
    from shapely.geometry import box

    store.save_boundary(outline.geometry, OUTLINE_ZONE, OUTLINE_SOURCE, editor("a"))
    smaller = box(116.41, 39.93, 116.42, 39.94)
    store.save_boundary(smaller, OUTLINE_ZONE, OUTLINE_SOURCE, editor("b"))
    current = store.current_boundaries()
    assert len(current) == 1 and int(current.revision_id.iloc[0]) == 2 and current.author.iloc[0] == "b"
    assert float(current.area_km2.iloc[0]) == pytest.approx(0.94, rel=0.05)  # computed when not given
    store.rollback(1, editor("c"))
    assert store.current_boundaries().author.iloc[0] == "a"


@pytest.mark.parametrize("bad", ["no-author", "no-source-url", "no-zone", "point", "invalid", "projected"])
def test_refused_outlines_change_nothing(store, outline, bad):
    from shapely.geometry import Point, Polygon

    geom, zone, source, who = outline.geometry, OUTLINE_ZONE, OUTLINE_SOURCE, "tester"
    if bad == "no-author":
        who = " "
    elif bad == "no-source-url":
        source = Source(OUTLINE_SOURCE.title, "")
    elif bad == "no-zone":
        zone = ""
    elif bad == "point":
        geom = Point(116.41, 39.93)
    elif bad == "invalid":
        geom = Polygon([(116.3, 39.9), (116.4, 40.0), (116.4, 39.9), (116.3, 40.0), (116.3, 39.9)])
    elif bad == "projected":
        geom = Polygon([(440000, 4420000), (441000, 4420000), (441000, 4421000), (440000, 4420000)])
    with pytest.raises(StoreError):
        store.save_boundary(geom, zone, source, editor(who))
    assert store.current_revision_id() == 0 and store.current_boundaries().empty


def test_existing_database_gains_the_outline_table(tmp_path):
    """A database made before outlines were stored (no atlas_boundaries) is opened and extended, data kept."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = Store(url)
    _import(old, csv_bytes(long_rows(2022)), "a.csv")
    with old.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE atlas_boundaries")
    old.engine.dispose()
    assert "atlas_boundaries" not in sa.inspect(sa.create_engine(url)).get_table_names()
    reopened = Store(url)
    assert "atlas_boundaries" in sa.inspect(reopened.engine).get_table_names()
    assert reopened.current_revision_id() == 1 and len(reopened.current_rows()) == 32
    assert reopened.current_boundaries().empty


# ------------------------------------------------------------------ who may write; the audit trail

def _snapshot_tables(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table of the store, sorted (to compare two states exactly)."""
    import sqlalchemy as sa

    out = {}
    with store.engine.connect() as conn:
        for name in sorted(sa.inspect(conn).get_table_names()):
            rows = conn.exec_driver_sql(f'SELECT * FROM "{name}"').all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


@pytest.mark.parametrize("who", ["anonymous", "viewer", "not-an-actor"])
def test_a_viewer_or_anonymous_actor_changes_nothing(store, outline, who):
    """Every writer checks the role before any work: NotAllowed, and every table is as it was (on SQLite: the file too)."""
    from geo.access import ANONYMOUS, Actor, NotAllowed

    _import(store, csv_bytes(long_rows(2022)), "a.csv")
    store.save_boundary(outline.geometry, OUTLINE_ZONE, OUTLINE_SOURCE, editor("测绘科"))
    actor = {"anonymous": ANONYMOUS, "viewer": Actor("ann@office", "viewer", "oidc"), "not-an-actor": "王规划"}[who]
    before = _snapshot_tables(store)
    path = store.engine.url.database if store.engine.dialect.name == "sqlite" else None
    file_before = Path(path).read_bytes() if path else b""
    rows = parse_upload(xlsx(yearbook_rows(2023)), "b.xlsx", SOURCE).rows
    attempts = [
        lambda: store.import_upload(xlsx(yearbook_rows(2023)), "b.xlsx", SOURCE, actor),
        lambda: store.save_import(rows, SOURCE, actor, "b.xlsx"),
        lambda: store.save_boundary(outline.geometry, OUTLINE_ZONE, OUTLINE_SOURCE, actor),
        lambda: store.rollback(0, actor),
        lambda: store.rollback(1, actor),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match="only an editor may change the figures"):
            attempt()
    assert _snapshot_tables(store) == before
    if path:
        assert Path(path).read_bytes() == file_before


def test_revisions_record_identity_role_via_file_and_sha256(store, outline):
    from geo.access import Actor

    content = xlsx(yearbook_rows(2023))
    _, r1 = store.import_upload(content, "8-10.xlsx", SOURCE, Actor("wang@bj.gov.cn", "editor", "oidc"))
    geojson = b'{"type": "Polygon"}'  # the bytes as uploaded (the checked geometry is passed separately)
    r2 = store.save_boundary(outline.geometry, OUTLINE_ZONE, OUTLINE_SOURCE, Actor("li", "admin", "password"),
                             "东城园.geojson", content=geojson)
    r3 = store.rollback(1, Actor("os:zhao", "editor", "cli"))
    assert r1 is not None
    listed = {r.id: r for r in store.revisions()}
    assert listed[r1.id] == r1 and listed[r2.id] == r2 and listed[r3.id] == r3  # as written, as read back
    assert (r1.author, r1.author_role, r1.author_via) == ("wang@bj.gov.cn", "editor", "oidc")
    assert r1.filename == "8-10.xlsx" and r1.file_sha256 == hashlib.sha256(content).hexdigest()
    assert (r2.author, r2.author_role, r2.author_via) == ("li", "admin", "password")
    assert r2.filename == "东城园.geojson" and r2.file_sha256 == hashlib.sha256(geojson).hexdigest()
    assert (r3.author, r3.author_role, r3.author_via, r3.filename, r3.file_sha256) == ("os:zhao", "editor", "cli",
                                                                                       "", "")
    assert r1.created_at <= r2.created_at <= r3.created_at and r3.created_at.endswith("+00:00")


def test_revisions_html_shows_who_role_file_and_short_sha(store):
    from geo.imports.report import revisions_html

    content = csv_bytes(long_rows(2022))
    store.import_upload(content, "<b>a</b>.csv", SOURCE, editor("wang@bj.gov.cn"))
    store.rollback(0, editor("wang@bj.gov.cn"))
    html = revisions_html(store.revisions(), "zh")
    digest = hashlib.sha256(content).hexdigest()
    assert "<th>导入人</th>" in html and "<th>文件(SHA-256)</th>" in html
    assert "<td>wang@bj.gov.cn<br><small>编辑 · 密码登录</small></td>" in html
    assert f'<td>&lt;b&gt;a&lt;/b&gt;.csv<br><code title="SHA-256 {digest}">{digest[:12]}</code></td>' in html
    assert "<b>a</b>" not in html and "<td>—</td>" in html  # the roll-back has no file
    en = revisions_html(store.revisions(), "en")
    assert "wang@bj.gov.cn<br><small>editor · password</small>" in en and "File (SHA-256)" in en


def test_a_store_made_before_sign_in_is_migrated_and_keeps_its_typed_names(tmp_path):
    """Schema 1 (no atlas_meta, typed author, no role/via/sha256): opened, migrated, data kept, marked typed."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'v1.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # the tables as version 1 made them
        conn.exec_driver_sql(
            "CREATE TABLE atlas_revisions (id INTEGER PRIMARY KEY, created_at VARCHAR(40) NOT NULL, author VARCHAR(200) "
            "NOT NULL, action VARCHAR(20) NOT NULL, target INTEGER, source_title TEXT NOT NULL, source_table TEXT NOT "
            "NULL, source_url TEXT NOT NULL, filename TEXT NOT NULL, imported_rows INTEGER NOT NULL, row_count "
            "INTEGER NOT NULL, decisions TEXT NOT NULL DEFAULT '')")
        conn.exec_driver_sql("INSERT INTO atlas_revisions VALUES (1, '2025-01-01T00:00:00+00:00', '王规划', 'rollback',"
                             " 0, '', '', '', '', 0, 0, '')")
    engine.dispose()
    assert store_mod.schema_version(sa.create_engine(url)) == 1
    store = Store(url)
    assert store_mod.schema_version(store.engine) == store_mod.SCHEMA_VERSION == 2
    (rev,) = store.revisions()
    assert (rev.author, rev.author_role, rev.author_via, rev.file_sha256) == ("王规划", "", "typed", "")
    new = store.rollback(0, editor("li"))
    assert (new.author_via, store.revisions()[0].author_via) == ("password", "password")
    Store(url)  # opening again changes nothing
    assert [r.author_via for r in Store(url).revisions()] == ["password", "typed"]


def test_a_store_of_a_newer_schema_is_refused(tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    Store(url).engine.dispose()
    with sa.create_engine(url).begin() as conn:
        conn.exec_driver_sql("UPDATE atlas_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 99, newer than this atlas"):
        Store(url)


def test_an_existing_schema_1_store_is_migrated_on_both_backends(store):
    """The store as schema 1 left it (no atlas_meta, no role/via/sha256 columns) gains them, data kept, in one step."""
    import sqlalchemy as sa

    _import(store, csv_bytes(long_rows(2022)), "a.csv", who="王规划")
    rows = store.current_rows()
    with store.engine.begin() as conn:
        for column in ("author_role", "author_via", "file_sha256"):
            conn.exec_driver_sql(f"ALTER TABLE atlas_revisions DROP COLUMN {column}")
        conn.exec_driver_sql("DROP TABLE atlas_meta")
    store.engine.dispose()
    assert store_mod.schema_version(store.engine) == 1
    again = Store(store.url)
    assert store_mod.schema_version(again.engine) == 2
    columns = {c["name"] for c in sa.inspect(again.engine).get_columns("atlas_revisions")}
    assert {"author_role", "author_via", "file_sha256"} <= columns
    (rev,) = again.revisions()
    assert (rev.author, rev.author_role, rev.author_via, rev.file_sha256) == ("王规划", "", "typed", "")
    pd.testing.assert_frame_equal(again.current_rows(), rows)
    new = again.rollback(0, editor("li"))
    assert [(r.id, r.author_via) for r in again.revisions()] == [(new.id, "password"), (1, "typed")]
    again.engine.dispose()
