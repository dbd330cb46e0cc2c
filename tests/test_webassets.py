"""ui.webassets: the compression and cache policy ``./atlas run`` applies around Streamlit's server.

The middleware wraps Starlette's own file serving (as Streamlit's routes do) and is called as an
ASGI server would call it. ``./atlas run`` and ``./atlas serve``'s workers start ``asgi.py``, which
Streamlit must recognise as an ``st.App`` (else it would run it as a page script).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import re
from pathlib import Path

import pytest
from conftest import ROOT
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ui.webassets import COMPILE_HINT, HOUR, YEAR, AssetPolicy, cache_control, startup_scripts

JS = b"function atlas(){return 'map';}\n" * 400
CSS = b".atlas-root{display:block}\n" * 400
GEO = b'{"type":"FeatureCollection","features":[]}' + b" " * 4000
STREAMLIT_PAGE = b'<html><head><title>Streamlit</title></head><body><div id="root"></div></body></html>'


@pytest.fixture
def site(tmp_path: Path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "index.abc123.js").write_bytes(JS)
    (tmp_path / "static" / "js" / "PlotlyChart.def456.js").write_bytes(JS)  # a chunk loaded later, for one element
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "leaflet.js").write_bytes(JS)
    (tmp_path / "app" / "loader.mjs").write_bytes(JS)
    (tmp_path / "app" / "map.css").write_bytes(CSS)
    (tmp_path / "app" / "geo.json").write_bytes(GEO)
    (tmp_path / "app" / "font.woff2").write_bytes(b"\0" * 5000)
    (tmp_path / "page.html").write_bytes(b"<html>" + b" " * 3000 + b"</html>")
    (tmp_path / "index.html").write_bytes(STREAMLIT_PAGE)  # what Streamlit answers for a page address
    inner = Starlette(routes=[Mount("/static", StaticFiles(directory=tmp_path / "static")),
                              Mount("/app/static", StaticFiles(directory=tmp_path / "app")),
                              Mount("/", StaticFiles(directory=tmp_path, html=True))])
    calls = []

    async def counting(scope, receive, send):
        if scope["type"] == "http":
            calls.append(scope["path"])
        await inner(scope, receive, send)

    return AssetPolicy(counting, startup=frozenset({"index.abc123.js"})), calls


def get(app, path: str, method: str = "GET", gzip_ok: bool = True) -> tuple[int, dict[str, str], bytes]:
    """Call the ASGI app as a server would; return status, headers, body."""
    path, _, query = path.partition("?")
    headers = [(b"host", b"atlas")] + ([(b"accept-encoding", b"gzip, deflate, br")] if gzip_ok else [])
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8501)}
    sent: list[dict] = []
    asked = asyncio.Event()

    async def receive():
        if not asked.is_set():
            asked.set()
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)  # the client stays connected

    async def send(message):
        sent.append(message)

    async def run():
        await asyncio.wait_for(app(scope, receive, send), timeout=20)

    # a thread of its own: an earlier test (Playwright's sync API) may have left a loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    hdrs = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], hdrs, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_the_policy_by_address():
    assert cache_control("/static/css/index.C1JORDN2.css") == YEAR
    assert cache_control("/static/media/SourceSansVF-Upright.ttf.BsWL4Kly.woff2") == YEAR
    assert cache_control("/app/static/atlas/atlas-geo-wgs84-1edd4ad8c655.json") == YEAR
    assert cache_control("/app/static/atlasmap/atlas-map.js", "v=31d19d439b") == YEAR
    assert cache_control("/app/static/leaflet/leaflet.js") == HOUR
    assert cache_control("/app/static/leaflet/leaflet.js", "v=") == HOUR
    assert cache_control("/") is None and cache_control("/_stcore/health") is None and cache_control("/map") is None


def test_versioned_text_goes_out_gzipped_once_and_immutable(site):
    app, calls = site
    for path in ("/static/js/index.abc123.js", "/app/static/leaflet.js?v=0123456789"):
        status, headers, body = get(app, path)
        assert status == 200 and headers["content-encoding"] == "gzip", headers
        assert gzip.decompress(body) == COMPILE_HINT + JS and len(body) < len(JS) / 10
        assert headers["cache-control"] == YEAR and headers["vary"] == "Accept-Encoding"
        assert int(headers["content-length"]) == len(body) and headers["etag"].startswith('W/"')
        before = len(calls)
        again = get(app, path)
        assert again[2] == body and len(calls) == before  # compressed once, then served from memory
        head = get(app, path, method="HEAD")
        assert head[0] == 200 and head[2] == b"" and head[1]["content-length"] == headers["content-length"]


def test_javascript_run_at_start_goes_out_with_v8s_compile_hint_first_and_nothing_else_does(site):
    app, _ = site
    for path, raw, hinted in (("/app/static/loader.mjs?v=0123456789", JS, True),
                              ("/static/js/index.abc123.js", JS, True),
                              ("/static/js/PlotlyChart.def456.js", JS, False),
                              ("/app/static/map.css?v=0123456789", CSS, False),
                              ("/app/static/geo.json?v=0123456789", GEO, False)):
        status, _, body = get(app, path)
        text = gzip.decompress(body)
        assert status == 200 and text == (COMPILE_HINT + raw if hinted else raw), path
        assert text.startswith(b"//# allFunctionsCalledOnLoad\n") == hinted  # the very first line, as V8 reads it


def test_streamlits_start_up_scripts_are_read_from_its_page():
    import streamlit

    page = (Path(streamlit.__file__).parent / "static" / "index.html").read_bytes()
    startup = AssetPolicy(lambda *a: None, first_view=False)._startup
    main = re.search(rb'type="module"[^>]*src="[^"]*/(index\.[^"/]+\.js)"', page)
    assert main and main.group(1).decode() in startup
    assert len(startup) >= 10 and startup == startup_scripts(page)
    assert all(name.endswith(".js") for name in startup)
    chunks = {p.name for p in (Path(streamlit.__file__).parent / "static" / "static" / "js").glob("*.js")}
    assert startup < chunks and len(chunks - startup) > 100  # the lazily loaded chunks are left alone


def test_a_client_without_gzip_gets_the_file_as_is(site):
    app, _ = site
    status, headers, body = get(app, "/static/js/index.abc123.js", gzip_ok=False)
    assert status == 200 and body == JS and "content-encoding" not in headers
    assert headers["cache-control"] == YEAR


def test_unversioned_files_get_an_hour_fonts_stay_uncompressed_pages_no_cache(site):
    app, _ = site
    status, headers, body = get(app, "/app/static/leaflet.js")
    assert status == 200 and headers["cache-control"] == HOUR
    status, headers, body = get(app, "/app/static/font.woff2?v=0123456789")
    assert status == 200 and headers["cache-control"] == YEAR and body == b"\0" * 5000
    assert "content-encoding" not in headers
    status, headers, _ = get(app, "/page.html")
    assert status == 200 and headers["cache-control"] == "no-cache"
    status, headers, _ = get(app, "/static/js/missing.js")
    assert status == 404 and "cache-control" not in headers


def test_atlas_run_serves_app_py_inside_st_app():
    from streamlit.web.server.app_discovery import discover_asgi_app

    for launcher in (ROOT / "asgi.py", ROOT / "bench" / "empty_asgi.py"):
        found = discover_asgi_app(launcher)
        assert found.is_asgi_app and found.app_name == "app", launcher
    atlas = (ROOT / "atlas").read_text(encoding="utf-8")
    assert 'streamlit" run asgi.py' in atlas


def test_a_page_gets_its_first_view_compressed_uncached_and_never_a_304(site):
    app, _ = site
    status, headers, body = get(app, "/?year=2019&lang=en")
    assert status == 200 and headers["content-encoding"] == "gzip" and headers["cache-control"] == "no-cache"
    assert "etag" not in headers and "last-modified" not in headers  # it follows the data: no 304 on reload
    page = gzip.decompress(body).decode()
    assert page.index('id="atlas-first"') < page.index('<div id="root">') and "2019" in page
    assert int(headers["content-length"]) == len(body)
    status, headers, body = get(app, "/", gzip_ok=False)
    assert status == 200 and b'id="atlas-first"' in body and "content-encoding" not in headers
    head = get(app, "/", method="HEAD")
    assert head[0] == 200 and head[2] == b""
    status, headers, body = get(app, "/targets/_stcore/health")  # not a page: passed through as it is
    assert b"atlas-first" not in body


def test_the_empty_benchmark_page_has_no_first_view(site):
    app, _ = site
    bare = AssetPolicy(app.app, first_view=False)
    status, _, body = get(bare, "/", gzip_ok=False)
    assert status == 200 and body == STREAMLIT_PAGE


def test_connections_accepted_on_streamlits_socket_send_without_delay():
    """Streamlit binds its listening socket itself (protocol 0): asyncio then leaves Nagle's algorithm on, and
    each answer on a kept-alive connection waited ~40 ms for the browser's delayed acknowledgement."""
    import socket

    from streamlit.web.server.starlette.starlette_server import _bind_socket

    from ui.webassets import no_delay

    listener = _bind_socket("127.0.0.1", 0, 8)
    try:
        def accepted_nodelay() -> int:
            with socket.create_connection(listener.getsockname()[:2], timeout=5):
                listener.setblocking(True)
                conn, _ = listener.accept()
                with conn:
                    return conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)

        assert accepted_nodelay() == 0, "Streamlit now sets TCP_NODELAY itself: ui.webassets.no_delay can go"
        assert no_delay() >= 1
        assert accepted_nodelay() != 0
        assert no_delay(fd_dir="/nonexistent") == 0  # not Linux: nothing to do
    finally:
        listener.close()


def test_the_policy_sets_no_delay_once_when_the_server_starts(site, monkeypatch):
    from ui import webassets

    calls = []
    monkeypatch.setattr(webassets, "no_delay", lambda: calls.append(1) or 1)
    app, _ = site
    lifespan = {"type": "lifespan", "asgi": {"version": "3.0"}}

    async def run():
        async def receive():
            return {"type": "lifespan.shutdown"}

        async def send(message):
            pass

        try:
            await app(lifespan, receive, send)
        except Exception:  # the inner test app has no lifespan of its own: only the policy's call matters here
            pass

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()
    get(app, "/static/js/index.abc123.js")
    assert calls == [1]
