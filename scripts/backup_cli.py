"""Back up and restore the store: ``./atlas backup [FILE]`` and ``./atlas restore FILE``.

Which store: ``--database URL``, else ``$ATLAS_DATABASE_URL``, else ``--serve`` (the PostgreSQL of
``./atlas serve`` under ``var/postgres``) or ``--local`` (the SQLite file of ``./atlas run``,
``var/atlas.sqlite``). Without a choice: a backup takes ``./atlas serve``'s store if this machine
has one, else the local one; a restore goes to the kind of store the backup was made of (on a new
machine it creates ``./atlas serve``'s PostgreSQL). ``./atlas serve``'s PostgreSQL is used while it
runs, or started for the moment (and stopped again) when it does not.

A backup without FILE goes to ``var/backups/atlas-<UTC time>.tar``. Before a restore, the target
is backed up to ``var/backups/before-restore-<UTC time>.tar``. See :mod:`geo.imports.backup`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.imports.backup import BackupError, backup, read_backup, restore


def _var_dir() -> Path:
    from geo.data.paths import VAR_DIR

    return Path(os.environ.get("ATLAS_VAR_DIR") or VAR_DIR).resolve()


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%SZ")


@contextmanager
def serve_postgres(var: Path, create: bool = False) -> Iterator[str]:
    """Yield the URL of ``./atlas serve``'s PostgreSQL (``var/postgres``), starting it for the moment if it is not running.

    While it is started here, ``var/serve/lock`` is held, so ``./atlas serve`` cannot start it twice.
    """
    from deploy.postgres import LocalPostgres, PostgresUnavailable

    base = var / "postgres"
    if not create and not (base / "data" / "PG_VERSION").exists():
        raise BackupError(f"./atlas serve has no store on this machine ({base} does not exist)")
    try:
        server = LocalPostgres(base)
    except PostgresUnavailable as exc:
        raise BackupError(str(exc)) from exc
    (var / "serve").mkdir(parents=True, exist_ok=True)
    with (var / "serve" / "lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # ./atlas serve runs: its server is up
            yield server.url()
            return
        try:
            server.start()
        except PostgresUnavailable as exc:
            raise BackupError(f"could not start ./atlas serve's PostgreSQL: {exc}") from exc
        try:
            yield server.url()
        finally:
            server.stop()


@contextmanager
def target(args: argparse.Namespace, backend_hint: str | None = None) -> Iterator[str]:
    """Yield the SQLAlchemy URL of the store the command works on (see the module docstring)."""
    var = _var_dir()
    url = args.database or os.environ.get("ATLAS_DATABASE_URL", "").strip()
    if url:
        yield url
        return
    has_serve = (var / "postgres" / "data" / "PG_VERSION").exists()
    local = f"sqlite:///{var / 'atlas.sqlite'}"
    if args.local:
        yield local
    elif args.serve:
        with serve_postgres(var, create=backend_hint == "postgresql") as pg:
            yield pg
    elif backend_hint == "sqlite":
        yield local
    elif backend_hint == "postgresql" or has_serve:
        if has_serve and backend_hint is None and (var / "atlas.sqlite").exists():
            print(f"note: backing up ./atlas serve's store; --local backs up {var / 'atlas.sqlite'} (./atlas run)",
                  file=sys.stderr)
        with serve_postgres(var, create=True) as pg:
            yield pg
    else:
        yield local


def _label(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _parser(command: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"./atlas {command}", description=(
        "Back up the store (imported figures, outlines, every revision) to one file."
        if command == "backup" else "Replace the store with a backup made by ./atlas backup (all or nothing)."))
    if command == "backup":
        p.add_argument("file", nargs="?", type=Path, help="where to write (default: var/backups/atlas-<UTC time>.tar)")
    else:
        p.add_argument("file", type=Path, help="a file made by ./atlas backup")
        p.add_argument("--no-safety-copy", action="store_true",
                       help="do not back up the store as it is before replacing it")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--database", default=None, help="SQLAlchemy URL of the store (default: $ATLAS_DATABASE_URL)")
    which.add_argument("--serve", action="store_true", help="./atlas serve's PostgreSQL (var/postgres)")
    which.add_argument("--local", action="store_true", help="./atlas run's SQLite file (var/atlas.sqlite)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("backup", "restore"):
        print("usage: python -m scripts.backup_cli backup|restore ...", file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    args = _parser(command).parse_args(rest)
    try:
        if command == "backup":
            dest = args.file or _var_dir() / "backups" / f"atlas-{_stamp()}.tar"
            if dest.is_dir():  # ./atlas backup /mnt/nas/atlas/: a new file in that folder
                dest = dest / f"atlas-{_stamp()}.tar"
            with target(args) as url:
                manifest = backup(url, dest)
            print(f"backup written: {dest} ({manifest.payload_bytes:,} bytes of data; {manifest.describe()}; "
                  f"from {_label(url)})")
            return 0
        with read_backup(args.file) as (found, _payload):  # check the file first: refuse before touching anything
            pass
        before = None if args.no_safety_copy else _var_dir() / "backups" / f"before-restore-{_stamp()}.tar"
        with target(args, backend_hint=found.backend) as url:
            manifest = restore(args.file, url, before=before)
        if before is not None and before.exists():
            print(f"the store as it was is saved in {before} (./atlas restore {before} undoes this restore)")
        print(f"restored {args.file} into {_label(url)}: {manifest.describe()}")
        print("restart ./atlas run or ./atlas serve if it is running, so every open page reads the restored store")
        return 0
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a folder that cannot be written, a full disk: nothing was replaced
        print(f"error: {exc.strerror or exc} ({exc.filename or ''}); nothing was changed", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
