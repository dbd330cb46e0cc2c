"""The map's view survives navigation (Debian Chromium): map → any page → map keeps year, districts
and language, whether back by the sidebar or by the browser's Back; the URL, the sidebar and the map agree.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from conftest import wait_idle

from geo.text.i18n import t

pytestmark = pytest.mark.browser


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query, keep_blank_values=True).items()}


def map_shows(page, lang: str) -> None:
    """Wait for the map page showing 2020 and 海淀 in the URL, the map and the sidebar."""
    page.get_by_role("heading", level=1, name=t("app.title", lang), exact=True).wait_for(timeout=30_000)
    page.wait_for_function("() => { const r = document.querySelector('#root .atlas-root[data-ready=\"1\"]');"
                           " return r && r.getAttribute('data-year') === '2020'; }", timeout=30_000)
    page.wait_for_function("() => location.search.includes('year=2020') && location.search.includes('d=110108')",
                           timeout=30_000)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Haidian" if lang == "en" else "海淀区", exact=True).first.wait_for(timeout=30_000)
    q = query(page)
    assert q["year"] == "2020" and q["d"] == "110108" and q["lang"] == lang, q
    assert page.locator(".atlas-slider-year").first.inner_text() == "2020"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_to_another_page_and_back_keeps_the_view(app_url, page_factory, lang):
    page = page_factory()
    page.goto(f"{app_url}/?year=2020&d=110108&lang={lang}")
    map_shows(page, lang)
    wait_idle(page)

    # map → Targets → map, by the sidebar (the map's link carries no view)
    page.get_by_role("link", name=t("page.targets", lang), exact=True).click()
    page.get_by_role("heading", level=1, name=t("an.targets.title", lang), exact=True).wait_for(timeout=30_000)
    wait_idle(page)
    page.get_by_role("link", name=t("page.map", lang), exact=True).click()
    map_shows(page, lang)
    wait_idle(page)

    # map → Trends → the browser's Back
    page.get_by_role("link", name=t("page.trends", lang), exact=True).click()
    page.get_by_role("heading", level=1, name=t("an.trends.title", lang), exact=True).wait_for(timeout=30_000)
    wait_idle(page)
    page.go_back()
    map_shows(page, lang)
