"""axe-core on every page of the app, in Chinese and English, in every frame: no serious or critical
violation (WCAG 2.2 AA rules and axe's best practices), headings in order, the document language right.

axe-core is the copy bundled by the PyPI package axe-playwright-python (no download). One served app,
one browser context; the pages are visited in turn, each after its script run has finished.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from geo.text.i18n import LANGS, doc_lang

pytestmark = pytest.mark.browser

# the url paths of the 8 pages of app.py; the map is the app root
PAGES = ["", "targets", "projects", "trends", "zones", "sources", "import", "present"]
# Pages whose map the lead is rewriting (folium iframe → in-page component): their remaining violations
# come from the folium documents; checked but not yet required.
MAP_REWRITE: set[str] = set()
BLOCKING = {"serious", "critical"}
MAP_PAGES_DRAW = {"": 16, "present": 16}  # district paths drawn before the check


@pytest.fixture(scope="module")
def a11y_page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    yield ctx.new_page()
    ctx.close()


def settle(page, lang: str, paths: int = 0, timeout: float = 30_000) -> None:
    """Wait until the page's script run is over, its h1 drawn, the document language set and the map drawn."""
    page.wait_for_function(
        """lang => {
            const app = document.querySelector('[data-testid=stApp]');
            return app && app.dataset.testScriptState === 'notRunning' && document.documentElement.lang === lang
                && document.querySelector('[data-testid=stMain] h1') !== null;
        }""", arg=doc_lang(lang), timeout=timeout)
    if paths:
        page.wait_for_function(  # the map in the page or in any (same-origin) iframe of it
            """n => {
                const docs = [document];
                for (let i = 0; i < docs.length; i++)
                    for (const f of docs[i].querySelectorAll('iframe')) { try { if (f.contentDocument) docs.push(f.contentDocument); } catch (e) {} }
                return docs.some(d => d.querySelectorAll('path.leaflet-interactive').length >= n);
            }""", arg=paths, timeout=timeout)


def axe_violations(page) -> list[dict]:
    """Run axe in every frame of ``page`` (each on its own document); return the violations with their frame."""
    found = []
    for frame in page.frames:
        if frame.is_detached():
            continue
        frame.evaluate(AXE_SCRIPT)
        result = frame.evaluate("axe.run(document, {resultTypes: ['violations'], iframes: false})")
        for v in result["violations"]:
            found.append({"frame": frame.url[:80], "id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]),
                          "first": v["nodes"][0]["html"][:160], "why": v["nodes"][0].get("failureSummary", "")[:240]})
    return found


def report(violations: list[dict]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(strict=False, reason="map engine rewrite")) if p in MAP_REWRITE else p
    for p in PAGES], ids=[p or "map" for p in PAGES])
def test_page_has_no_serious_violations(a11y_page, app_url, path, lang):
    page = a11y_page
    page.goto(f"{app_url}/{path}?lang={lang}")
    settle(page, lang, MAP_PAGES_DRAW.get(path, 0))
    assert urlparse(page.url).path == f"/{path}" and page.get_by_text("Page not found").count() == 0
    assert page.title().strip()
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, report(blocking)
    top = page.main_frame.url[:80]
    order = [v for v in violations if v["id"] == "heading-order" and v["frame"] == top]
    assert not order, report(order)
