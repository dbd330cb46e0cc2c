"""Revisioned storage of imported official figures and zone outlines (SQLite by default, PostgreSQL when configured).

Pure (no Streamlit). Every import writes a new revision (who, when, source, row count) holding the
complete set of imported rows as they stand after it; the current data are the latest revision's
rows. A zone outline that passed the checks (:func:`geo.imports.boundaries.validate_boundary`) is a
revision too (action ``boundary``): its GeoJSON is kept once in ``atlas_boundaries`` and the
outlines in force at a revision follow the revision chain (:func:`boundary_state`). Rolling back
writes one more revision restoring an earlier one's rows and outlines, so nothing is ever deleted
and every state can be reached again. Each write is one transaction: a failed import leaves the
previous state intact.

Who: every write takes the :class:`geo.access.Actor` acting and refuses one that may not edit
(:func:`geo.access.require_editor`) before doing anything; the revision records the actor's
identity, role and how it was established (``author``, ``author_role``, ``author_via``), and the
uploaded file's name and SHA-256 (``filename``, ``file_sha256``). Revisions written before
identities were checked keep their typed name, marked ``author_via = "typed"``.

Schema: ``atlas_meta`` holds ``schema_version`` (:data:`SCHEMA_VERSION`); opening an older store
migrates it (one transaction), a newer one is refused. Backups carry it (:mod:`geo.imports.backup`).

Where: ``$ATLAS_DATABASE_URL`` (an SQLAlchemy URL such as ``postgresql+psycopg://user@host/db``) if
set, else SQLite at ``geo.data.paths.VAR_DIR / "atlas.sqlite"`` (``$ATLAS_VAR_DIR`` moves it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from geo.access import Actor, require_editor
from geo.data.indicators import STATUS_RANK, anchor_demo
from geo.data.source_kind import source_kinds
from geo.imports.parse import ROW_COLUMNS, ImportResult, Source, parse_upload

__all__ = [
    "BOUNDARY_COLUMNS",
    "SCHEMA_VERSION",
    "Revision",
    "Store",
    "StoreError",
    "boundary_state",
    "default_url",
    "file_sha256",
    "open_store",
    "overlay",
    "overlay_boundaries",
    "preview_changes",
    "schema_version",
]

#: Version of the store's tables. 1: before ``atlas_meta`` (typed author); 2: ``atlas_meta``, the
#: actor's role and via, the file's SHA-256. Bump it (and add the step to :meth:`Store._migrate`)
#: whenever a table changes: backups of another version are refused on restore.
SCHEMA_VERSION = 2

_META = sa.MetaData()
REVISIONS = sa.Table(
    "atlas_revisions", _META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),  # "import", "boundary" or "rollback"
    sa.Column("target", sa.Integer, nullable=True),  # for a rollback: the revision restored
    sa.Column("source_title", sa.Text, nullable=False, default=""),
    sa.Column("source_table", sa.Text, nullable=False, default=""),
    sa.Column("source_url", sa.Text, nullable=False, default=""),
    sa.Column("filename", sa.Text, nullable=False, default=""),
    sa.Column("imported_rows", sa.Integer, nullable=False),  # rows brought in by this revision
    sa.Column("row_count", sa.Integer, nullable=False),  # rows current after this revision
    # JSON list of the planner's choices on conflicts with official figures: {"key": [...], "choice": ...}
    sa.Column("decisions", sa.Text, nullable=False, server_default=""),
    # who, as established by sign-in (geo.access.Actor): author = identity; role; via (oidc, password, local, cli;
    # "typed" for revisions written before identities were checked)
    sa.Column("author_role", sa.String(20), nullable=False, server_default=""),
    sa.Column("author_via", sa.String(20), nullable=False, server_default=""),
    sa.Column("file_sha256", sa.String(64), nullable=False, server_default=""),  # of the uploaded bytes
)
#: Key/value facts about the store itself (``schema_version``).
META = sa.Table(
    "atlas_meta", _META,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
ROWS = sa.Table(
    "atlas_rows", _META,
    sa.Column("revision_id", sa.Integer, sa.ForeignKey("atlas_revisions.id"), nullable=False, index=True),
    sa.Column("region_code", sa.String(40), nullable=False),
    sa.Column("region_name_zh", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("as_of", sa.Text, nullable=False),
    sa.Column("indicator", sa.String(80), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("source_value", sa.Text, nullable=False),
    sa.Column("source_unit", sa.Text, nullable=False),
    sa.Column("source_url", sa.Text, nullable=False),
    sa.Column("source_note", sa.Text, nullable=False),
    sa.Column("formula", sa.Text, nullable=False),
    sa.Column("primary", sa.Boolean, nullable=False),
    sa.UniqueConstraint("revision_id", "region_code", "year", "indicator", "status", name="atlas_rows_key"),
    sa.CheckConstraint("status IN ('official', 'derived')", name="atlas_rows_status"),
)
#: Zone outlines brought in by a ``boundary`` revision (WGS-84 GeoJSON geometry, kept once, never altered).
BOUNDARIES = sa.Table(
    "atlas_boundaries", _META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("revision_id", sa.Integer, sa.ForeignKey("atlas_revisions.id"), nullable=False, index=True),
    sa.Column("zone_id", sa.String(80), nullable=False),
    sa.Column("geojson", sa.Text, nullable=False),
    sa.Column("area_km2", sa.Float, nullable=False),
    sa.Column("source_title", sa.Text, nullable=False),
    sa.Column("source_table", sa.Text, nullable=False, default=""),
    sa.Column("source_url", sa.Text, nullable=False),
    sa.Column("filename", sa.Text, nullable=False, default=""),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("revision_id", "zone_id", name="atlas_boundaries_key"),
)
#: Columns of :meth:`Store.boundaries_at` (one row per zone whose outline is in force).
BOUNDARY_COLUMNS = ("zone_id", "geojson", "area_km2", "revision_id", "source_title", "source_table", "source_url",
                    "filename", "author", "created_at")
_KEY = ["region_code", "year", "indicator"]
#: Largest revision number a roll-back may name (a 32-bit integer: PostgreSQL's and the CLI's bound).
MAX_REVISION_ID = 2**31 - 1


class StoreError(RuntimeError):
    """A write was refused (nothing was changed)."""


@dataclass(frozen=True)
class Revision:
    """One saved state of the imported data."""

    id: int
    created_at: str
    author: str
    action: str
    target: int | None
    source_title: str
    source_table: str
    source_url: str
    filename: str
    imported_rows: int
    row_count: int
    decisions: str = ""
    author_role: str = ""
    author_via: str = ""
    file_sha256: str = ""

    @property
    def identity(self) -> str:
        """Who wrote the revision (the signed-in identity; a typed name for revisions before sign-in)."""
        return self.author


def default_url() -> str:
    """Return ``$ATLAS_DATABASE_URL`` if set, else the SQLite file under ``VAR_DIR`` (read at call time)."""
    url = os.environ.get("ATLAS_DATABASE_URL", "").strip()
    if url:
        return url
    var = Path(os.environ.get("ATLAS_VAR_DIR") or _default_var())
    return f"sqlite:///{var / 'atlas.sqlite'}"


def _default_var() -> Path:
    from geo.data.paths import VAR_DIR

    return VAR_DIR


def _sqlite_engine(url: str) -> sa.Engine:
    path = sa.engine.make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    # WAL: readers never wait on a writer (they read the last committed state), as on PostgreSQL. Every
    # transaction starts with a plain (deferred) BEGIN: a read takes no lock; a write takes the write lock
    # with its first statement (Store._lock), so two writers still cannot interleave.
    @sa.event.listens_for(engine, "connect")
    def _no_autobegin(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        if path and path != ":memory:":
            dbapi_conn.execute("PRAGMA journal_mode=WAL")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")

    return engine


class Store:
    """Revisioned store of imported rows; see the module docstring."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.engine = _sqlite_engine(self.url) if self.url.startswith("sqlite") else sa.create_engine(
            self.url, pool_pre_ping=True)
        _META.create_all(self.engine)
        self._migrate()

    def _migrate(self) -> None:
        """Bring an older store up to :data:`SCHEMA_VERSION` in one transaction; refuse a newer one.

        Cheap when current (one indexed read). Columns newer than an existing database are added
        with their defaults; nothing else is ever altered and no row is deleted.
        """
        found = schema_version(self.engine)
        if found == SCHEMA_VERSION:
            return
        if found > SCHEMA_VERSION:
            raise StoreError(f"this store has schema version {found}, newer than this atlas ({SCHEMA_VERSION}); "
                             "update the atlas before opening it")
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # one migrator at a time; the others find it done
                conn.exec_driver_sql("LOCK TABLE atlas_meta IN ACCESS EXCLUSIVE MODE")
            if schema_version(conn) == SCHEMA_VERSION:
                return
            self._add_missing_columns(conn)
            conn.execute(sa.delete(META).where(META.c.key == "schema_version"))
            conn.execute(sa.insert(META).values(key="schema_version", value=str(SCHEMA_VERSION)))

    @staticmethod
    def _add_missing_columns(conn: sa.Connection) -> None:
        """Add the columns an older database lacks; revisions written before sign-in are marked ``typed``."""
        have = {c["name"] for c in sa.inspect(conn).get_columns("atlas_revisions")}
        added = {
            "decisions": "TEXT NOT NULL DEFAULT ''",
            "author_role": "VARCHAR(20) NOT NULL DEFAULT ''",
            "author_via": "VARCHAR(20) NOT NULL DEFAULT ''",
            "file_sha256": "VARCHAR(64) NOT NULL DEFAULT ''",
        }
        for name, ddl in added.items():
            if name not in have:
                conn.exec_driver_sql(f"ALTER TABLE atlas_revisions ADD COLUMN {name} {ddl}")
        if "author_via" not in have:
            conn.execute(sa.update(REVISIONS).where(REVISIONS.c.author_via == "").values(author_via="typed"))

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    # ------------------------------------------------------------------ reading
    def current_revision_id(self) -> int:
        """Return the latest revision's id (0 when nothing was ever imported). Cheap: one indexed query."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(REVISIONS.c.id))).scalar() or 0)

    def revisions(self) -> list[Revision]:
        """Return every revision, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(REVISIONS).order_by(REVISIONS.c.id.desc())).mappings().all()
        return [Revision(**dict(r)) for r in rows]

    def revision(self, rev_id: int) -> Revision | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(REVISIONS).where(REVISIONS.c.id == rev_id)).mappings().first()
        return Revision(**dict(row)) if row else None

    def rows_at(self, rev_id: int, conn: sa.Connection | None = None) -> pd.DataFrame:
        """Return the rows current after revision ``rev_id`` (empty for 0), in the indicator-table schema."""
        if conn is None:
            with self.engine.connect() as c:
                return self.rows_at(rev_id, c)
        cols = [ROWS.c[name] for name in ROW_COLUMNS]
        query = sa.select(*cols).where(ROWS.c.revision_id == rev_id).order_by(
            ROWS.c.indicator, ROWS.c.year, ROWS.c.region_code, ROWS.c.status)
        df = pd.DataFrame(conn.execute(query).all(), columns=list(ROW_COLUMNS))
        return _typed(df)

    def current_rows(self) -> pd.DataFrame:
        """Return the rows of the latest revision (empty when nothing was imported).

        The revision id and its rows are read in one snapshot (REPEATABLE READ on PostgreSQL; on
        SQLite one transaction), so a reader never sees half of an import that commits meanwhile.
        """
        with self._snapshot() as conn:
            rev = int(conn.execute(sa.select(sa.func.max(REVISIONS.c.id))).scalar() or 0)
            return self.rows_at(rev, conn)

    def boundaries_at(self, rev_id: int, conn: sa.Connection | None = None) -> pd.DataFrame:
        """Return the zone outlines in force after revision ``rev_id`` (columns :data:`BOUNDARY_COLUMNS`)."""
        if conn is None:
            with self.engine.connect() as c:
                return self.boundaries_at(rev_id, c)
        chain = conn.execute(sa.select(REVISIONS.c.id, REVISIONS.c.action, REVISIONS.c.target).where(
            REVISIONS.c.id <= rev_id).order_by(REVISIONS.c.id)).all()
        brought = conn.execute(sa.select(BOUNDARIES.c.id, BOUNDARIES.c.revision_id, BOUNDARIES.c.zone_id).where(
            BOUNDARIES.c.revision_id <= rev_id)).all()
        ids = sorted(boundary_state(chain, brought).get(rev_id, {}).values())
        if not ids:
            return pd.DataFrame(columns=list(BOUNDARY_COLUMNS))
        cols = [BOUNDARIES.c[name] for name in BOUNDARY_COLUMNS]
        rows = conn.execute(sa.select(*cols).where(BOUNDARIES.c.id.in_(ids)).order_by(BOUNDARIES.c.zone_id)).all()
        return pd.DataFrame(rows, columns=list(BOUNDARY_COLUMNS))

    def current_boundaries(self) -> pd.DataFrame:
        """Return the zone outlines of the latest revision, read in one snapshot (see :meth:`current_rows`)."""
        with self._snapshot() as conn:
            rev = int(conn.execute(sa.select(sa.func.max(REVISIONS.c.id))).scalar() or 0)
            return self.boundaries_at(rev, conn)

    def boundary_zones(self) -> dict[int, str]:
        """Return, per ``boundary`` revision, the zone whose outline it brought in."""
        with self.engine.connect() as conn:
            # rows indexed, not unpacked: mypy types the items of an unpacked untyped Row as object
            rows = conn.execute(sa.select(BOUNDARIES.c.revision_id, BOUNDARIES.c.zone_id))
            return {int(row[0]): str(row[1]) for row in rows}

    def _snapshot(self) -> sa.Connection:
        engine = self.engine
        if engine.dialect.name == "postgresql":
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        return engine.connect()

    # ------------------------------------------------------------------ writing
    def _lock(self, conn: sa.Connection) -> None:
        """Serialise writers: the first statement of every write transaction (reads are never blocked)."""
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE atlas_revisions IN SHARE ROW EXCLUSIVE MODE")
        elif conn.dialect.name == "sqlite":  # a write statement takes SQLite's write lock (waits up to the timeout)
            conn.exec_driver_sql("UPDATE atlas_revisions SET id = id WHERE 0")

    def _write(self, conn: sa.Connection, rows: pd.DataFrame, **revision: Any) -> Revision:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        values: dict[str, Any] = {"created_at": now, "row_count": len(rows), "target": None, "source_title": "",
                  "source_table": "", "source_url": "", "filename": "", "decisions": "", "file_sha256": "",
                  **revision}
        rev_id: int = conn.execute(sa.insert(REVISIONS).values(**values).returning(REVISIONS.c.id)).scalar_one()
        _insert_rows(conn, rev_id, rows)
        return Revision(id=int(rev_id), **{k: values[k] for k in (
            "created_at", "author", "action", "target", "source_title", "source_table", "source_url",
            "filename", "imported_rows", "row_count", "decisions", "author_role", "author_via", "file_sha256")})

    def save_import(self, rows: pd.DataFrame, source: Source, actor: Actor, filename: str = "", *,
                    content: bytes | None = None, shown: pd.DataFrame | None = None,
                    decisions: Mapping[tuple, str] | None = None) -> Revision:
        """Write a new revision: the current rows, with ``rows`` replacing any of the same region/year/indicator.

        With ``shown`` (the table the app shows, :func:`overlay`), a row that would replace an
        official figure from another source is a conflict (:func:`preview_changes`): it needs an
        explicit choice in ``decisions`` (``(region_code, year, indicator)`` -> ``"keep"`` the
        published figure or ``"replace"`` it); ``keep`` leaves that row out. The choices are
        recorded in the revision (``decisions``, JSON). ``content``: the uploaded file's bytes, whose
        SHA-256 the revision records with ``filename``.

        Raises :class:`geo.access.NotAllowed` if ``actor`` may not edit, :class:`StoreError` if the
        source or the actor's identity is missing, a row lacks a source URL or has a status other
        than official/derived, or a conflict has no choice; either way nothing is changed.
        """
        who = _who(actor)
        problems = [i.code for i in source.issues()]
        if problems:
            raise StoreError(f"source incomplete: {', '.join(problems)}")
        new = _typed(rows.reindex(columns=list(ROW_COLUMNS)))
        if new.empty:
            raise StoreError("nothing to import")
        if not new["status"].isin(["official", "derived"]).all():
            raise StoreError("only official or derived rows can be imported")
        if (new["source_url"].fillna("").astype(str).str.strip() == "").any():
            raise StoreError("every row needs a source URL")
        if new.duplicated([*_KEY, "status"]).any():
            raise StoreError("duplicate rows for one region/year/indicator")
        recorded = []
        if shown is not None:
            preview = preview_changes(shown, new)
            decisions = {(str(k[0]), int(k[1]), str(k[2])): v for k, v in (decisions or {}).items()}
            keep = []
            for rec in preview[preview["change"] == "conflict"].itertuples():
                key = (rec.region_code, int(rec.year), rec.indicator)
                choice = decisions.get(key)
                if choice not in ("keep", "replace"):
                    raise StoreError(f"conflict with an official figure needs a choice (keep / replace): {key}")
                recorded.append({"key": list(key), "choice": choice, "official": rec.old_value,
                                 "official_source": rec.old_source_url, "file": rec.new_value})
                if choice == "keep":
                    keep.append(key)
            if keep:
                kept = pd.MultiIndex.from_tuples(keep)
                new = new[~pd.MultiIndex.from_frame(new[_KEY].astype({"year": int})).isin(kept)]
                if new.empty:
                    raise StoreError("nothing to import: every row keeps the published figure")
        with self.engine.begin() as conn:
            self._lock(conn)
            current_id = int(conn.execute(sa.select(sa.func.max(REVISIONS.c.id))).scalar() or 0)
            current = self.rows_at(current_id, conn)
            replaced = current.set_index(_KEY).index.isin(new.set_index(_KEY).index)
            merged = pd.concat([current[~replaced], new], ignore_index=True)
            return self._write(conn, merged, **who, action="import",
                               source_title=source.title.strip(), source_table=(source.table or "").strip(),
                               source_url=source.url.strip(), filename=filename or "", imported_rows=len(new),
                               decisions=json.dumps(recorded, ensure_ascii=False) if recorded else "",
                               file_sha256=file_sha256(content))

    def import_upload(self, content: bytes, filename: str, source: Source, actor: Actor,
                      **options: object) -> tuple[ImportResult, Revision | None]:
        """Parse an upload and, only if it has no error, save it as a new revision (one step).

        ``options`` go to :func:`geo.imports.parse.parse_upload` (year, indicator, unit, derive).
        Raises :class:`geo.access.NotAllowed` (before parsing) if ``actor`` may not edit.
        """
        require_editor(actor)
        result = parse_upload(content, filename, source, **options)  # type: ignore[arg-type]
        if not result.ok:
            return result, None
        return result, self.save_import(result.rows, source, actor, filename, content=content)

    def save_boundary(self, geometry: object, zone_id: str, source: Source, actor: Actor, filename: str = "", *,
                      content: bytes | None = None, area_km2: float | None = None) -> Revision:
        """Write a new revision in which ``geometry`` (WGS-84, checked) is the official outline of ``zone_id``.

        The figures stay as they are (the revision carries the current rows); the outline and its
        source, author and time go to ``atlas_boundaries``; the revision records ``filename`` and the
        SHA-256 of ``content`` (the uploaded bytes). Pass the geometry of a
        :class:`geo.imports.boundaries.BoundaryResult` that is ``ok``. Raises
        :class:`geo.access.NotAllowed` if ``actor`` may not edit, :class:`StoreError` if the source,
        identity or zone is missing, or the geometry is not a valid polygon in degrees; either way
        nothing is changed.
        """
        who = _who(actor)
        import shapely

        problems = [i.code for i in source.issues()]
        if problems:
            raise StoreError(f"source incomplete: {', '.join(problems)}")
        zone = str(zone_id or "").strip()
        if not zone:
            raise StoreError("which zone the outline is for must be given")
        geom = geometry
        if not isinstance(geom, shapely.Geometry) or geom.is_empty or geom.geom_type not in ("Polygon",
                                                                                             "MultiPolygon"):
            raise StoreError("the outline must be a non-empty polygon")
        if not shapely.is_valid(geom):
            raise StoreError(f"the outline is not valid: {shapely.is_valid_reason(geom)}")
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise StoreError("the outline must be in WGS-84 degrees")
        if area_km2 is None:
            import pyproj

            utm = pyproj.Transformer.from_crs(4326, 32650, always_xy=True)
            area_km2 = shapely.transform(geom, lambda a: __import__("numpy").column_stack(
                utm.transform(a[:, 0], a[:, 1]))).area / 1e6
        with self.engine.begin() as conn:
            self._lock(conn)
            current_id = int(conn.execute(sa.select(sa.func.max(REVISIONS.c.id))).scalar() or 0)
            rows = self.rows_at(current_id, conn)
            rev = self._write(conn, rows, **who, action="boundary", source_title=source.title.strip(),
                              source_table=(source.table or "").strip(), source_url=source.url.strip(),
                              filename=filename or "", imported_rows=0, file_sha256=file_sha256(content))
            conn.execute(sa.insert(BOUNDARIES).values(
                revision_id=rev.id, zone_id=zone, geojson=shapely.to_geojson(geom), area_km2=float(area_km2),
                source_title=source.title.strip(), source_table=(source.table or "").strip(),
                source_url=source.url.strip(), filename=filename or "", author=who["author"],
                created_at=rev.created_at))
            return rev

    def rollback(self, rev_id: int, actor: Actor) -> Revision:
        """Write a new revision restoring exactly the rows and outlines of revision ``rev_id`` (0 = nothing imported).

        Raises :class:`geo.access.NotAllowed` (changing nothing) if ``actor`` may not edit.
        """
        who = _who(actor)
        if not isinstance(rev_id, int) or not 0 <= rev_id <= MAX_REVISION_ID:  # before the database sees it
            raise StoreError(f"no revision {str(rev_id)[:40]}")
        with self.engine.begin() as conn:
            self._lock(conn)
            if rev_id != 0 and conn.execute(sa.select(REVISIONS.c.id).where(REVISIONS.c.id == rev_id)).first() is None:
                raise StoreError(f"no revision {rev_id}")
            rows = self.rows_at(rev_id, conn)
            return self._write(conn, rows, **who, action="rollback", target=rev_id, imported_rows=0)


