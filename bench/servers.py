"""Start a Streamlit script on a free loopback port and read its memory (for bench and load)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from geo.data.paths import ROOT

__all__ = ["Server", "rss_mb", "start"]


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    name: str

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(script: Path, name: str, env_extra: dict[str, str] | None = None, timeout: float = 90.0) -> Server:
    """Run ``streamlit run script`` on 127.0.0.1 (cwd = project root, so .streamlit/config.toml applies)."""
    port = _free_port()
    env = {**os.environ, **(env_extra or {})}
    log_dir = ROOT / "bench" / ".cache"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = (log_dir / f"{name}.log").open("wb")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name}: streamlit exited early, see {log.name}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(proc, url, name)
        except OSError:
            pass
        time.sleep(0.2)  # polling a health endpoint
    proc.kill()
    raise RuntimeError(f"{name}: streamlit did not become healthy in {timeout:.0f} s")


def rss_mb(pid: int) -> float:
    """Return the resident set size of ``pid`` in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")
