"""A PostgreSQL server of our own, from Debian's ``postgresql`` binaries, with its data in one folder.

Used by ``./atlas serve`` (the shared store of the workers when ``ATLAS_DATABASE_URL`` is not
given, data under ``var/postgres/``) and by the tests (a throwaway server in a temp folder).

The server listens on a unix socket in ``<base>/sock`` only (``listen_addresses=''``): nothing
reaches it over the network, and the port number only names the socket file, so two servers in
two folders never collide. Local connections are trusted (``--auth-local=trust``); the socket
folder is readable by its owner only. As root, initdb and the server run as the ``postgres``
user (PostgreSQL refuses to run as root).

The postmaster is a direct child of this process (not daemonised by ``pg_ctl``), so
:meth:`LocalPostgres.stop` and, where ``setpriv`` exists, the death of this process stop it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LocalPostgres", "PostgresUnavailable", "find_bindir", "pdeathsig_prefix"]


class PostgresUnavailable(RuntimeError):
    """No server can be started here (binaries missing, no user to run as, initdb failed)."""


def find_bindir() -> Path:
    """Return the newest ``/usr/lib/postgresql/<version>/bin`` that has initdb and postgres."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    for initdb in reversed(bins):
        bindir = Path(initdb).parent
        if (bindir / "postgres").exists():
            return bindir
    raise PostgresUnavailable("PostgreSQL is not installed (Debian package postgresql; "
                              "./atlas test and ./atlas serve install it when run as root)")


def pdeathsig_prefix(sig: str = "TERM") -> list[str]:
    """Return ``setpriv --pdeathsig SIG --`` (util-linux) if available: the child gets SIG when we die."""
    tool = shutil.which("setpriv")
    if tool is None:
        return []
    probe = subprocess.run([tool, "--pdeathsig", sig, "--", "true"], capture_output=True, timeout=10)
    return [tool, "--pdeathsig", sig, "--"] if probe.returncode == 0 else []


@dataclass
class LocalPostgres:
    """One PostgreSQL cluster under ``base`` (``data/``, ``sock/``, ``server.log``).

    ``fsync=False`` is for throwaway test servers only (faster, not crash-safe).
    """

    base: Path
    port: int = 5432
    user: str = "atlas"
    database: str = "atlas"
    fsync: bool = True
    proc: subprocess.Popen | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.base = Path(self.base).resolve()
        self.bindir = find_bindir()
        self._run_as: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable("running as root and there is no 'postgres' user to run the server as") from None
            self._run_as = "postgres"

    # ---------------------------------------------------------------- paths
    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "sock"

    @property
    def log_path(self) -> Path:
        return self.base / "server.log"

    def url(self, database: str | None = None) -> str:
        """Return the SQLAlchemy URL of ``database`` (default: :attr:`database`) on this server."""
        return (f"postgresql+psycopg://{self.user}@/{database or self.database}"
                f"?host={self.socket_dir}&port={self.port}")

    # ---------------------------------------------------------------- lifecycle
    def _popen_user(self) -> dict:
        return {"user": self._run_as, "group": self._run_as, "extra_groups": []} if self._run_as else {}

    def _own(self, *paths: Path) -> None:
        if self._run_as:
            entry = pwd.getpwnam(self._run_as)
            for path in paths:
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def _check_reachable(self) -> None:
        """As root, the postgres user must be able to reach ``base`` (every parent searchable)."""
        if not self._run_as:
            return
        for parent in self.base.parents:
            if not os.stat(parent).st_mode & 0o001:
                raise PostgresUnavailable(f"{parent} is not searchable by other users, so the 'postgres' user cannot "
                                          f"reach {self.base}; use a folder with o+x parents")

    def init(self) -> bool:
        """Create the cluster if ``data/`` does not hold one yet; return True if it was created."""
        if (self.data_dir / "PG_VERSION").exists():
            return False
        self.base.mkdir(parents=True, exist_ok=True)
        self._check_reachable()
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        self._own(self.base, self.socket_dir)
        out = subprocess.run(
            [str(self.bindir / "initdb"), "-D", str(self.data_dir), "-U", self.user, "-E", "UTF8",
             "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=reject"],
            capture_output=True, text=True, timeout=180, cwd="/", **self._popen_user())
        if out.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {out.stderr.strip()[-400:]}")
        return True

    def start(self, timeout: float = 60.0) -> None:
        """Start the server (``init`` first if needed), wait until it accepts connections, create the database."""
        self.init()
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        self._own(self.socket_dir)
        opts = ["-c", "listen_addresses=", "-c", f"unix_socket_directories={self.socket_dir}", "-p", str(self.port)]
        if not self.fsync:
            opts += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        log = self.log_path.open("ab")
        self._own(self.log_path)
        # postgres takes SIGINT as "fast shutdown": the right signal if we die without stopping it
        self.proc = subprocess.Popen([*pdeathsig_prefix("INT"), str(self.bindir / "postgres"), "-D",
                                      str(self.data_dir), *opts], stdout=log, stderr=subprocess.STDOUT,
                                     cwd="/", start_new_session=True, **self._popen_user())
        log.close()
        deadline = time.monotonic() + timeout
        while not self._ready():
            if self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-600:]
                self.proc = None
                raise PostgresUnavailable(f"PostgreSQL exited at start:\n{tail}")
            if time.monotonic() > deadline:
                self.stop()
                raise PostgresUnavailable(f"PostgreSQL did not accept connections in {timeout:.0f} s")
            time.sleep(0.1)  # polling the server's own readiness mark (postmaster.pid)
        self.create_database()

    def _ready(self) -> bool:
        """True once postmaster.pid says "ready" (what ``pg_ctl -w`` waits for) for our process."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        except OSError:
            return False
        # setpriv execs in place, so the postmaster's pid is our child's
        return len(lines) >= 8 and lines[7].strip() == "ready" and self.proc is not None and int(lines[0]) == self.proc.pid

    def create_database(self) -> bool:
        """Create :attr:`database` if missing; return True if it was created."""
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone():
                return False
            conn.execute(f'CREATE DATABASE "{self.database}"')
            return True

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server (fast shutdown: clients are disconnected, nothing committed is lost)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGQUIT)  # immediate shutdown: recovery at next start
                self.proc.wait(timeout=10)
        self.proc = None