def _who(actor: Actor) -> dict[str, str]:
    """Check that ``actor`` may edit (:func:`geo.access.require_editor`); return the revision's who-columns."""
    require_editor(actor)
    identity = str(actor.identity or "").strip()[:200]
    if not identity:
        raise StoreError("who changes the figures must be recorded (the signed-in identity is empty)")
    return {"author": identity, "author_role": actor.role, "author_via": actor.via}


def file_sha256(content: bytes | None) -> str:
    """Return the SHA-256 (hex) of an uploaded file's bytes, or "" when there is no file.

    >>> file_sha256(b"abc")[:12], file_sha256(None)
    ('ba7816bf8f01', '')
    """
    return hashlib.sha256(content).hexdigest() if content is not None else ""


def schema_version(bind: sa.Engine | sa.Connection) -> int:
    """Return the store's schema version: ``atlas_meta.schema_version``; 1 for a store made before it; 0 if empty."""
    tables = set(sa.inspect(bind).get_table_names())
    if "atlas_meta" in tables:
        query = sa.select(META.c.value).where(META.c.key == "schema_version")
        if isinstance(bind, sa.Engine):
            with bind.connect() as conn:
                value = conn.execute(query).scalar()
        else:
            value = bind.execute(query).scalar()
        if value is not None:
            return int(value)
    return 1 if "atlas_revisions" in tables else 0


