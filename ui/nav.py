"""The app's pages in the navigation's order: ``app.py`` builds Streamlit's navigation from them, and
the first view (``ui/firstview.py``) draws their links where Streamlit's sidebar will show them."""

from __future__ import annotations

import html
from typing import NamedTuple

from geo.text.i18n import t
from ui.basepath import MAIN_PAGE

__all__ = ["PAGES", "NavPage", "side_links"]


class NavPage(NamedTuple):
    script: str  # the page's file
    title_key: str  # its title in the locale files
    icon: str
    url_path: str


PAGES = (
    NavPage("views/map.py", "page.map", ":material/map:", MAIN_PAGE),
    NavPage("views/targets.py", "page.targets", ":material/flag:", "targets"),
    NavPage("views/projects.py", "page.projects", ":material/location_city:", "projects"),
    NavPage("views/trends.py", "page.trends", ":material/trending_up:", "trends"),
    NavPage("views/zones.py", "page.zones", ":material/layers:", "zones"),
    NavPage("views/sources.py", "page.sources", ":material/menu_book:", "sources"),
    NavPage("views/import_data.py", "page.import", ":material/upload_file:", "import"),
    NavPage("views/present.py", "page.present", ":material/slideshow:", "present"),
)


def side_links(current: str, lang: str) -> str:
    """Return the pages' links as the first view shows them in the sidebar's place (``current``: the page's path).

    Relative addresses (the map is the app root), so a base path is kept; the language goes along.

    >>> side_links("/targets", "en").count("<a "), 'href="targets?lang=en" aria-current="page"' in side_links("/targets", "en")
    (8, True)
    """
    here = current.strip("/") or MAIN_PAGE
    query = "?lang=en" if lang == "en" else ""
    links = []
    for p in PAGES:
        href = ("./" if p.url_path == MAIN_PAGE else p.url_path) + query
        mark = ' aria-current="page"' if p.url_path == here else ""
        links.append(f'<a href="{html.escape(href)}"{mark}>{html.escape(t(p.title_key, lang))}</a>')
    return f'<nav class="af-side" aria-label="{html.escape(t("firstview.pages", lang))}">{"".join(links)}</nav>'
