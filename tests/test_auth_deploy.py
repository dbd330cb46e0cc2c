"""Deployment side of sign-in: HAProxy drops identity headers a client sends; workers listen on loopback only.

A real HAProxy (the shipped template) in front of a small HTTP server that records the headers it
receives: a request carrying every forged identity header arrives without them.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port

from deploy import haproxy

FORGED = {"X-Forwarded-User": "admin", "Remote-User": "admin", "X-Remote-User": "admin",
          "X-Forwarded-Email": "admin@bjipo.gov.cn", "X-Auth-Request-User": "admin"}


def test_the_config_drops_every_forged_identity_header(tmp_path):
    cfg = haproxy.render("127.0.0.1:8501", [haproxy.Backend("w1", "127.0.0.1:8601")], tmp_path / "s")
    frontend = cfg.split("frontend atlas", 1)[1].split("backend workers", 1)[0]
    for name in FORGED:
        assert f"http-request del-header {name}\n" in frontend


def test_haproxy_strips_forged_identity_headers_before_the_worker(tmp_path):
    try:
        binary = haproxy.find_haproxy()
    except haproxy.HaproxyUnavailable as exc:
        pytest.skip(str(exc))
    seen: list[dict[str, str]] = []

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/_stcore/health":
                seen.append(dict(self.headers.items()))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    worker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=worker.serve_forever, daemon=True).start()
    port = free_port()
    path = Path(tmp_path) / "haproxy.cfg"
    path.write_text(haproxy.render(f"127.0.0.1:{port}", [haproxy.Backend("w1", f"127.0.0.1:{worker.server_port}")],
                                   tmp_path / "haproxy.sock"), encoding="utf-8")
    proc = subprocess.Popen([binary, "-db", "-f", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/import",
                                                 headers={**FORGED, "X-Probe": "kept"})
                with opener.open(request, timeout=5) as r:
                    assert r.status == 200
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)  # polling until HAProxy listens
        got = {k.lower(): v for k, v in seen[-1].items()}
        assert got.get("x-probe") == "kept"  # other headers pass
        assert [h for h in FORGED if h.lower() in got] == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        worker.shutdown()
        worker.server_close()