def boundary_state(chain, brought) -> dict[int, dict[str, int]]:
    """Return, per revision, the outline (boundary id) in force for each zone.

    ``chain`` holds ``(revision id, action, target)`` in id order; ``brought`` holds ``(boundary id,
    revision id, zone id)``. A revision inherits the state of the one before it, plus the outlines
    it brought; a rollback takes the state of its target (0: no outline).

    >>> chain = [(1, "boundary", None), (2, "import", None), (3, "rollback", 0), (4, "rollback", 2)]
    >>> state = boundary_state(chain, [(7, 1, "zgc_dongcheng")])
    >>> state[2], state[3], state[4]
    ({'zgc_dongcheng': 7}, {}, {'zgc_dongcheng': 7})
    """
    by_rev: dict[int, list[tuple[str, int]]] = {}
    for boundary_id, rev, zone in brought:
        by_rev.setdefault(int(rev), []).append((str(zone), int(boundary_id)))
    state: dict[int, dict[str, int]] = {0: {}}
    previous = 0
    for rev, action, target in chain:
        rev = int(rev)
        if action == "rollback":
            state[rev] = dict(state.get(int(target or 0), {}))
        else:
            state[rev] = {**state[previous], **dict(by_rev.get(rev, []))}
        previous = rev
    return state


