"""``./atlas serve``: N app processes behind HAProxy, sharing one PostgreSQL; stops all of it on Ctrl-C.

What :class:`Stack` starts, in order, and stops in reverse:

1. **PostgreSQL** (:class:`deploy.postgres.LocalPostgres`, data under ``<var>/postgres``) unless a
   database URL is given (``ATLAS_DATABASE_URL``); the atlas tables are created once here, before
   any worker runs, so N workers never race to create them;
2. **N workers**: ``streamlit run asgi.py`` (``app.py`` as ``./atlas run`` serves it) on loopback ports (never reachable from another machine),
   each with the environment of ``./atlas run`` plus ``ATLAS_DATABASE_URL``, one cookie secret shared by
   all workers and ``ATLAS_DEPLOYMENT=office`` (visitors are viewers until they sign in; ui/auth.py);
3. **HAProxy** from ``deploy/haproxy.cfg.tmpl`` (rendered into ``<var>/serve/haproxy.cfg`` and
   checked with ``haproxy -c``): sticky sessions by cookie, websocket pass-through, health checks,
   identity headers sent by clients (``X-Forwarded-User``, ``Remote-User`` …) dropped.

Each child runs in its own session (a terminal's Ctrl-C reaches only this process, which then stops
them in order) and, where util-linux ``setpriv`` exists, gets a signal if this process dies. A
worker that exits is started again on the same port (HAProxy routes around it meanwhile); if
HAProxy or PostgreSQL exits, everything is stopped. ``<var>/serve/state.json`` lists what runs
(pids, ports, URLs), for people and tests; it is removed on stop.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from deploy import haproxy
from deploy.postgres import LocalPostgres, PostgresUnavailable, pdeathsig_prefix
from deploy.warmup import WarmupError, warm
from geo.data.paths import ROOT

__all__ = ["WORKER_OPTIONS", "Stack", "StackError", "Worker", "default_workers", "free_port", "free_ports", "main"]

#: Seconds a worker must have run before it is restarted at once after an exit (no restart loop).
MIN_UPTIME = 5.0
_LOOPBACK_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


#: Streamlit options of every office worker: a bug shows Streamlit's generic notice, no message, type,
#: traceback or server path ("none": Streamlit 1.67's legacy "false" still shows the stack trace).
WORKER_OPTIONS = ("--client.showErrorDetails", "none")


class StackError(RuntimeError):
    """The stack cannot start or a part it cannot do without (HAProxy, PostgreSQL) stopped."""


class _PortTaken(StackError):
    """HAProxy could not listen on its port: another program holds it."""


def _alerts(log: Path, offset: int = 0) -> str:
    """Return HAProxy's ``[ALERT]`` lines written to ``log`` after ``offset``, joined (its reason to exit)."""
    try:
        with log.open("rb") as f:
            f.seek(max(offset, f.seek(0, os.SEEK_END) - 65536))  # the request log follows: its end only
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return " / ".join(line.split(":", 1)[-1].strip() for line in text.splitlines() if "[ALERT]" in line)[-600:]


def default_workers() -> int:
    """Return the number of cores this process may use (the default ``--workers``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_ports(n: int, host: str = "127.0.0.1", exclude: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Return ``n`` different TCP ports free on ``host`` now, none in ``exclude``.

    The sockets stay open until all are chosen, so the kernel cannot hand out one port twice.
    """
    held: list[socket.socket] = []
    try:
        while len(held) < n:
            s = socket.socket()
            held.append(s)
            s.bind((host, 0))
            if s.getsockname()[1] in exclude:
                continue  # kept open (so not handed out again) but not returned
        return [p for s in held if (p := s.getsockname()[1]) not in exclude][:n]
    finally:
        for s in held:
            s.close()


