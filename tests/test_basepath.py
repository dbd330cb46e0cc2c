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
