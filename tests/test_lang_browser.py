"""The language sticks (Debian Chromium): switched once on the map, every page opened from the sidebar
navigation is in English, tab title and navigation included; switched back on another page, all are Chinese.

Asserts on what is outside the map (headings, navigation, tab title, URL), so it holds whatever
draws the map.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from conftest import RequestLog, wait_idle

from geo.text.i18n import t

pytestmark = pytest.mark.browser

#: (navigation label key, heading key or None where the page's heading is not a fixed string, url path)
PAGES = [
    ("page.targets", "an.targets.title", "targets"),
    ("page.projects", "an.projects.title", "projects"),
    ("page.trends", "an.trends.title", "trends"),
    ("page.zones", "an.zones.title", "zones"),
    ("page.sources", "an.sources.title", "sources"),
    ("page.import", "import.title", "import"),
]
# The map's own link is clicked in test_back_to_the_map_from_the_navigation.
NAV = ["page.map", "page.targets", "page.projects", "page.trends", "page.zones", "page.sources", "page.import",
       "page.present"]


def lang_in_url(page) -> str | None:
    return parse_qs(urlparse(page.url).query).get("lang", [None])[-1]


def nav_labels(page) -> list[str]:
    return page.locator("[data-testid='stSidebarNav'] a [data-testid='stMarkdownContainer']").all_inner_texts()


def visit_all(page, lang: str) -> None:
    """Click every navigation link; each page's heading, tab title, navigation and URL are in ``lang``."""
    for nav_key, heading_key, path in PAGES:
        label = t(nav_key, lang)
        page.get_by_role("link", name=label, exact=True).click()
        page.get_by_role("heading", level=1, name=t(heading_key, lang), exact=True).wait_for()
        page.wait_for_function("p => location.pathname.endsWith('/' + p)", arg=path)
        page.wait_for_function("t => document.title === t", arg=f"{label} · {t('app.title', lang)}")
        assert nav_labels(page) == [t(k, lang) for k in NAV], (path, nav_labels(page))
        page.wait_for_function("l => new URLSearchParams(location.search).get('lang') === l", arg=lang)


def test_language_sticks_across_every_page(app_url, page_factory):
    log = RequestLog()
    page = page_factory(log)
    page.goto(app_url + "/")
    page.wait_for_function("() => location.search.includes('layers=')")  # the map page has settled
    page.get_by_role("heading", level=1, name=t("app.title", "zh"), exact=True).wait_for()
    assert page.title() == f"{t('page.map', 'zh')} · {t('app.title', 'zh')}"

    page.get_by_text("English", exact=True).click()  # the sidebar's language switch, on the map page
    page.get_by_role("heading", level=1, name=t("app.title", "en"), exact=True).wait_for()
    visit_all(page, "en")

    # presentation mode (no sidebar there): its tab title in English; Back returns to the last page in English
    page.get_by_role("link", name=t("page.present", "en"), exact=True).click()
    page.wait_for_function("t => document.title === t", arg=f"{t('page.present', 'en')} · {t('app.title', 'en')}")
    assert lang_in_url(page) == "en"
    page.locator(".atlas-root[data-ready='1']").wait_for(state="attached")  # presentation has drawn its map …
    wait_idle(page)  # … and finished its run: Back is not raced by a run still writing the URL
    page.go_back()
    page.get_by_role("heading", level=1, name=t("import.title", "en"), exact=True).wait_for()

    # switch back on another page: every page is Chinese again
    page.get_by_role("link", name=t("page.sources", "en"), exact=True).click()
    page.get_by_role("heading", level=1, name=t("an.sources.title", "en"), exact=True).wait_for()
    page.get_by_text("中文", exact=True).click()
    page.get_by_role("heading", level=1, name=t("an.sources.title", "zh"), exact=True).wait_for()
    visit_all(page, "zh")
    page.get_by_role("link", name=t("page.present", "zh"), exact=True).click()
    page.wait_for_function("t => document.title === t", arg=f"{t('page.present', 'zh')} · {t('app.title', 'zh')}")
    assert lang_in_url(page) == "zh"
    assert log.external() == [], log.external()


def test_deep_link_in_english_opens_every_page_in_english(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/zones?lang=en")
    page.get_by_role("heading", level=1, name=t("an.zones.title", "en"), exact=True).wait_for()
    page.get_by_role("link", name=t("page.targets", "en"), exact=True).click()  # the query is dropped here
    page.get_by_role("heading", level=1, name=t("an.targets.title", "en"), exact=True).wait_for()
    assert nav_labels(page) == [t(k, "en") for k in NAV]


def test_back_to_the_map_from_the_navigation(app_url, page_factory):
    page = page_factory()
    page.goto(app_url + "/?lang=en")
    page.wait_for_function("() => location.search.includes('layers=')")
    page.get_by_role("link", name=t("page.sources", "en"), exact=True).click()
    page.get_by_role("heading", level=1, name=t("an.sources.title", "en"), exact=True).wait_for()
    page.get_by_role("link", name=t("page.map", "en"), exact=True).click()
    page.wait_for_function("t => document.title === t", arg=f"{t('page.map', 'en')} · {t('app.title', 'en')}")
    page.get_by_role("heading", level=1, name=t("app.title", "en"), exact=True).wait_for(timeout=15_000)
    assert lang_in_url(page) == "en" and nav_labels(page)[0] == t("page.map", "en")
