"""Beijing IP Atlas — entry point: page config, navigation, the shared sidebar."""

from __future__ import annotations

import streamlit as st

from geo.data.paths import ROOT
from geo.text.i18n import t
from ui import auth, cache, keys, linknotes
from ui.atlasmap import preload_assets
from ui.basepath import MAIN_PAGE  # served at the root; /map is redirected there (asgi.py)
from ui.common import draw_shared_sidebar, keep_lang_in_url, page_tab_title
from ui.nav import PAGES as NAV
from ui.theme import apply_theme

st.set_page_config(page_icon=str(ROOT / "static" / "favicon.png"), layout="wide")

cache.begin_run()  # the store's revision, read once: every part of this run shows the same data
L = keep_lang_in_url()  # the session's language, written back into every page's URL
linknotes.check_dropped(L)  # a link too long for Streamlit reaches the app empty: the browser said so
# The page files live in views/, not pages/: with a pages/ folder beside app.py, Streamlit 1.67 runs
# the first session of a fresh server in its legacy multipage mode, where a deep link such as
# /targets runs that file alone (no navigation, no language switch). The map is the default page,
# so its address is the app root.
PAGES = [st.Page(p.script, title=t(p.title_key, L), icon=p.icon, url_path=p.url_path, default=p.url_path == MAIN_PAGE)
         for p in NAV]
page = st.navigation(PAGES)
# contrast CSS and <html lang> before any page draws; on map pages the browser starts fetching the map's
# assets (Leaflet, renderer, geometry) with the first element, while the rest of the page loads
apply_theme(L, preload=preload_assets() if page in (PAGES[0], PAGES[-1]) else None)
st.set_page_config(page_title=page_tab_title(page.title, L))  # each page its own tab title
# which page ran before this one: the map shows the session's year again on a new visit
st.session_state[keys.PREV_PAGE] = st.session_state.get(keys.PAGE)
st.session_state[keys.PAGE] = "map" if page is PAGES[0] else page.url_path
draw_shared_sidebar()
auth.draw_sidebar(L)  # who is signed in (sign-out), or that the view is read only
auth.gate(L)  # where the office requires sign-in for every page: nothing below runs until then
if page not in (PAGES[0], PAGES[3], PAGES[-1]):  # map, trends and presentation show the notes with their view
    linknotes.show(("page", st.session_state[keys.PAGE]), L)
page.run()
linknotes.draw_check()
