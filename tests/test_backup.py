"""geo.imports.backup and ./atlas backup / restore: round trips on SQLite and PostgreSQL, refusals that touch nothing.

The PostgreSQL server is the throwaway one of tests/test_store.py (Debian's binaries in a temp
folder, ``deploy.postgres.LocalPostgres``); each test gets fresh databases on it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from common_import import SOURCE, csv_bytes, editor, long_rows, xlsx, yearbook_rows
from test_store import OUTLINE_SOURCE, OUTLINE_ZONE, _revision_rows, postgres_url  # noqa: F401 (fixture)

from geo.imports.backup import BackupError, Manifest, backup, read_backup, restore
from geo.imports.store import SCHEMA_VERSION, Store

ROOT = Path(__file__).resolve().parent.parent


def _new_db(server_url: str) -> str:
    """Create an empty database on the test server; return its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    u = sa.engine.make_url(server_url)
    with psycopg.connect(host=u.query["host"], port=int(u.query["port"]), user=u.username, dbname=u.database,
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return u.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def urls(request, tmp_path):
    """A function returning the URL of a new, empty store of the backend (a file, or a database)."""
    if request.param == "sqlite":
        count = iter(range(100))
        return lambda: f"sqlite:///{tmp_path / f'store{next(count)}' / 'atlas.sqlite'}"
    server = request.getfixturevalue("postgres_url")
    return lambda: _new_db(server)


def _tables(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted; and on PostgreSQL the next value of every sequence."""
    engine = sa.create_engine(url)
    out: dict[str, list[tuple]] = {}
    try:
        with engine.connect() as conn:
            for name in sorted(sa.inspect(conn).get_table_names()):
                out[name] = sorted((tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{name}"')), key=repr)
            if conn.dialect.name == "postgresql":
                for (seq,) in conn.exec_driver_sql("SELECT sequencename FROM pg_sequences").all():
                    out[f"seq:{seq}"] = [tuple(conn.exec_driver_sql(
                        f'SELECT last_value, is_called FROM "{seq}"').one())]
    finally:
        engine.dispose()
    return out


def _outline():
    from shapely.geometry import box

    return box(116.405, 39.925, 116.425, 39.945)


def _fill(url: str) -> Store:
    """Two imports, a zone outline, a roll-back and a conflict choice: every kind of revision."""
    from geo.data.datasets import read_indicators
    from geo.imports.store import overlay

    store = Store(url)
    store.import_upload(csv_bytes(long_rows(2022)), "long.csv", SOURCE, editor("wang@bj.gov.cn"))
    store.save_boundary(_outline(), OUTLINE_ZONE, OUTLINE_SOURCE, editor("测绘科"), "东城园.geojson",
                        content=b'{"type": "Polygon"}')
    content = xlsx(yearbook_rows(2023))
    from geo.imports.parse import parse_upload

    rows = parse_upload(content, "8-10.xlsx", SOURCE).rows
    shown = overlay(read_indicators(), store.current_rows())
    from geo.imports.store import preview_changes

    conflicts = preview_changes(shown, rows)
    decisions = {(r.region_code, int(r.year), r.indicator): "keep" for r in conflicts[conflicts.change == "conflict"]
                 .itertuples()}
    store.save_import(rows, SOURCE, editor("li"), "8-10.xlsx", content=content, shown=shown, decisions=decisions)
    store.rollback(2, editor("zhao"))
    return store


def test_backup_fresh_database_restore_round_trip(urls, tmp_path):
    """Backup → a fresh database → restore: every table equal; the restored store works on (next id)."""
    source = urls()
    store = _fill(source)
    assert [r.action for r in store.revisions()] == ["rollback", "import", "boundary", "import"]
    file = tmp_path / "backup.tar"
    made = backup(source, file)
    assert made.schema_version == SCHEMA_VERSION and made.revision == 4 and made.revisions == 4
    assert oct(file.stat().st_mode & 0o777) == "0o600"
    before = _tables(source)
    assert {"atlas_revisions", "atlas_rows", "atlas_boundaries", "atlas_meta"} <= set(before)

    fresh = urls()
    restored = restore(file, fresh, before=tmp_path / "before.tar")
    assert restored == made
    assert not (tmp_path / "before.tar").exists()  # the fresh target held no store: nothing to keep
    assert _tables(fresh) == before
    again = Store(fresh)
    assert again.revisions() == store.revisions()
    pd.testing.assert_frame_equal(again.current_rows(), store.current_rows())
    pd.testing.assert_frame_equal(again.current_boundaries(), store.current_boundaries())
    rev = again.rollback(0, editor("after"))  # ids go on after the restored ones
    assert rev.id == 5
    store.engine.dispose()
    again.engine.dispose()


def test_restore_over_a_store_keeps_a_copy_of_it_first(urls, tmp_path):
    old, new = urls(), urls()
    _fill(old).engine.dispose()
    Store(new).import_upload(csv_bytes(long_rows(2021)), "other.csv", SOURCE, editor("other"))
    had = _tables(new)
    backup(old, tmp_path / "old.tar")
    restore(tmp_path / "old.tar", new, before=tmp_path / "before.tar")
    assert _tables(new) == _tables(old)
    restore(tmp_path / "before.tar", new)  # the way back
    assert _tables(new) == had


def _rewrite(src: Path, dest: Path, **changes) -> None:
    """Copy a backup with manifest fields changed (the payload as it was)."""
    with tarfile.open(src) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(dest, "w") as out:
        for member, data in members:
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def _target_state(url: str) -> tuple:
    if url.startswith("sqlite"):
        return _tables(url), Path(sa.engine.make_url(url).database).read_bytes()
    return (_tables(url),)


@pytest.mark.parametrize("bad", ["newer-schema", "older-schema", "half", "after-manifest", "one-byte-short",
                                 "flipped-byte", "not-a-backup", "empty", "other-backend"])
def test_restore_refuses_another_schema_or_a_damaged_file_and_touches_nothing(urls, tmp_path, bad):
    source, target = urls(), urls()
    _fill(source).engine.dispose()
    good = tmp_path / "good.tar"
    backup(source, good)
    Store(target).import_upload(csv_bytes(long_rows(2021)), "target.csv", SOURCE, editor("target"))
    state = _target_state(target)
    file = tmp_path / "bad.tar"
    data = good.read_bytes()
    with tarfile.open(good) as tar:
        payload = tar.getmembers()[1]  # after manifest.json
    expect = "damaged or incomplete"
    if bad == "newer-schema":
        _rewrite(good, file, schema_version=SCHEMA_VERSION + 1)
        expect = f"schema version {SCHEMA_VERSION + 1}, this atlas uses version {SCHEMA_VERSION}"
    elif bad == "older-schema":
        _rewrite(good, file, schema_version=1)
        expect = f"schema version 1, this atlas uses version {SCHEMA_VERSION}"
    elif bad == "half":
        file.write_bytes(data[: len(data) // 2])
    elif bad == "after-manifest":
        file.write_bytes(data[:payload.offset_data + 100])
    elif bad == "one-byte-short":
        file.write_bytes(data[: payload.offset_data + payload.size - 1])  # the payload's last byte missing
    elif bad == "flipped-byte":
        spoiled = bytearray(data)
        spoiled[len(data) // 2] ^= 0xFF
        file.write_bytes(bytes(spoiled))
    elif bad == "not-a-backup":
        file.write_bytes(b"region_code,year\n110101,2023\n" * 40)
        expect = "is not a backup made by ./atlas backup"
    elif bad == "empty":
        file.write_bytes(b"")
        expect = "is not a backup made by ./atlas backup"
    elif bad == "other-backend":
        other = "postgresql" if source.startswith("sqlite") else "sqlite"
        _rewrite(good, file, backend=other)
        expect = f"is of a {other} store and the target is"
    with pytest.raises(BackupError, match=expect.replace("(", r"\(").replace(".", r"\.")) as info:
        restore(file, target, before=tmp_path / "before.tar")
    assert "nothing was restored" in str(info.value) or bad in ("not-a-backup", "empty")
    assert _target_state(target) == state
    assert not (tmp_path / "before.tar").exists()  # refused before anything was done


def test_sqlite_payload_must_match_its_manifest(tmp_path):
    """A manifest claiming schema 2 over an SQLite copy of schema 1 (its SHA-256 made to match) is refused."""
    import hashlib

    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    store = Store(url)
    store.import_upload(csv_bytes(long_rows(2022)), "a.csv", SOURCE, editor("a"))
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM atlas_meta")  # reads as schema 1
    store.engine.dispose()
    payload = Path(tmp_path / "a.sqlite").read_bytes()
    manifest = Manifest("sqlite", SCHEMA_VERSION, "2026-01-01T00:00:00+00:00", 1, 1, "atlas.sqlite", len(payload),
                        hashlib.sha256(payload).hexdigest())
    from dataclasses import asdict

    file = tmp_path / "forged.tar"
    with tarfile.open(file, "w") as tar:
        for name, data in (("manifest.json", json.dumps(asdict(manifest)).encode()), ("atlas.sqlite", payload)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    target = f"sqlite:///{tmp_path / 'target.sqlite'}"
    with pytest.raises(BackupError, match="does not hold what its manifest says"):
        restore(file, target)
    assert not (tmp_path / "target.sqlite").exists()


def test_a_backup_taken_while_imports_commit_is_one_consistent_revision(urls, tmp_path):
    """Imports commit while the backup runs: the backup holds whole revisions, the latest one its manifest names."""
    url = urls()
    store = Store(url)
    store.save_import(_revision_rows(1), SOURCE, editor("writer"))
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        k = 2
        try:
            while not stop.is_set():
                store.save_import(_revision_rows(k), SOURCE, editor("writer"))
                k += 1
        except BaseException as exc:
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        made = [backup(url, tmp_path / f"b{i}.tar") for i in range(3)]
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not errors
    for i, manifest in enumerate(made):
        fresh = urls()
        restore(tmp_path / f"b{i}.tar", fresh)
        copy = Store(fresh)
        assert copy.current_revision_id() == manifest.revision and len(copy.revisions()) == manifest.revisions
        rows = copy.current_rows()
        assert len(rows) == 160 and set(rows["value"]) == {float(manifest.revision)}  # revision k holds value k
        copy.engine.dispose()
    store.engine.dispose()


def test_read_backup_yields_the_manifest_of_a_whole_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    Store(url).import_upload(csv_bytes(long_rows(2022)), "a.csv", SOURCE, editor("a"))
    made = backup(url, tmp_path / "b.tar")
    with read_backup(tmp_path / "b.tar") as (manifest, payload):
        assert manifest == made and payload.stat().st_size == made.payload_bytes
    assert not payload.exists()  # the extracted copy is gone afterwards


# --------------------------------------------------------------------------------------------- the CLI

def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.backup_cli", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=300)


def test_cli_backup_and_restore_on_a_new_machine_sqlite(tmp_path):
    old = {"ATLAS_VAR_DIR": str(tmp_path / "old"), "ATLAS_DATABASE_URL": ""}
    new = {"ATLAS_VAR_DIR": str(tmp_path / "new"), "ATLAS_DATABASE_URL": ""}
    nothing = _cli("backup", env=old)
    assert nothing.returncode == 1 and "there is no store at" in nothing.stderr
    _fill(f"sqlite:///{tmp_path / 'old' / 'atlas.sqlite'}").engine.dispose()
    made = _cli("backup", env=old)
    assert made.returncode == 0, made.stderr
    (file,) = (tmp_path / "old" / "backups").glob("atlas-*.tar")
    assert f"backup written: {file}" in made.stdout and "revision 4" in made.stdout
    into_folder = _cli("backup", str(tmp_path), env=old)  # a folder: a new file in it
    assert into_folder.returncode == 0 and len(list(tmp_path.glob("atlas-*.tar"))) == 1, into_folder.stderr
    restored = _cli("restore", str(file), env=new)  # a new machine: no store yet
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout and "revision 4" in restored.stdout
    assert _tables(f"sqlite:///{tmp_path / 'new' / 'atlas.sqlite'}") == _tables(
        f"sqlite:///{tmp_path / 'old' / 'atlas.sqlite'}")
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(file.read_bytes()[:5000])
    refused = _cli("restore", str(truncated), env=new)
    assert refused.returncode == 1 and "damaged or incomplete (truncated?); nothing was restored" in refused.stderr
    assert not (tmp_path / "new" / "backups").exists()  # refused before even the safety copy


def test_cli_restore_creates_and_backs_up_atlas_serve_postgres(postgres_url, tmp_path):  # noqa: F811
    """A PostgreSQL backup restored on a new machine goes into ./atlas serve's PostgreSQL (var/postgres),
    created and started for the moment; a backup of it later starts it again and stops it."""
    source = _new_db(postgres_url)
    _fill(source).engine.dispose()
    file = tmp_path / "office.tar"
    backup(source, file)
    var = Path(tempfile.mkdtemp(prefix="atlas-var-"))  # as root the 'postgres' user must reach it (o+x)
    var.chmod(0o755)
    try:
        env = {"ATLAS_VAR_DIR": str(var), "ATLAS_DATABASE_URL": ""}
        restored = _cli("restore", str(file), env=env)
        assert restored.returncode == 0, restored.stderr
        assert (var / "postgres" / "data" / "PG_VERSION").exists()
        again = _cli("backup", str(tmp_path / "again.tar"), env=env)
        assert again.returncode == 0, again.stderr
        with read_backup(tmp_path / "again.tar") as (manifest, _):
            assert (manifest.backend, manifest.revision, manifest.revisions) == ("postgresql", 4, 4)
        assert not (var / "postgres" / "data" / "postmaster.pid").exists()  # stopped again
    finally:
        shutil.rmtree(var, ignore_errors=True)
    fresh = _new_db(postgres_url)
    restore(tmp_path / "again.tar", fresh)
    assert _tables(fresh) == _tables(source)


def test_a_postgresql_restore_that_fails_midway_leaves_the_target_as_it_was(postgres_url, tmp_path):  # noqa: F811
    """pg_restore runs in one transaction: when it fails after dropping tables, nothing of it stays."""
    source, target = _new_db(postgres_url), _new_db(postgres_url)
    _fill(source).engine.dispose()
    backup(source, tmp_path / "b.tar")
    Store(target).import_upload(csv_bytes(long_rows(2021)), "target.csv", SOURCE, editor("target"))
    engine = sa.create_engine(target)
    with engine.begin() as conn:  # a view on the rows: dropping atlas_rows fails in the middle of the restore
        conn.exec_driver_sql("CREATE VIEW office_report AS SELECT region_code, value FROM atlas_rows")
    engine.dispose()
    state = _tables(target)
    with pytest.raises(BackupError, match=r"pg_restore \(the store is as it was\) failed"):
        restore(tmp_path / "b.tar", target)
    assert _tables(target) == state


def test_cli_backup_and_restore_with_atlas_database_url(postgres_url, tmp_path):  # noqa: F811
    source, fresh = _new_db(postgres_url), _new_db(postgres_url)
    _fill(source).engine.dispose()
    var = {"ATLAS_VAR_DIR": str(tmp_path / "var")}
    made = _cli("backup", str(tmp_path / "b.tar"), env={**var, "ATLAS_DATABASE_URL": source})
    assert made.returncode == 0 and "postgresql store, schema version 2, revision 4" in made.stdout, made.stderr
    done = _cli("restore", str(tmp_path / "b.tar"), env={**var, "ATLAS_DATABASE_URL": fresh})
    assert done.returncode == 0, done.stderr
    assert _tables(fresh) == _tables(source)
    # an SQLite backup is refused by a PostgreSQL target, which stays as it was
    Store(f"sqlite:///{tmp_path / 'local.sqlite'}").import_upload(csv_bytes(long_rows(2021)), "x.csv", SOURCE,
                                                                  editor("x"))
    backup(f"sqlite:///{tmp_path / 'local.sqlite'}", tmp_path / "local.tar")
    state = _tables(fresh)
    refused = _cli("restore", str(tmp_path / "local.tar"), env={**var, "ATLAS_DATABASE_URL": fresh})
    assert refused.returncode == 1 and "is of a sqlite store and the target is postgresql" in refused.stderr
    assert _tables(fresh) == state
