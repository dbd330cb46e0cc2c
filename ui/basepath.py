"""Where Streamlit's frontend looks for its server when a page is opened by its own address.

Streamlit 1.67's frontend does not know where the app is mounted. On a page opened by its own
address (``/targets``, ``/map?lang=en``…) it probes the page's path first, then its parent
(streamlit/streamlit#7074): it fetches ``/targets/_stcore/health`` and ``/targets/_stcore/host-config``,
and only if either answer is not ``ok`` (2xx) it tries ``/_stcore/…`` 100 ms later. The first candidate
that answers both with 2xx becomes its base path, for the websocket (``<base>/_stcore/stream``) and for
working out which page the address names. (Installed bundle ``static/js/index.*.js``: the candidate
list is ``PD()`` — the path and its parent, at most two; the pings are ``VD()`` — ``Promise.all`` of the
two fetches, any non-ok answer moves on to the next candidate.)

Streamlit answers those two probes under a page with 404, and Chromium logs every answer of 400 or
more as a console error ("Failed to load resource"), which Lighthouse counts. Answering 2xx would be
worse: the frontend would take ``/targets`` as the app's root and open the map on it. So the atlas
answers them with **300 Multiple Choices** and no ``Location``: not ``ok`` (the frontend moves on to
the root, exactly as after the 404, with no change in timing), not followed as a redirect (neither
fetch nor Chromium follows a 300), and not an error (nothing logged). The app root's own endpoints
(``<server.baseUrlPath>/_stcore/…``) are never touched, so a configured base path keeps working.

The map is the default page, and Streamlit serves the default page at the app root only: ``/map``
(typed, or an old share link ``/map?year=…``) ran the map under a "Page not found" dialog and a console
error. It is redirected (302, query kept) to the root. ``MAIN_PAGE`` is the map's ``url_path`` in
``app.py``'s navigation.
"""

from __future__ import annotations

__all__ = ["MAIN_PAGE", "PROBES", "answer_misplaced", "main_page_redirect", "misplaced_probe"]

#: The default page's ``url_path`` (app.py); Streamlit serves that page at the app root only.
MAIN_PAGE = "map"

#: What the frontend fetches under each candidate base path before connecting (index.js: ``aD``, ``oD``).
PROBES = ("/_stcore/health", "/_stcore/host-config")
_BODY = b"Not here: Streamlit's endpoints are at the app root.\n"


def misplaced_probe(path: str, base_url: str = "") -> bool:
    """True when ``path`` is a frontend probe under a page's address, not under the app root.

    ``base_url`` is ``server.baseUrlPath`` ("" or e.g. "atlas", slashes allowed).

    >>> misplaced_probe("/targets/_stcore/health"), misplaced_probe("/_stcore/health")
    (True, False)
    >>> misplaced_probe("/atlas/_stcore/host-config", "atlas"), misplaced_probe("/atlas/map/_stcore/host-config", "/atlas/")
    (False, True)
    """
    probe = next((p for p in PROBES if path.endswith(p)), None)
    if probe is None:
        return False
    base = base_url.strip("/")
    root = f"/{base}" if base else ""
    prefix = path[: -len(probe)]
    return prefix != root and prefix.startswith(f"{root}/")


def main_page_redirect(path: str, query: str = "", base_url: str = "") -> str | None:
    """Where the main page's own address (``/map``) is sent: the app root, query kept; None for any other path.

    >>> main_page_redirect("/map", "lang=en&year=2020"), main_page_redirect("/atlas/map/", "", "atlas")
    ('/?lang=en&year=2020', '/atlas/')
    >>> main_page_redirect("/targets") is None and main_page_redirect("/map/x") is None
    True
    """
    base = base_url.strip("/")
    root = f"/{base}" if base else ""
    if path.rstrip("/") != f"{root}/{MAIN_PAGE}":
        return None
    return f"{root}/" + (f"?{query}" if query else "")


def _base_url() -> str:
    from streamlit import config

    return config.get_option("server.baseUrlPath") or ""


async def answer_misplaced(scope, send) -> bool:
    """Answer a misplaced probe (300) or the main page's own address (302 to the root) and return True;
    return False, untouched, for anything else. Neither answer may be cached."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    path = scope["path"]
    if path.endswith(PROBES) and misplaced_probe(path, _base_url()):
        status, body, extra = 300, _BODY, []
    elif path.rstrip("/").endswith(f"/{MAIN_PAGE}") and (
            target := main_page_redirect(path, scope.get("query_string", b"").decode("latin-1"), _base_url())):
        status, body, extra = 302, b"", [(b"location", target.encode("latin-1"))]
    else:
        return False
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
    return True
