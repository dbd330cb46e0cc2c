"""How the app's HTTP answers are compressed and cached: an ASGI middleware around Streamlit's server.

Streamlit 1.67 (starlette/uvicorn) serves its own JavaScript and CSS uncompressed on purpose (its
gzip middleware skips ``/static/`` and ``/``: compressing them again on every request costs CPU) and
the app's own files (``/app/static/``) with no cache lifetime. This middleware, mounted with
``st.App(..., middleware=…)`` (``asgi.py``; no change to Streamlit), applies the same policy as
HAProxy in ``./atlas serve`` (``deploy/haproxy.cfg.tmpl``):

- content-versioned assets — Streamlit's bundles (``/static/js|css|media/``, a hash in every name),
  the geometry (``/app/static/atlas/``, hashed names) and app files requested with
  ``?v=<content hash>`` (Leaflet, the map renderer: ``ui/atlasmap.py``) — may be kept a year,
  ``immutable``; the text ones (JS, CSS, JSON, SVG) go out gzip-compressed at level 9, compressed
  **once per process** and kept in memory (their content never changes under the same address);
- the JavaScript a page runs as it starts — Streamlit's module and the modules its page preloads
  (:func:`startup_scripts`), and the atlas's own scripts — goes out with V8's compile hint
  ``//# allFunctionsCalledOnLoad`` as its first line (Chrome 136+; other browsers read a comment): the
  browser compiles it while it downloads, on a background thread, instead of compiling each function
  on the main thread when it is first called. On a phone-sized map page at 4× CPU Streamlit's page is
  shown 0.2–0.4 s sooner (README, "Compression and caching": three A/B runs). Chunks Streamlit loads
  later, for one kind of element (charts, tables, a popover's widgets), stay compiled lazily, as V8
  advises for files most of whose code is not called at load (hinting them too was measured: README).
  A comment changes no behaviour; it goes with the compressed answer, which every browser asks for;
- any other file under ``/app/static/`` for an hour;
- pages (HTML) are ``no-cache`` (Streamlit already says so; kept true here).

The page HTML (any page address) gets the first view (``ui/firstview.py``): a still picture of the
link's map, or the page's title, painted before Streamlit's JavaScript arrives; it goes out
gzip-compressed (about 12 KB on the map page) and never as a 304 (it follows the data).

Each answer also goes out without waiting: Streamlit 1.67 binds its listening socket itself (protocol
number 0), so asyncio never sets ``TCP_NODELAY`` on the connections it accepts, and on a kept-alive
connection every answer waited ~40 ms for the browser's delayed acknowledgement (Nagle's algorithm:
measured 44 ms per request, against 1 ms on a new connection). :func:`no_delay` sets the option on the
process's listening sockets when the server starts; on Linux accepted connections inherit it.

Nothing else is touched: the websocket, ``/_stcore/`` and uploads pass straight through. (The frontend's
probes of ``/_stcore/`` under a page's own address, ``/targets/_stcore/health``, are answered here
without a console error, and ``/map`` goes to the root where Streamlit serves the map: ``ui/basepath.py``.)
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import socket
from pathlib import Path

from ui.basepath import answer_misplaced

__all__ = ["COMPILE_HINT", "HOUR", "YEAR", "AssetPolicy", "cache_control", "is_page", "no_delay", "startup_scripts"]

_LOG = logging.getLogger(__name__)

YEAR = "public, max-age=31536000, immutable"
HOUR = "public, max-age=3600"
_BUNDLE = re.compile(r"^/static/(js|css|media)/")
_VERSION = re.compile(r"(^|&)v=[0-9a-f]{6,64}(&|$)")
_TEXT_SUFFIXES = (".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map")
COMPILE_HINT = b"//# allFunctionsCalledOnLoad\n"  # V8's explicit compile hint for a whole file: see above
_CACHE_LIMIT = 64 * 1024 * 1024  # bytes of compressed assets kept per process (the atlas needs ~2 MB)
_PAGE_DROP = (b"etag", b"last-modified")  # the page follows the data: never answered with a 304
_NOT_PAGES = ("/_stcore", "/static/", "/app/", "/component", "/media/", "/favicon", "/robots")


def is_page(path: str) -> bool:
    """Return whether ``path`` is a page address (Streamlit answers it with its page HTML).

    >>> [is_page(p) for p in ("/", "/map", "/targets", "/_stcore/health", "/static/js/a.js", "/x.png")]
    [True, True, True, False, False, False]
    """
    last = path.rsplit("/", 1)[-1]
    return not path.startswith(_NOT_PAGES) and "/_stcore/" not in path and "." not in last


def cache_control(path: str, query: str = "") -> str | None:
    """The Cache-Control this policy gives a successful GET of ``path?query`` (None: leave as is).

    >>> cache_control("/static/js/index.DormvYxC.js") == YEAR
    True
    >>> cache_control("/app/static/leaflet/leaflet.js", "v=0123456789") == YEAR
    True
    >>> cache_control("/app/static/leaflet/leaflet.js") == HOUR
    True
    >>> cache_control("/map") is None
    True
    """
    if _BUNDLE.match(path) or path.startswith("/app/static/atlas/"):
        return YEAR
    if path.startswith("/app/static/"):
        return YEAR if _VERSION.search(query) else HOUR
    return None


def startup_scripts(page: bytes) -> frozenset[str]:
    """File names of the JavaScript a Streamlit page runs as it starts: its module and the modules it preloads.

    Read as the first view reads that head (``ui.firstview.defer_scripts``).

    >>> sorted(startup_scripts(b'<head><script type="module" crossorigin src="./static/js/index.A1.js"></script>'
    ...                        b'<link rel="modulepreload" crossorigin href="./static/js/react.B2.js">'
    ...                        b'<link rel="stylesheet" href="./static/css/index.C3.css"></head><body></body>'))
    ['index.A1.js', 'react.B2.js']
    """
    from ui.firstview import defer_scripts

    return frozenset((attrs.get("src") or attrs.get("href", "")).rsplit("/", 1)[-1]
                     for tag, attrs in defer_scripts(page)[2] if tag == "script" or attrs.get("rel") == "modulepreload")


def _streamlit_startup() -> frozenset[str]:
    """:func:`startup_scripts` of the page Streamlit serves (its ``static/index.html``); empty if unreadable."""
    import streamlit

    try:
        return startup_scripts((Path(streamlit.__file__).parent / "static" / "index.html").read_bytes())
    except OSError:
        _LOG.warning("Streamlit's index.html not readable: its scripts go out without the compile hint")
        return frozenset()


def no_delay(fd_dir: str = "/proc/self/fd") -> int:
    """Set ``TCP_NODELAY`` on this process's listening TCP sockets; return how many (0 where ``fd_dir`` is missing).

    Connections accepted afterwards inherit the option (Linux), so an answer's last segment is sent at
    once instead of after the peer's delayed acknowledgement. The sockets stay open and unchanged otherwise.
    """
    done = 0
    try:
        fds = [int(name) for name in os.listdir(fd_dir)]
    except OSError:  # not Linux: nothing to do here
        return 0
    for fd in fds:
        try:
            if not os.readlink(f"{fd_dir}/{fd}").startswith("socket:"):
                continue
            sock = socket.socket(fileno=os.dup(fd))
        except OSError:  # closed meanwhile, or not ours to read
            continue
        try:
            if (sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
                    and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                done += 1
        except OSError:
            _LOG.debug("TCP_NODELAY on fd %s", fd, exc_info=True)
        finally:
            sock.close()  # the duplicate only
    return done


class AssetPolicy:
    """ASGI middleware: the cache lifetimes above, and cached gzip for immutable text assets."""

    def __init__(self, app, first_view: bool = True, startup: frozenset[str] | None = None) -> None:
        self.app = app
        self._startup = _streamlit_startup() if startup is None else startup  # Streamlit's, by file name
        self._gz: dict[str, tuple[list[tuple[bytes, bytes]], bytes]] = {}
        self._size = 0
        self._first_view = first_view
        self._no_delay = False
        if first_view:
            from ui import firstview

            firstview.warm()

    async def __call__(self, scope, receive, send) -> None:
        if not self._no_delay:  # once, when the server starts (lifespan) or at the latest on its first request
            self._no_delay = True
            no_delay()
        if await answer_misplaced(scope, send):  # <page>/_stcore/health|host-config, /map: ui/basepath.py
            return
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path, query = scope["path"], scope.get("query_string", b"").decode("latin-1")
        lifetime = cache_control(path, query)
        request = {k.lower(): v for k, v in scope.get("headers", [])}
        if self._first_view and is_page(path):
            await self._page(scope, send, query, b"gzip" in request.get(b"accept-encoding", b""))
            return
        if (lifetime == YEAR and path.endswith(_TEXT_SUFFIXES) and b"gzip" in request.get(b"accept-encoding", b"")
                and b"range" not in request):
            key = f"{path}?{query}"
            hit = self._gz.get(key)
            if hit is None:
                hit = await self._compressed(scope)
            if hit is not None:
                headers, body = hit
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
                return

        async def send_with_policy(message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                value = lifetime or ("no-cache" if ctype.startswith(b"text/html") else None)
                if value is None:
                    headers = message.get("headers", [])
                else:
                    headers.append((b"cache-control", value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_policy)

    def _hinted(self, path: str) -> bool:
        """Whether the content-versioned file at ``path`` goes out with the compile hint (module docstring)."""
        if not path.endswith((".js", ".mjs")):
            return False
        return path.startswith("/app/static/") or path.rsplit("/", 1)[-1] in self._startup

    async def _page(self, scope, send, query: str, gzip_ok: bool) -> None:
        """Send the page HTML with the first view in it (``ui/firstview.py``), compressed, ``no-cache``, no validator."""
        import anyio

        from ui import firstview

        start, body = await self._fetch(scope)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in _PAGE_DROP]
        ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        encoded = any(k.lower() == b"content-encoding" for k, _ in headers)
        if start.get("status") == 200 and ctype.startswith(b"text/html") and not encoded:
            view, extra = await anyio.to_thread.run_sync(firstview.page, scope["path"], query)
            body = firstview.insert(body, view, scope["path"] in firstview.MAP_PATHS, extra)
            headers = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"cache-control")]
            if gzip_ok:
                body = gzip.compress(body, 6)
                headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
            headers += [(b"content-length", str(len(body)).encode()), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": start.get("status", 500), "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    async def _fetch(self, scope) -> tuple[dict, bytes]:
        """Return the app's whole answer (start message, body) to ``scope`` as a plain, unconditional GET."""
        import anyio

        drop = (b"accept-encoding", b"if-none-match", b"if-modified-since", b"range")
        inner = {**scope, "method": "GET", "headers": [(k, v) for k, v in scope.get("headers", [])
                                                       if k.lower() not in drop]}
        start: dict = {}
        chunks: list[bytes] = []
        done = anyio.Event()
        asked = []

        async def receive():
            # the request once; then (a response listening for the client going away) wait until
            # the whole body was sent: answering at once would make such a listener spin
            if not asked:
                asked.append(True)
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def collect(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        await self.app(inner, receive, collect)
        return start, b"".join(chunks)

    async def _compressed(self, scope) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        """Fetch the asset uncompressed from the app (JavaScript: with the compile hint), gzip it once and keep it.

        None if the app's answer is not a plain 200.
        """
        import anyio

        start, raw = await self._fetch(scope)
        if start.get("status") != 200:
            return None
        original = {k.lower(): v for k, v in start.get("headers", [])}
        if b"content-encoding" in original:
            return None
        if self._hinted(scope["path"]) and not raw.startswith(COMPILE_HINT):
            raw = COMPILE_HINT + raw
        body = await anyio.to_thread.run_sync(gzip.compress, raw, 9)
        keep = (b"content-type", b"last-modified", b"access-control-allow-origin", b"x-content-type-options")
        headers = [(k, v) for k, v in original.items() if k in keep]
        etag = original.get(b"etag")
        if etag:
            headers.append((b"etag", etag if etag.startswith(b"W/") else b"W/" + etag))
        headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding"),
                    (b"content-length", str(len(body)).encode()), (b"cache-control", YEAR.encode())]
        if self._size + len(body) <= _CACHE_LIMIT:
            self._gz[f"{scope['path']}?{scope.get('query_string', b'').decode('latin-1')}"] = (headers, body)
            self._size += len(body)
        return headers, body
