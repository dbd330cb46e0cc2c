"""Backups of the store that restore: ``./atlas backup FILE`` and ``./atlas restore FILE`` (pure; no Streamlit).

A backup is one tar file holding ``manifest.json`` first (what the store is: backend, schema
version, latest revision, the payload's size and SHA-256) and then the payload, made while the
app runs and consistent:

- SQLite: ``atlas.sqlite``, a copy made with SQLite's online backup API
  (:meth:`sqlite3.Connection.backup`, in one step: one snapshot), checked with
  ``PRAGMA integrity_check``;
- PostgreSQL: ``atlas.pgdump``, ``pg_dump`` custom format (``--no-owner --no-privileges``) taken in
  the snapshot in which the manifest's schema version and revision were read
  (``pg_export_snapshot`` + ``pg_dump --snapshot``).

Anyone can look inside with ``tar tvf FILE`` and, in an emergency, restore by hand with
``sqlite3`` or ``pg_restore``.

Restore checks everything it can BEFORE touching the target: the file is an atlas backup, whole
(sizes and SHA-256 match: a truncated or damaged file is refused), of this atlas's schema version
(:data:`geo.imports.store.SCHEMA_VERSION`) and of the target's kind of database. Then it replaces
the target in one step that either completes or leaves it as it was: on SQLite the backup API
writes the checked copy into the live file in one write transaction; on PostgreSQL
``pg_restore --single-transaction --exit-on-error --clean``. The app may keep running; its next
read sees the restored store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa

__all__ = ["FORMAT", "BackupError", "Manifest", "backend_of", "backup", "find_pg_tool", "read_backup", "restore"]

#: What the manifest's ``format`` says (and the version of this file layout).
FORMAT = "beijing-ip-atlas-backup"
FORMAT_VERSION = 1
_PAYLOAD = {"sqlite": "atlas.sqlite", "postgresql": "atlas.pgdump"}


class BackupError(RuntimeError):
    """A backup or restore was refused or failed; the message says why in words a planner can act on."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds (``manifest.json``, the tar's first member)."""

    backend: str  # "sqlite" or "postgresql"
    schema_version: int
    created_at: str  # UTC, ISO 8601
    revision: int  # the latest revision in the backup (0: nothing imported)
    revisions: int  # how many revisions
    payload: str  # member name
    payload_bytes: int
    payload_sha256: str
    tool: str = ""  # e.g. "pg_dump (PostgreSQL) 15.8"
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def describe(self) -> str:
        return (f"{self.backend} store, schema version {self.schema_version}, revision {self.revision} "
                f"({self.revisions} revisions), made {self.created_at.replace('T', ' ')}")


def backend_of(url: str) -> str:
    """Return ``sqlite`` or ``postgresql`` for an SQLAlchemy URL (raise :class:`BackupError` otherwise)."""
    name = sa.engine.make_url(url).get_backend_name()
    if name not in _PAYLOAD:
        raise BackupError(f"backups are made of SQLite or PostgreSQL stores, not {name}")
    return name


# ---------------------------------------------------------------------------------------------- backup