def overlay_boundaries(zones: pd.DataFrame, boundaries: pd.DataFrame | None) -> pd.DataFrame:
    """Return ``zones`` with each stored outline as its geometry, drawn as ``official`` (input not changed).

    ``boundaries`` is :meth:`Store.boundaries_at` (GeoJSON in WGS-84); its source, revision, author
    and date go into ``geometry_note``. An outline for a zone that no longer exists is left out.
    """
    if boundaries is None or boundaries.empty:
        return zones
    import shapely

    out = zones.copy()
    for b in boundaries.itertuples():
        hit = out.index[out["zone_id"] == b.zone_id]
        if not len(hit):
            continue
        i = hit[0]
        out.loc[i, "geometry"] = shapely.from_geojson(b.geojson)
        out.loc[i, "geometry_quality"] = "official"
        source = " · ".join(p for p in (b.source_title, b.source_table) if p)
        out.loc[i, "geometry_note"] = (f"official outline: {source} ({b.source_url}); imported revision "
                                       f"{int(b.revision_id)} by {b.author}, {str(b.created_at).replace('T', ' ')}")
    return out


def _insert_rows(conn: sa.Connection, rev_id: int, rows: pd.DataFrame) -> None:
    """Insert ``rows`` under ``rev_id`` (in chunks; the caller's transaction makes it all-or-nothing)."""
    records = []
    for rec in rows.to_dict("records"):
        out = {"revision_id": rev_id}
        for name in ROW_COLUMNS:
            v = rec.get(name)
            if name == "year":
                v = int(v)
            elif name == "value":
                v = float(v)
            elif name == "primary":
                v = bool(v)
            else:
                v = "" if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA else str(v)
            out[name] = v
        records.append(out)
    for start in range(0, len(records), 500):
        conn.execute(sa.insert(ROWS), records[start:start + 500])


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype(float)
    df["primary"] = df["primary"].astype(bool)
    for col in ROW_COLUMNS:
        if col not in ("year", "value", "primary"):
            df[col] = df[col].astype(object).where(df[col].notna(), "").astype(str) if len(df) else df[col]
    return df


