"""HAProxy in front of the workers: render the shipped template, check it, run it, read its state.

The template is ``deploy/haproxy.cfg.tmpl``; the same one serves one host (``./atlas serve``) and
several (README "Deployment": ``python -m deploy.haproxy --server w1=10.0.0.11:8501 …`` prints it).
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template

__all__ = [
    "COOKIE",
    "TEMPLATE",
    "Backend",
    "HaproxyUnavailable",
    "check_config",
    "command",
    "find_haproxy",
    "render",
    "server_states",
    "set_ready",
]

TEMPLATE = Path(__file__).with_name("haproxy.cfg.tmpl")
#: Name of the sticky-session cookie HAProxy sets (its value is the worker's name).
COOKIE = "ATLAS_WORKER"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class HaproxyUnavailable(RuntimeError):
    """HAProxy is not installed or refused the configuration."""


@dataclass(frozen=True)
class Backend:
    """One worker as HAProxy sees it: a name (also the cookie value) and ``host:port``."""

    name: str
    address: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"worker name {self.name!r}: letters, digits, '_', '.', '-' only")
        host, _, port = self.address.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536 or any(c in host for c in " \t\n#"):
            raise ValueError(f"worker address {self.address!r}: expected host:port")


def find_haproxy() -> str:
    """Return the path of Debian's ``haproxy`` binary."""
    path = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if path is None:
        raise HaproxyUnavailable("HAProxy is not installed (Debian package haproxy; "
                                 "./atlas serve and ./atlas test install it when run as root)")
    return path


def render(bind: str, backends: list[Backend], stats_socket: Path | str, cookie: str = COOKIE) -> str:
    """Return the HAProxy configuration: ``bind`` (e.g. ``127.0.0.1:8501``) in front of ``backends``.

    >>> cfg = render("127.0.0.1:8501", [Backend("w1", "127.0.0.1:8601")], "/tmp/h.sock")
    >>> "server w1 127.0.0.1:8601 cookie w1" in cfg and "bind 127.0.0.1:8501" in cfg
    True
    >>> render("127.0.0.1:8501", [], "/tmp/h.sock")
    Traceback (most recent call last):
    ...
    ValueError: at least one worker is needed
    """
    if not backends:
        raise ValueError("at least one worker is needed")
    if len({b.name for b in backends}) != len(backends):
        raise ValueError("worker names must be unique (they are the sticky cookie's values)")
    servers = "\n".join(f"    server {b.name} {b.address} cookie {b.name}" for b in backends)
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        bind=bind, servers=servers, stats_socket=str(stats_socket), cookie=cookie)


def check_config(path: Path) -> None:
    """Run ``haproxy -c`` on ``path``; raise :class:`HaproxyUnavailable` with its message if invalid."""
    out = subprocess.run([find_haproxy(), "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        alerts = [line for line in (out.stderr + out.stdout).splitlines() if "[ALERT]" in line] or [out.stderr.strip()]
        raise HaproxyUnavailable(f"haproxy refused {path}: " + " / ".join(alerts)[-800:])


def command(stats_socket: Path | str, line: str, timeout: float = 2.0) -> str:
    """Send one command to HAProxy's stats socket (runtime API); return its answer."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(timeout)
        s.connect(str(stats_socket))
        s.sendall(line.encode() + b"\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def set_ready(stats_socket: Path | str, worker: str, ready: bool, backend: str = "workers") -> None:
    """Put ``worker`` out of rotation (maintenance) or back (``ready``: health checks decide again)."""
    answer = command(stats_socket, f"set server {backend}/{worker} state {'ready' if ready else 'maint'}")
    if answer.strip():
        raise HaproxyUnavailable(f"haproxy: {answer.strip()}")


def server_states(stats_socket: Path | str, backend: str = "workers", timeout: float = 2.0) -> dict[str, str]:
    """Return ``{worker name: status}`` (``UP``, ``DOWN``, ``MAINT``, ``UP 1/3``…) from HAProxy's stats socket."""
    lines = command(stats_socket, "show stat", timeout).splitlines()
    header = lines[0].lstrip("# ").split(",")
    states = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=False))
        if row.get("pxname") == backend and row.get("svname") not in ("BACKEND", "FRONTEND", None):
            states[row["svname"]] = row["status"]
    return states


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m deploy.haproxy",
                                 description="Print the HAProxy configuration for workers on any hosts.")
    ap.add_argument("--bind", default="*:8501", help="address HAProxy listens on (default *:8501)")
    ap.add_argument("--server", action="append", required=True, metavar="NAME=HOST:PORT",
                    help="one worker (repeat): e.g. w1=10.0.0.11:8501")
    ap.add_argument("--stats-socket", default="/run/haproxy/atlas.sock")
    args = ap.parse_args(argv)
    try:
        backends = [Backend(*s.split("=", 1)) for s in args.server]
    except (TypeError, ValueError) as exc:
        ap.error(f"--server NAME=HOST:PORT: {exc}")
    sys.stdout.write(render(args.bind, backends, args.stats_socket))
    return 0


if __name__ == "__main__":
    sys.exit(main())
