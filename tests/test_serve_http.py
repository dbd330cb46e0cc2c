"""``./atlas serve`` over HTTP: what goes out compressed, and how long a browser may keep it.

One stack of the real command (``python -m deploy``: HAProxy, one worker, a throwaway PostgreSQL) on
free loopback ports. A client that behaves like a browser (keeps HAProxy's sticky cookie from the
page, sends ``Accept-Encoding: gzip``) asks for the page and its assets:

- the page HTML (``/``, ``/map``, ``/targets``) and ``/_stcore/health`` are ``no-cache``; the root
  document comes gzip-compressed by HAProxy (neither Streamlit nor ``ui/webassets.py`` compresses it);
- content-versioned assets — Streamlit's hashed bundle named in the page, Leaflet and the map
  renderer requested with ``?v=<content hash>`` as the map asks for them, the content-hashed
  geometry file — come back gzip-compressed, with a one-year ``immutable`` lifetime, and unpack to
  the very bytes of the file (JavaScript after V8's one-line compile hint, ``ui.webassets.COMPILE_HINT``);
- Leaflet without its version gets only a short lifetime;
- the websocket still works through the compressing proxy (the map page runs over it).

Skipped, with the reason, where haproxy or PostgreSQL is missing.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from test_stack import Served

from deploy import haproxy
from deploy.postgres import PostgresUnavailable, find_bindir
from deploy.warmup import warm
from ui.webassets import COMPILE_HINT

YEAR = 31536000


@pytest.fixture(scope="module")
def served():
    try:
        haproxy.find_haproxy()
        find_bindir()
    except (haproxy.HaproxyUnavailable, PostgresUnavailable) as exc:
        pytest.skip(str(exc))
    base = Path(tempfile.mkdtemp(prefix="atlas-http-"))
    base.chmod(0o755)  # as root, the postgres user must reach its data folder
    var = base / "var"
    env = {k: v for k, v in os.environ.items() if k != "ATLAS_DATABASE_URL"}
    log = (base / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "deploy", "--workers", "1", "--host", "127.0.0.1", "--port", "0",
                             "--var-dir", str(var)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    s = Served(proc, var)
    try:
        deadline = time.monotonic() + 150
        while not s.state_path.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)  # polling for the state file the command writes once it serves
        if not s.state_path.exists():
            pytest.fail(f"./atlas serve exited with {proc.returncode}:\n{(base / 'serve.log').read_text()[-2000:]}")
        yield s
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        log.close()
        shutil.rmtree(base, ignore_errors=True)


class Browser:
    """GETs with a browser's Accept-Encoding and cookie jar (HAProxy's sticky cookie is kept)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                  urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.base + path, headers={"Accept-Encoding": "gzip, deflate, br"})
        with self.opener.open(req, timeout=30) as r:
            # several Cache-Control lines count as one comma-separated list
            headers = {k.lower(): ", ".join(r.headers.get_all(k)) for k in set(r.headers.keys())}
            return r.status, headers, r.read()


def _assert_long_lived_gzip(browser: Browser, path: str, expected: bytes) -> None:
    status, headers, body = browser.get(path)
    assert status == 200, path
    assert headers.get("content-encoding") == "gzip", (path, headers)
    if urlsplit(path).path.endswith((".js", ".mjs")):
        expected = COMPILE_HINT + expected  # compiled while it downloads (ui/webassets.py)
    assert gzip.decompress(body) == expected, path
    cache = [d.strip() for d in headers.get("cache-control", "").split(",")]
    assert f"max-age={YEAR}" in cache and "immutable" in cache and "public" in cache, (path, cache)
    assert "no-cache" not in cache and "private" not in cache, (path, cache)


def test_versioned_assets_compressed_and_immutable_page_not_cached(served):
    from ui.atlasmap import ASSETS

    browser = Browser(served.url)
    status, headers, html = browser.get("/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "no-cache" in headers.get("cache-control", ""), headers
    assert "max-age" not in headers.get("cache-control", "")
    # the page with its first view, compressed by ui/webassets.py (HAProxy would compress it otherwise)
    assert headers.get("content-encoding") == "gzip", headers
    for page in ("/map", "/targets", "/_stcore/health"):
        assert "no-cache" in browser.get(page)[1].get("cache-control", ""), page

    # Streamlit's own hashed bundle, as the page names it
    html_text = gzip.decompress(html).decode() if headers.get("content-encoding") == "gzip" else html.decode()
    # (the page asks for it once its first view is painted: named in the loader's list, ui/firstview.py)
    bundle = re.search(r'(?:src="|"src":")\.?(/static/js/index\.[^"]+\.js)"', html_text)
    assert bundle, "no Streamlit bundle named in the page"
    streamlit_static = Path(sys.modules["streamlit"].__file__).parent / "static"
    _assert_long_lived_gzip(browser, bundle.group(1), (streamlit_static / bundle.group(1).lstrip("/")).read_bytes())

    # Leaflet and the renderer as the map page asks for them (content-versioned with ?v=)
    paths = [p for key in ("leaflet", "leafletCss", "renderer", "css")
             for p in (ASSETS[key] if isinstance(ASSETS[key], list) else [ASSETS[key]])]  # the renderer: its parts
    for path in paths:
        assert "?v=" in path, path
        _assert_long_lived_gzip(browser, path, (ROOT / urlsplit(path).path.removeprefix("/app/")).read_bytes())

    # the geometry file (content-hashed name) the worker wrote when it ran the map page
    geometry = sorted((ROOT / "static" / "atlas").glob("atlas-geo-*.json"))
    assert geometry, "no geometry asset in static/atlas/"
    _assert_long_lived_gzip(browser, f"/app/static/atlas/{geometry[0].name}", geometry[0].read_bytes())

    # without its version a file gets a short lifetime only
    unversioned = browser.get("/app/static/leaflet/leaflet.js")[1].get("cache-control", "")
    assert "immutable" not in unversioned and f"max-age={YEAR}" not in unversioned, unversioned

    # the websocket passes the compressing proxy: the map page runs over it to the end
    host, port = urlsplit(served.url).hostname, urlsplit(served.url).port
    # in a thread of its own: the session's Playwright browser keeps an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(warm, [port], host, timeout=60.0).result()[0] > 0


def test_a_pages_probe_of_stcore_is_answered_300_not_404(served):
    """The frontend, on a page's own address, probes ``<page>/_stcore/…`` before the root (ui/basepath.py):
    through HAProxy that is a 300 (no console error, no redirect to follow), never a 404."""
    browser = Browser(served.url)
    for path in ("/targets/_stcore/health", "/targets/_stcore/host-config", "/trends/_stcore/health"):
        with pytest.raises(urllib.error.HTTPError) as answer:  # urllib follows no 300: it is an "error" to it
            browser.get(path)
        assert answer.value.code == 300, path
        assert answer.value.headers.get("location") is None, path
        assert "no-store" in answer.value.headers.get("cache-control", ""), path
    assert browser.get("/_stcore/health")[0] == 200