_STORES: dict[str, Store] = {}


def open_store(url: str | None = None) -> Store:
    """Return the (process-wide, reused) store for ``url`` (default: :func:`default_url`)."""
    key = url or default_url()
    if key not in _STORES:
        _STORES[key] = Store(key)
    return _STORES[key]


def overlay(shipped: pd.DataFrame, imported: pd.DataFrame) -> pd.DataFrame:
    """Return the table the app shows: ``shipped`` with ``imported`` rows winning.

    For every region/year/indicator that has an imported row, the shipped demo rows are dropped
    and the shipped official/derived rows stay as alternative sources (``primary`` False); the
    imported rows come first, so :func:`geo.data.indicators.primary_rows` picks them.
    """
    if imported is None or imported.empty:
        return shipped
    imp = imported.copy()
    imp["imported"] = True
    keys = pd.MultiIndex.from_frame(imp[_KEY].astype({"year": "Int64"}))
    base = shipped.copy()
    hit = pd.MultiIndex.from_frame(base[_KEY].astype({"year": "Int64"})).isin(keys)
    base.loc[hit & (base["status"] != "demo"), "primary"] = False
    # the demo follows the imported figures too (the demo row of an imported year gives the anchor)
    base = anchor_demo(pd.concat([imp.drop(columns="imported"), base], ignore_index=True)).iloc[len(imp):]
    base = base[~(hit & (base["status"] == "demo")).to_numpy()]
    if "imported" not in base.columns:
        base["imported"] = False
    out = pd.concat([imp, base], ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    out["primary"] = out["primary"].astype(bool)
    for col in ("as_of", "formula", "source_unit"):
        if col in out.columns:
            out[col] = out[col].fillna("")
    out["source_kind"] = source_kinds(out["source_url"]).to_numpy()
    out.attrs = dict(shipped.attrs)
    return out


def preview_changes(current: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Return, per region/year/indicator in ``new``, the value shown now, the new one and the change.

    ``current`` is the table the app shows (see :func:`overlay`); ``change`` is ``new`` (no value
    yet), ``changed`` (different value or status, e.g. official replacing demo), ``unchanged``, or
    ``conflict``: the value differs from an *official* figure that cites another page (e.g. a
    yearbook's 合计 row against Beijing's published total) — never replaced without a choice
    (:meth:`Store.save_import` ``decisions``).
    """
    from geo.data.indicators import primary_rows

    cur = primary_rows(current) if len(current) else current
    cur = cur.set_index(_KEY)[["value", "status", "source_url"]] if len(cur) else pd.DataFrame(
        columns=["value", "status", "source_url"])
    rows = []
    ranked = new.assign(_r=new["status"].map(STATUS_RANK)).sort_values("_r", kind="stable").drop_duplicates(_KEY)
    for rec in ranked.itertuples():
        key = (rec.region_code, rec.year, rec.indicator)
        old_value, old_status, old_url = (None, "", "")
        if key in cur.index:
            old = cur.loc[key]
            if isinstance(old, pd.DataFrame):
                old = old.iloc[0]
            old_value, old_status, old_url = float(old["value"]), str(old["status"]), str(old["source_url"])
        differs = old_value is not None and abs(old_value - float(rec.value)) > 1e-9 * max(1.0, abs(old_value))
        if old_value is None or pd.isna(old_value):
            change = "new"
        elif differs and old_status == "official" and old_url.strip() != str(rec.source_url).strip():
            change = "conflict"
        elif differs or old_status != rec.status:
            change = "changed"
        else:
            change = "unchanged"
        rows.append({"region_code": rec.region_code, "year": int(rec.year), "indicator": rec.indicator,
                     "old_value": old_value, "old_status": old_status, "old_source_url": old_url,
                     "new_value": float(rec.value), "new_status": rec.status, "change": change})
    return pd.DataFrame(rows, columns=["region_code", "year", "indicator", "old_value", "old_status", "old_source_url",
                                       "new_value", "new_status", "change"])
