"""Session-state keys that more than one module reads, in one place.

Widget keys used only by the page that draws them stay beside their widget; these are the ones a
page, ``app.py`` and the glue modules share.
"""

from __future__ import annotations

__all__ = [
           "LANG",
           "MAP_COMPARE_ON",
           "MAP_COMPONENT",
           "MAP_FULL_MODEL",
           "MAP_PAINTED",
           "MAP_SEEN",
           "MAP_YEAR_SEEN",
           "MAP_YEAR_TOKEN",
           "PAGE",
           "PRESENT_COMPONENT",
           "PREV_PAGE",
           "RUN_REVISION",
           "SHOW_DEMO",
           "SHOW_DEMO_URL",
           "TRENDS_SEEN",
           "TRENDS_WIDGETS",
]

#: The session's UI language (``ui.common.current_lang``).
LANG = "atlas_lang"
#: The page of this run and of the run before (``app.py``): the map re-shows the session's year on a new visit.
PAGE, PREV_PAGE = "ui_page", "ui_prev_page"
#: The store revision read once at the start of a run (``ui.cache.begin_run``).
RUN_REVISION = "atlas_run_revision"
#: The map components' keys: their state (year, ready) and triggers (click, exit, step).
MAP_COMPONENT, PRESENT_COMPONENT = "atlas_map", "present_atlas"
#: The map page's controls (their session keys, by ViewState attribute) are ``ui.mapcontrols.CONTROLS``.
#: The map page's URL query last seeded or written; the map drawn in this session; the year it must show.
MAP_SEEN, MAP_PAINTED, MAP_YEAR_TOKEN, MAP_YEAR_SEEN = "m_seeded_from", "m_painted", "m_year_token", "m_year_seen"
MAP_COMPARE_ON = "m_cmp_on"
#: The browser asked for the map's whole model (it did not hold the model its cookie named: ``ui.atlasmap``).
MAP_FULL_MODEL = "m_full_model"
#: The trends page's filters, by ViewState attribute, and its last seeded/written query.
TRENDS_WIDGETS = {"indicator": "tr_indicator", "year": "tr_year", "districts": "tr_districts"}
TRENDS_SEEN = "tr_seeded_from"
#: "Show demo values" of the session, and the link value it last took (ui.cache.show_demo).
SHOW_DEMO, SHOW_DEMO_URL = "atlas_show_demo", "atlas_show_demo_url"