def backup(url: str, dest: Path | str) -> Manifest:
    """Write a backup of the store at ``url`` to ``dest`` (atomically: a failed backup leaves no ``dest``).

    The store is opened first (an older schema is migrated, as the app would); the file gets mode 0600.
    """
    from geo.imports.store import Store

    dest = Path(dest).resolve()
    backend = backend_of(url)
    if backend == "sqlite":
        _sqlite_path(url, must_exist=True)
    store = Store(url)  # creates / migrates the tables; refuses a newer schema
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix=".atlas-backup-", dir=dest.parent) as tmp:
            payload = Path(tmp) / _PAYLOAD[backend]
            if backend == "sqlite":
                facts, tool = _sqlite_backup(_sqlite_path(url), payload), f"sqlite {sqlite3.sqlite_version}"
            else:
                facts, tool = _pg_backup(store.engine, url, payload)
            manifest = Manifest(backend=backend, schema_version=facts["schema_version"],
                                created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                revision=facts["revision"], revisions=facts["revisions"], payload=payload.name,
                                payload_bytes=payload.stat().st_size, payload_sha256=_sha256(payload), tool=tool)
            partial = Path(tmp) / "backup.tar"
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                body = json.dumps(asdict(manifest), ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime, info.mode = len(body), int(dt.datetime.now().timestamp()), 0o600
                tar.addfile(info, io.BytesIO(body))
                tar.add(payload, arcname=payload.name, filter=_private)
            os.chmod(partial, 0o600)
            with partial.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(partial, dest)  # same folder: atomic
    finally:
        store.engine.dispose()
    return manifest


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def _sqlite_path(url: str, must_exist: bool = False) -> Path:
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite store cannot be backed up or restored")
    path = Path(database).resolve()
    if must_exist and not path.is_file():
        raise BackupError(f"there is no store at {path} (nothing was ever imported there?)")
    return path


def _facts(conn: sa.Connection) -> dict[str, int]:
    from geo.imports.store import REVISIONS, schema_version

    top = conn.execute(sa.select(sa.func.max(REVISIONS.c.id), sa.func.count(REVISIONS.c.id))).one()
    return {"schema_version": schema_version(conn), "revision": int(top[0] or 0), "revisions": int(top[1] or 0)}


def _sqlite_backup(src: Path, copy: Path) -> dict[str, int]:
    """Copy ``src`` with the online backup API in one step (one consistent snapshot); check the copy."""
    source = sqlite3.connect(f"{src.as_uri()}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)  # pages=-1: everything in one step, under one read lock
    finally:
        target.close()
        source.close()
    return _check_sqlite(copy)


def _check_sqlite(path: Path) -> dict[str, int]:
    """Return the facts of an SQLite store file after ``PRAGMA integrity_check``; raise BackupError if damaged."""
    try:
        raw = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = raw.execute("PRAGMA integrity_check").fetchall()
        finally:
            raw.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the SQLite copy is damaged ({exc})") from exc
    if result != [("ok",)]:
        raise BackupError(f"the SQLite copy is damaged ({'; '.join(str(r[0]) for r in result[:3])})")
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return _facts(conn)
    finally:
        engine.dispose()


def find_pg_tool(name: str) -> str:
    """Return ``pg_dump`` / ``pg_restore`` of the newest installed PostgreSQL (Debian: postgresql-client)."""
    import glob

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    tool = found[-1] if found else shutil.which(name)
    if not tool:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client; "
                          "./atlas backup and ./atlas restore install it when run as root)")
    return tool


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq conninfo for ``url`` (the password goes in the environment, never on the command line)."""
    u = sa.engine.make_url(url)
    params: dict[str, str] = {}
    for key, value in u.query.items():
        params[key] = value if isinstance(value, str) else value[-1]
    if u.host:
        params["host"] = u.host
    if u.port:
        params["port"] = str(u.port)
    if u.username:
        params["user"] = u.username
    if u.database:
        params["dbname"] = u.database
    conninfo = " ".join(f"{k}='{_quote(v)}'" for k, v in params.items())
    env = {**os.environ}
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return conninfo, env


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _run(cmd: list[str], env: dict[str, str], what: str) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600, cwd="/")
    except OSError as exc:
        raise BackupError(f"{what} could not run: {exc}") from exc
    if out.returncode != 0:
        raise BackupError(f"{what} failed: {out.stderr.strip()[-800:]}")
    return out.stdout


def _pg_backup(engine: sa.Engine, url: str, payload: Path) -> tuple[dict[str, int], str]:
    """``pg_dump -Fc`` in the snapshot in which the schema version and revision are read."""
    pg_dump = find_pg_tool("pg_dump")
    conninfo, env = _libpq(url)
    with engine.execution_options(isolation_level="REPEATABLE READ").connect() as conn:
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        facts = _facts(conn)
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={payload}", f"--dbname={conninfo}"], env, "pg_dump")
        conn.rollback()
    version = _run([pg_dump, "--version"], env, "pg_dump").strip()
    return facts, version


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------- restore

@contextmanager
def read_backup(path: Path | str) -> Iterator[tuple[Manifest, Path]]:
    """Open a backup file, check it is whole, and yield its manifest and the payload (in a temp folder).

    Raises :class:`BackupError` for a file that is not an atlas backup, is truncated or damaged
    (size or SHA-256 differ from the manifest). Nothing outside the temp folder is touched.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no such backup file: {path}")
    damaged = (f"the backup file {path} is damaged or incomplete (truncated?); nothing was restored. "
               "Use another copy of the backup")
    with tempfile.TemporaryDirectory(prefix=".atlas-restore-") as tmp:
        try:
            with tarfile.open(path, "r:") as tar:
                first = tar.next()
                if first is None or first.name != "manifest.json" or not first.isfile():
                    raise BackupError(f"{path} is not a backup made by ./atlas backup (no manifest.json)")
                raw = tar.extractfile(first)
                meta = json.loads(raw.read().decode()) if raw else {}
                if meta.get("format") != FORMAT:
                    raise BackupError(f"{path} is not a backup made by ./atlas backup")
                if int(meta.get("format_version", 0)) != FORMAT_VERSION:
                    raise BackupError(f"{path} is a backup of format {meta.get('format_version')}; this atlas reads "
                                      f"format {FORMAT_VERSION}")
                manifest = Manifest(**meta)
                member = tar.next()
                if member is None or member.name != manifest.payload or not member.isfile():
                    raise BackupError(damaged)
                target = Path(tmp) / Path(manifest.payload).name
                src = tar.extractfile(member)
                if src is None:
                    raise BackupError(damaged)
                with src, target.open("wb") as out:
                    shutil.copyfileobj(src, out)
        except tarfile.ReadError as exc:
            if path.stat().st_size and "empty" not in str(exc) and _looks_like_tar(path):
                raise BackupError(damaged) from exc
            raise BackupError(f"{path} is not a backup made by ./atlas backup (not a tar file)") from exc
        except (tarfile.TarError, EOFError, OSError, ValueError, TypeError, UnicodeDecodeError) as exc:
            raise BackupError(damaged) from exc
        if target.stat().st_size != manifest.payload_bytes or _sha256(target) != manifest.payload_sha256:
            raise BackupError(damaged)
        yield manifest, target


def _looks_like_tar(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(512)
    return b"manifest.json" in head[:100]


def restore(path: Path | str, url: str, *, before: Path | str | None = None) -> Manifest:
    """Replace the store at ``url`` with the backup at ``path``, all or nothing.

    Refused, with the target untouched, if the file is not whole, is of another schema version
    than this atlas, or of the other kind of database. ``before``: where to write a backup of the
    target as it was first (skipped when the target holds no store yet), so a wrong restore can be
    undone.
    """
    from geo.imports.store import SCHEMA_VERSION

    backend = backend_of(url)
    with read_backup(path) as (manifest, payload):
        if manifest.schema_version != SCHEMA_VERSION:
            raise BackupError(
                f"the backup {path} is of store schema version {manifest.schema_version}, this atlas uses version "
                f"{SCHEMA_VERSION}; nothing was restored. Restore it with the atlas version that made it "
                f"({manifest.created_at[:10]}), or make a new backup with this one")
        if manifest.backend != backend:
            raise BackupError(f"the backup {path} is of a {manifest.backend} store and the target is {backend}; "
                              f"nothing was restored. Restore it into a {manifest.backend} store")
        if backend == "sqlite":
            facts = _check_sqlite(payload)
            if facts["schema_version"] != manifest.schema_version or facts["revision"] != manifest.revision:
                raise BackupError(f"the backup {path} does not hold what its manifest says; nothing was restored")
        else:
            pg_restore = find_pg_tool("pg_restore")
            _run([pg_restore, "--list", str(payload)], os.environ.copy(), "pg_restore --list (reading the backup)")
        if before is not None and _holds_store(url):
            backup(url, before)
        if backend == "sqlite":
            _sqlite_restore(payload, _sqlite_path(url))
        else:
            _pg_restore(payload, url)
    _check_restored(url, manifest)
    return manifest


def _holds_store(url: str) -> bool:
    if backend_of(url) == "sqlite" and not _sqlite_path(url).is_file():
        return False
    engine = sa.create_engine(url)
    try:
        return "atlas_revisions" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _sqlite_restore(copy: Path, live: Path) -> None:
    """Write the checked copy into the live file with the backup API: one write transaction (all or nothing)."""
    live.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=60)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"restoring into {live} failed, the store is as it was: {exc}") from exc
    finally:
        target.close()
        source.close()


def _pg_restore(payload: Path, url: str) -> None:
    """``pg_restore --clean --single-transaction --exit-on-error``: the old tables go only if the new ones come."""
    from geo.imports.store import Store

    Store(url).engine.dispose()  # a fresh database gets the tables, so --clean has something to replace
    conninfo, env = _libpq(url)
    _run([find_pg_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
          "--no-owner", "--no-privileges", f"--dbname={conninfo}", str(payload)], env,
         "pg_restore (the store is as it was)")


def _check_restored(url: str, manifest: Manifest) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            facts = _facts(conn)
    finally:
        engine.dispose()
    if facts["schema_version"] != manifest.schema_version or facts["revision"] != manifest.revision:
        raise BackupError(f"after restoring, the store says {facts}, the backup said {manifest.describe()}")