def _can_listen(host: str, port: int) -> bool:
    """True if a listener could bind ``host:port`` now (as HAProxy binds it: address reuse allowed)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0" if host in ("0.0.0.0", "*", "") else host, port))
        except OSError:
            return False
    return True


def _healthy(url: str, timeout: float = 2.0, cookie: str | None = None) -> bool:
    """True if ``url`` answers Streamlit's health check; with ``cookie``, only if the answer sets it.

    HAProxy sets its sticky cookie on every answer it passes on, so ``cookie`` tells the proxy from
    any other Streamlit server that happens to answer on the same port.
    """
    try:
        with _LOOPBACK_OPENER.open(f"{url}/_stcore/health", timeout=timeout) as r:
            sets = " ".join(r.headers.get_all("Set-Cookie") or [])
            return r.status == 200 and (cookie is None or f"{cookie}=" in sets)
    except OSError:
        return False


@dataclass
class Worker:
    """One ``streamlit run asgi.py`` on ``127.0.0.1:port``; ``name`` is its sticky-cookie value."""

    name: str
    port: int
    log: Path
    proc: subprocess.Popen | None = field(default=None, repr=False)
    started_at: float = 0.0
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Stack:
    """HAProxy + ``workers`` app processes + (unless ``database_url``) PostgreSQL; see the module docstring.

    ``port=0`` picks a free port for HAProxy. ``fsync=False`` is for throwaway test databases.
    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, workers: int | None = None, *, host: str = "127.0.0.1", port: int = 8501,
                 var_dir: Path | str | None = None, database_url: str | None = None,
                 worker_ports: list[int] | None = None, fsync: bool = True, log=None,
                 script: Path | None = None) -> None:
        from geo.data.paths import VAR_DIR

        n = workers or default_workers()
        if worker_ports and len(worker_ports) != n:
            raise ValueError(f"{n} workers but {len(worker_ports)} worker ports")
        self.host = host
        # what ./atlas run serves: app.py inside asgi.py (compression, cache lifetimes); another for benchmarks
        self.script = Path(script or ROOT / "asgi.py")
        self._pick_port = not port  # port 0: a free one, picked again if taken before HAProxy binds it
        self.port = port or free_port("127.0.0.1" if host in ("0.0.0.0", "*", "") else host)
        self.var_dir = Path(var_dir or VAR_DIR).resolve()
        self.serve_dir = self.var_dir / "serve"
        self.database_url = (database_url or "").strip() or None
        self.postgres = None if self.database_url else LocalPostgres(self.var_dir / "postgres", fsync=fsync)
        ports = worker_ports or free_ports(n, exclude={self.port})
        self.workers = [Worker(f"w{i + 1}", p, self.serve_dir / f"w{i + 1}.log") for i, p in enumerate(ports)]
        self.haproxy: subprocess.Popen | None = None
        self.config_path = self.serve_dir / "haproxy.cfg"
        self.stats_socket = self.serve_dir / "haproxy.sock"
        self.state_path = self.serve_dir / "state.json"
        self._log = log or (lambda msg: print(f"atlas serve: {msg}", file=sys.stderr, flush=True))
        self._deathsig = pdeathsig_prefix("TERM")
        self._secret = ""
        self._lock = None  # open file holding an exclusive lock on <var>/serve/lock while we run

    # ---------------------------------------------------------------- addresses
    @property
    def url(self) -> str:
        """Return the proxy's URL as seen from this machine."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "*", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def store_url(self) -> str:
        """Return the SQLAlchemy URL of the shared store the workers use."""
        return self.database_url or self.postgres.url()  # type: ignore[union-attr]

    # ---------------------------------------------------------------- start
    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 120.0) -> None:
        """Start PostgreSQL (if ours), the workers, then HAProxy; return once the proxy answers."""
        self.serve_dir.mkdir(parents=True, exist_ok=True)
        lock = (self.serve_dir / "lock").open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise StackError(f"another ./atlas serve runs with {self.var_dir} (see {self.state_path}); "
                             "stop it or pass another --var-dir") from None
        self._lock = lock
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        haproxy.find_haproxy()  # fail before starting anything
        if not self._pick_port and not _can_listen(self.host, self.port):
            raise StackError(f"port {self.port} is in use by another program (another ./atlas run or serve?); "
                             "stop it or choose another port with --port")
        self._secret = self._cookie_secret()
        if self.postgres is not None:
            created = self.postgres.init()
            self._log(("created" if created else "using") + f" PostgreSQL cluster in {self.postgres.data_dir}")
            self.postgres.start()
        self._migrate()
        for worker in self.workers:
            self._spawn(worker)
        for worker in self.workers:
            self._wait_healthy(worker, deadline)
        try:
            took = warm([w.port for w in self.workers], timeout=max(10.0, deadline - time.monotonic()))
        except (WarmupError, OSError, TimeoutError) as exc:
            raise StackError(f"a worker failed its first run of the map page ({exc}); see {self.serve_dir}/w*.log") from exc
        self._log("workers warm (map page run once in " + ", ".join(f"{s:.1f}" for s in took) + " s)")
        self._start_haproxy(deadline)
        self._write_state()
        self._log(f"serving {self.url} — {len(self.workers)} workers, store {self._store_label()}")

    def _cookie_secret(self) -> str:
        """One secret for all workers (Streamlit signs its cookies with it), kept across restarts.

        ``$STREAMLIT_SERVER_COOKIE_SECRET`` if set (several hosts share one), else ``<var>/serve/cookie_secret``.
        """
        if os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET", "").strip():
            return os.environ["STREAMLIT_SERVER_COOKIE_SECRET"].strip()
        path = self.serve_dir / "cookie_secret"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(32))
        return path.read_text().strip()

    def _migrate(self) -> None:
        from geo.imports.store import Store

        try:
            store = Store(self.store_url)  # creates the tables if missing ("migrate on first use")
        except Exception as exc:  # unreachable server, bad URL, no rights: say which store, not a traceback
            raise StackError(f"cannot open the store {self._store_label()}: {type(exc).__name__}: {exc}") from exc
        store.engine.dispose()

    def _store_label(self) -> str:
        import sqlalchemy as sa

        return sa.engine.make_url(self.store_url).render_as_string(hide_password=True)

    def _spawn(self, worker: Worker) -> None:
        # ATLAS_DEPLOYMENT=office: the worker listens on loopback, but serves the office through HAProxy,
        # so visitors are viewers until they sign in (ui/auth.py)
        env = {**os.environ, "ATLAS_DATABASE_URL": self.store_url, "ATLAS_WORKER": worker.name,
               "STREAMLIT_SERVER_COOKIE_SECRET": self._secret, "ATLAS_DEPLOYMENT": "office"}
        log = worker.log.open("ab")
        worker.proc = subprocess.Popen(
            [*self._deathsig, sys.executable, "-m", "streamlit", "run", str(self.script),
             "--server.port", str(worker.port), "--server.address", "127.0.0.1", "--server.headless", "true",
             *WORKER_OPTIONS],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        log.close()
        worker.started_at = time.monotonic()

    def _wait_healthy(self, worker: Worker, deadline: float) -> None:
        while not _healthy(worker.url):
            if not worker.alive:
                raise StackError(f"worker {worker.name} exited at start; see {worker.log}")
            if time.monotonic() > deadline:
                raise StackError(f"worker {worker.name} not healthy in time; see {worker.log}")
            time.sleep(0.2)  # polling the worker's health endpoint

    def _start_haproxy(self, deadline: float, attempts: int = 3) -> None:
        """Start HAProxy; with a picked port (``port=0``) taken meanwhile by another program, pick again."""
        for attempt in range(1, attempts + 1):
            try:
                self._launch_haproxy(deadline)
                return
            except _PortTaken as exc:
                if not self._pick_port or attempt == attempts:
                    raise StackError(str(exc)) from None
                old = self.port
                self.port = free_port("127.0.0.1" if self.host in ("0.0.0.0", "*", "") else self.host)
                self._log(f"port {old} was taken before HAProxy could listen on it; trying {self.port}")

    def _launch_haproxy(self, deadline: float) -> None:
        backends = [haproxy.Backend(w.name, f"127.0.0.1:{w.port}") for w in self.workers]
        self.config_path.write_text(haproxy.render(f"{self.host}:{self.port}", backends, self.stats_socket),
                                    encoding="utf-8")
        haproxy.check_config(self.config_path)
        log_path = self.serve_dir / "haproxy.log"
        log = log_path.open("ab")
        logged = log.tell()  # the log is appended to: read only what this start writes
        self.haproxy = subprocess.Popen([*self._deathsig, haproxy.find_haproxy(), "-db", "-f", str(self.config_path)],
                                        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        log.close()
        # ready when the answer comes from our HAProxy (its cookie: not another server on the port)
        # and HAProxy still runs after it (it exits if it cannot bind its port)
        while not (_healthy(self.url, cookie=haproxy.COOKIE) and self.haproxy.poll() is None):
            if self.haproxy.poll() is not None:
                self.haproxy = None
                alerts = _alerts(log_path, logged)
                if "Address already in use" in alerts:
                    raise _PortTaken(f"port {self.port} is in use by another program: {alerts}")
                raise StackError(f"HAProxy exited at start ({alerts or 'no message'}); see {log_path}")
            if time.monotonic() > deadline:
                raise StackError("HAProxy did not answer in time")
            time.sleep(0.1)  # polling the proxy's health endpoint

    # ---------------------------------------------------------------- run
    def poll(self, timeout: float = 120.0) -> list[str]:
        """Restart workers that exited (not more often than every :data:`MIN_UPTIME` s); return what was done.

        A restarted worker is kept out of rotation (HAProxy maintenance) until it is healthy and warm.
        Raises :class:`StackError` if HAProxy or our PostgreSQL is no longer running.
        """
        if self.haproxy is None or self.haproxy.poll() is not None:
            code = self.haproxy.returncode if self.haproxy else None
            alerts = _alerts(self.serve_dir / "haproxy.log")
            raise StackError(f"HAProxy stopped (status {code}{': ' + alerts if alerts else ''}); "
                             f"see {self.serve_dir / 'haproxy.log'}")
        if self.postgres is not None and not self.postgres.running:
            raise StackError(f"PostgreSQL stopped; see {self.postgres.log_path}")
        events = []
        for worker in self.workers:
            if worker.alive or time.monotonic() - worker.started_at < MIN_UPTIME:
                continue
            code = worker.proc.returncode if worker.proc else None
            worker.restarts += 1
            haproxy.set_ready(self.stats_socket, worker.name, False)
            self._spawn(worker)
            self._write_state()
            try:
                self._wait_healthy(worker, time.monotonic() + timeout)
                warm([worker.port], timeout=timeout)
            except (StackError, WarmupError, OSError, TimeoutError) as exc:  # out of rotation; tried again
                _terminate(worker.proc, 10)  # type: ignore[arg-type]
                events.append(f"worker {worker.name} exited (status {code}); restart {worker.restarts} failed: {exc}")
                continue
            haproxy.set_ready(self.stats_socket, worker.name, True)
            events.append(f"worker {worker.name} exited (status {code}); started again as pid {worker.pid} "
                          f"(restart {worker.restarts}, see {worker.log})")
        if events:
            self._write_state()
        return events

    def serve_forever(self, interval: float = 1.0) -> None:
        """Watch the children until interrupted (KeyboardInterrupt) or a vital part stops (StackError)."""
        while True:
            for event in self.poll():
                self._log(event)
            time.sleep(interval)  # supervision period

    def state(self) -> dict:
        """Return what runs: URLs, pids and ports (no passwords)."""
        return {
            "url": self.url, "pid": os.getpid(), "store": self._store_label(),
            "haproxy": {"pid": self.haproxy.pid if self.haproxy else None, "config": str(self.config_path),
                        "stats_socket": str(self.stats_socket), "cookie": haproxy.COOKIE},
            "postgres": None if self.postgres is None else {
                "pid": self.postgres.proc.pid if self.postgres.proc else None, "data": str(self.postgres.data_dir)},
            "workers": [{"name": w.name, "port": w.port, "pid": w.pid, "url": w.url, "log": str(w.log),
                         "restarts": w.restarts} for w in self.workers],
        }

    def _write_state(self) -> None:
        tmp = self.state_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.state(), indent=2) + "\n", encoding="utf-8")
        tmp.replace(self.state_path)

    # ---------------------------------------------------------------- stop
    def stop(self) -> None:
        """Stop HAProxy, the workers, then PostgreSQL (each waited for; killed if it does not stop)."""
        if self._lock is None:  # not started (or another instance holds the folder): nothing of ours runs
            return
        if self.haproxy is not None:
            _terminate(self.haproxy, 5)
            self.haproxy = None
        live = [w for w in self.workers if w.proc is not None]
        for worker in live:
            if worker.proc.poll() is None:  # type: ignore[union-attr]
                worker.proc.terminate()  # type: ignore[union-attr]
        for worker in live:
            _terminate(worker.proc, 15)  # type: ignore[arg-type]
            worker.proc = None
        if self.postgres is not None:
            self.postgres.stop()
        self.state_path.unlink(missing_ok=True)
        self.stats_socket.unlink(missing_ok=True)
        self._lock.close()  # releases the lock
        self._lock = None


def _terminate(proc: subprocess.Popen, timeout: float) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="./atlas serve", description="Serve the atlas to an office: N app processes "
                                 "behind HAProxy, one shared PostgreSQL. Ctrl-C stops everything it started.")
    ap.add_argument("--workers", type=int, default=default_workers(),
                    help=f"app processes (default: the number of cores, here {default_workers()})")
    ap.add_argument("--host", default=os.environ.get("ATLAS_HOST", "0.0.0.0"),
                    help="address HAProxy listens on (default 0.0.0.0: the office network; 127.0.0.1: this machine)")
    ap.add_argument("--port", type=int, default=int(os.environ.get("ATLAS_PORT", "8501")),
                    help="port HAProxy listens on (default $ATLAS_PORT or 8501; 0: a free one)")
    ap.add_argument("--worker-ports", default="", help="comma-separated loopback ports of the workers (default: free ones)")
    ap.add_argument("--var-dir", type=Path, default=None, help="state folder (default $ATLAS_VAR_DIR or var/)")
    args = ap.parse_args(argv)
    if not 1 <= args.workers <= 64:
        ap.error("--workers must be 1…64")
    try:
        ports = [int(p) for p in args.worker_ports.split(",") if p.strip()] or None
    except ValueError:
        ap.error("--worker-ports: comma-separated numbers, e.g. 8601,8602")
    signal.signal(signal.SIGINT, _interrupt)  # also when started with SIGINT ignored (a background job)
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # respect nohup
        signal.signal(signal.SIGHUP, _interrupt)
    try:
        stack = Stack(args.workers, host=args.host, port=args.port, var_dir=args.var_dir,
                      database_url=os.environ.get("ATLAS_DATABASE_URL"), worker_ports=ports)
    except (ValueError, PostgresUnavailable) as exc:
        print(f"atlas serve: {exc}", file=sys.stderr)
        return 2
    try:
        stack.start()
        where = (f" (other machines: http://{socket.gethostname()}:{stack.port})"
                 if args.host in ("0.0.0.0", "*", "") else "")
        print(f"Beijing IP Atlas: {stack.url}{where}, {len(stack.workers)} workers. Ctrl-C stops everything.",
              flush=True)
        stack.serve_forever()
    except KeyboardInterrupt:
        print("atlas serve: stopping…", file=sys.stderr, flush=True)
        return 0
    except (StackError, PostgresUnavailable, haproxy.HaproxyUnavailable) as exc:
        print(f"atlas serve: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0
