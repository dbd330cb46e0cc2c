"""ui.basepath: the frontend's probes of ``/_stcore/`` under a page's own address (``/targets/_stcore/health``).

Streamlit's frontend tries the page's path as the app's base first; Streamlit answers 404 there, which
Chromium logs as a console error. The middleware answers 300 instead (not ok: the frontend goes on to the
root; not an error: nothing logged), and leaves the app root's own endpoints alone, with or without
``server.baseUrlPath``. In a real browser: tests/test_screens_browser.py.
"""

from __future__ import annotations

import doctest

import pytest
from test_webassets import get, site  # noqa: F401 (site: the fixture)

from ui import basepath
from ui.basepath import misplaced_probe


def test_doctests():
    assert doctest.testmod(basepath).failed == 0


def test_which_probes_are_misplaced():
    for path in ("/targets/_stcore/health", "/targets/_stcore/host-config", "/map/_stcore/health",
                 "/trends/_stcore/host-config"):
        assert misplaced_probe(path), path
    for path in ("/_stcore/health", "/_stcore/host-config", "/_stcore/stream", "/targets/_stcore/stream",
                 "/targets", "/app/static/health", "/static/js/_stcore/healthy.js", "/targets/_stcore/health/x"):
        assert not misplaced_probe(path), path


def test_a_base_url_path_keeps_its_own_endpoints():
    for base in ("atlas", "/atlas", "/atlas/", "office/atlas"):
        root = "/" + base.strip("/")
        assert not misplaced_probe(f"{root}/_stcore/health", base)
        assert not misplaced_probe(f"{root}/_stcore/host-config", base)
        assert misplaced_probe(f"{root}/targets/_stcore/health", base)
        assert misplaced_probe(f"{root}/targets/_stcore/host-config", base)
    # outside the app's base path it is not the app's business (Streamlit's own 404 stays)
    assert not misplaced_probe("/targets/_stcore/health", "atlas")
    assert not misplaced_probe("/atlasx/_stcore/health", "atlas")


def test_the_middleware_answers_300_under_a_page_and_passes_the_root_through(site):  # noqa: F811
    app, calls = site
    for path in ("/targets/_stcore/health", "/map/_stcore/host-config"):
        status, headers, body = get(app, path)
        assert status == 300, path  # not ok (the frontend moves on), below 400 (no console error)
        assert "location" not in headers  # never followed as a redirect: /targets must not become the base
        assert headers["cache-control"] == "no-store" and body.startswith(b"Not here")
        assert int(headers["content-length"]) == len(body)
        head = get(app, path, method="HEAD")
        assert head[0] == 300 and head[2] == b""
    assert calls == []  # answered by the middleware alone
    status, _, _ = get(app, "/_stcore/health")  # the root's own endpoint reaches the app (here a 404 site)
    assert status == 404 and calls == ["/_stcore/health"]


def test_with_a_base_url_path(site, monkeypatch):  # noqa: F811
    from streamlit import config

    app, calls = site
    monkeypatch.setattr(config, "get_option", lambda key: "atlas" if key == "server.baseUrlPath" else None)
    assert get(app, "/atlas/targets/_stcore/health")[0] == 300
    assert get(app, "/atlas/_stcore/health")[0] == 404 and calls == ["/atlas/_stcore/health"]


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_other_methods_pass_through(site, method):  # noqa: F811
    app, calls = site
    assert get(app, "/targets/_stcore/health", method=method)[0] != 300
    assert calls == ["/targets/_stcore/health"]


def test_the_main_page_own_address_goes_to_the_root(site):  # noqa: F811
    app, calls = site
    status, headers, _ = get(app, "/map?lang=en&year=2020")
    assert status == 302 and headers["location"] == "/?lang=en&year=2020" and headers["cache-control"] == "no-store"
    assert get(app, "/map/")[1]["location"] == "/" and get(app, "/map", method="HEAD")[0] == 302
    assert calls == []
    for path in ("/mapx", "/map/x", "/targets", "/app/static/map"):
        assert basepath.main_page_redirect(path) is None, path


def test_main_page_is_the_default_page_of_the_navigation():
    """``app.py`` builds its navigation from ``ui.nav.PAGES`` and makes the page at ``MAIN_PAGE`` (what the
    redirect above sends to the root) the default: the first, and the only one at that address."""
    import ast

    from conftest import ROOT

    from ui import nav

    pages = [node for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and ast.unparse(node.func) == "st.Page"]
    kw = [{k.arg: ast.unparse(k.value) for k in p.keywords} for p in pages]
    assert kw == [{"title": "t(p.title_key, L)", "icon": "p.icon", "url_path": "p.url_path",
                   "default": "p.url_path == MAIN_PAGE"}], kw
    assert "for p in NAV" in (ROOT / "app.py").read_text(encoding="utf-8")
    assert len(nav.PAGES) == 8 and [p.url_path for p in nav.PAGES].count(basepath.MAIN_PAGE) == 1
    assert nav.PAGES[0].url_path == basepath.MAIN_PAGE


def test_the_hand_kept_page_addresses_are_the_navigations():
    """``ui.links`` drops a page's own path from share links, the first view knows /targets: both as ``ui.nav`` (and so
    ``app.py``'s navigation) names them."""


    from ui import firstview, links, nav

    paths = {p.url_path for p in nav.PAGES}
    assert links._PAGE_PATHS == paths
    assert firstview.TARGETS_PATH.lstrip("/") in paths and {p.lstrip("/") for p in firstview.MAP_PATHS} - {""} <= paths
    assert firstview.PRESENT_PATH.lstrip("/") in paths
