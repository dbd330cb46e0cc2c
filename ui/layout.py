"""Page layout for phones (390×844) and meeting-room laptops (1280×720, 1366×768): CSS in one place.

In the page's head from the first byte (``ui.firstview.PAGE_STYLE``) and again with every run
(``ui.theme.apply_theme``), so it applies to Streamlit's first frame and nothing moves when it arrives:

- on a phone the content starts just under Streamlit's header bar (not 6rem down), with narrow side
  margins so the map fills the screen's width, and the map page's title is one short line
  (``map_head``); on larger screens titles are compact through the theme (``headingFontSizes`` in
  ``.streamlit/config.toml``), which applies from the first frame: CSS sent by the script arrives a
  moment after the first elements, so on a desktop it would move them (layout shift);
- the map's height comes from the window (``MAP_HEIGHT``, a CSS variable set per screen size in
  ``static/atlasmap/atlas-map.css``): at 1280×720 the whole city and the year control fit the first
  screen; on a phone the map is about as tall as it is wide, with its year control and legend under it;
- on a phone the map's controls and the export buttons are popovers under the map that open as a
  sheet over the lower half of the screen, so the map stays in view above it (the browser builds
  their widgets only when one is opened); the sidebar (pages, language) opens as the same sheet; a
  tap outside an open sheet only closes it (the map above does not take that tap as well: the map's
  component script, ``static/atlasmap/loader.mjs``, not a ``body:has(…)`` rule, which restyled the
  whole page at every element Streamlit added);
- a phone turned sideways (wider than 760 px, at most 500 px high) keeps Streamlit's laptop layout
  (sidebar) with the phone's top margin and one-line title, and a map as tall as the screen;
- what follows the map on the first run (controls, table, exports) arrives below it or in the
  sidebar, whose width is kept from the first frame (no layout shift, issue 22);
- on every screen, a policy target's three figures (``st.metric``, whose script Streamlit fetches
  when the first one is drawn) keep their height while that script arrives: Streamlit's placeholder
  is 40 px, a figure 76 px, so each card grew by about 110 px on a phone and pushed the rest down.
"""

from __future__ import annotations

__all__ = ["LAYOUT_CSS", "LINK", "MAP_HEIGHT", "METRIC_HEIGHT_PX", "MUTED_TEXT", "PAGE_CSS", "THEME_CSS"]

#: The map page's map height: a CSS variable of ``atlas-map.css`` (per screen size), 620 px without it.
MAP_HEIGHT = "var(--atlas-map-h, 620px)"

#: Height of a policy target's figure (``st.metric``: its label line and its value) on every screen
#: measured (390 to 1920 px wide, both languages): 76 px; 82 px where a Chinese value's line is taller.
METRIC_HEIGHT_PX = 76

LAYOUT_CSS = f"""
[class*="st-key-target_"] [data-testid="stColumn"] [data-testid="stSkeleton"] {{ height: {METRIC_HEIGHT_PX}px; }}
""" + """@media (max-width: 760px) {
  :root [data-testid="stMainBlockContainer"] { padding-left: .4rem; padding-right: .4rem; padding-top: 3.75rem; }
  :root .st-key-map_head h1 { font-size: 1.2rem; line-height: 1.25; padding: 0; }
  /* the sidebar opens as a sheet over the lower part of the screen, not over the map's width: the
     controls are in reach and the map above them shows what they change */
  section[data-testid="stSidebar"][data-collapsed="false"] {
    position: fixed !important; top: auto !important; bottom: 0 !important; left: 0 !important;
    width: 100vw !important; min-width: 100vw !important; max-width: 100vw !important; height: 52dvh !important;
    z-index: 999990; border-top: 1px solid #9aa3ad; border-radius: 12px 12px 0 0;
    box-shadow: 0 -6px 18px rgba(0, 0, 0, .18); }
  section[data-testid="stSidebar"][data-collapsed="false"] [data-testid="stSidebarContent"] {
    height: 100%; overflow-y: auto; }
  section[data-testid="stSidebar"][data-collapsed="false"] [data-testid="stSidebarHeader"] {
    position: sticky; top: 0; z-index: 2; background: inherit; height: 2.6rem; }
  /* the map's controls and the export buttons, in popovers on a phone (ui.mapcontrols, ui.export_panel),
     open as the same sheet (Streamlit places a popover itself with inline position and transform) */
  [data-testid="stPopoverBody"]:has(.st-key-m_indicator), [data-testid="stPopoverBody"]:has(.st-key-export_png) {
    top: auto !important; bottom: 0 !important; left: 0 !important; transform: none !important;
    width: 100vw !important; max-width: 100vw !important; height: auto !important; max-height: 52dvh !important;
    overflow-y: auto; border-radius: 12px 12px 0 0; border-top: 1px solid #9aa3ad;
    box-shadow: 0 -6px 18px rgba(0, 0, 0, .18); }
}
/* a phone turned sideways (wider than 760 px, at most 500 px high): Streamlit lays it out as a laptop, with
   its sidebar; the page starts under the header bar and the map page's title is one short line, as on a
   phone, so the map starts in the upper part of the screen (atlas-map.css: the map as tall as the screen) */
@media (min-width: 761px) and (max-height: 500px) {
  :root [data-testid="stMainBlockContainer"] { padding-top: 3.75rem; }
  :root .st-key-map_head h1 { font-size: 1.2rem; line-height: 1.25; padding: 0; }
}
"""

#: Muted text (captions, source lines, quotes): 7.7:1 on white, 6.7:1 on the sidebar's widget grey #f1f0ee.
MUTED_TEXT = "#55534f"
#: Links, as ``theme.linkColor``: 6.4:1 on white, 5.7:1 on #f1f0ee.
LINK = "#1f5fa8"

#: The contrast patches of ``ui.theme`` (its docstring says why), and the hidden element that sets the
#: document's language.
THEME_CSS = f"""
:root [data-testid="stCaptionContainer"], :root [data-testid="stMarkdownContainer"] blockquote,
:root [data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"] {{ opacity: 1; color: {MUTED_TEXT}; }}
:root [data-testid="stCaptionContainer"] a, :root [data-testid="stMarkdownContainer"] blockquote a {{ color: {LINK}; }}
.st-key-atlas_doc_lang {{ display: none; }}
"""

#: All the page's CSS. It goes in the page's head (``ui.firstview.PAGE_STYLE``), so it applies from
#: Streamlit's first frame, and with every run (``ui.theme.apply_theme``), for a page served without the
#: first view. In the head it comes before the style Streamlit's script adds for its elements, so a rule
#: that overrides one of Streamlit's (padding, a title's size, a caption's colour) starts with ``:root``
#: to win on weight, not on order.
PAGE_CSS = THEME_CSS + LAYOUT_CSS
