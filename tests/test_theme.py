"""The theme's colours reach WCAG 2.2 AA contrast; the CSS removes Streamlit's faded-text opacity.

The browser check of the same thing, on the rendered pages, is tests/test_a11y_browser.py (axe).
"""

from __future__ import annotations

import re
import tomllib

import pytest
from coloraide import Color
from conftest import ROOT

from geo.text.i18n import doc_lang
from ui.theme import LINK, MUTED_TEXT, THEME_CSS

THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
# the main area, the sidebar, and widgets in the sidebar (Streamlit's light base)
BACKGROUNDS = ("#ffffff", "#f8f8f7", "#f1f0ee")
AA_TEXT = 4.5


@pytest.mark.parametrize("name,colour", [("textColor", THEME["textColor"]), ("linkColor", THEME["linkColor"]),
                                         ("primaryColor", THEME["primaryColor"]), ("MUTED_TEXT", MUTED_TEXT),
                                         ("LINK", LINK)])
def test_text_colours_reach_aa_on_every_background(name, colour):
    ratios = {bg: round(Color(colour).contrast(bg), 2) for bg in BACKGROUNDS}
    assert min(ratios.values()) >= AA_TEXT, f"{name} {colour}: {ratios}"


def test_what_streamlit_does_by_default_fails():
    """A caption is Streamlit's text colour at opacity 0.6: 3.9:1, what axe reported before this theme."""
    faded = Color.mix(Color("#2f2d2b"), Color("#ffffff"), 0.4)  # 60 % text over white
    assert Color(faded).contrast("#ffffff") < AA_TEXT


def test_css_makes_captions_and_quotes_opaque_and_muted():
    rule = re.search(r"([^{}]+)\{([^{}]*opacity: 1[^{}]*)\}", THEME_CSS)
    assert rule, THEME_CSS
    selectors, body = rule.groups()
    assert "stCaptionContainer" in selectors and "blockquote" in selectors
    assert f"color: {MUTED_TEXT}" in body
    assert LINK == THEME["linkColor"]


def test_headings_get_smaller_level_by_level():
    sizes = [float(s.removesuffix("rem")) for s in THEME["headingFontSizes"]]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == len(sizes)


def test_document_language_tags():
    assert (doc_lang("zh"), doc_lang("en")) == ("zh-CN", "en")


def test_the_maps_sheet_guard_knows_the_sheets_and_the_phone_width_the_layout_css_has():
    """On a phone, the controls, exports and sidebar are sheets (``ui/layout.py``); the map component's script keeps a
    tap outside an open sheet from reaching the map (``static/atlasmap/loader.mjs``). It names the same sheets and
    the same width in JavaScript: a sheet renamed or a breakpoint moved on one side only fails here."""
    from ui.layout import LAYOUT_CSS

    script = (ROOT / "static" / "atlasmap" / "loader.mjs").read_text(encoding="utf-8")
    phone = re.search(r"export const PHONE = '([^']+)'", script).group(1)
    sheets = re.search(r"export const SHEETS = '([^']+)'\s*\+\s*'([^']+)'", script)
    assert f"@media {phone} {{" in LAYOUT_CSS
    for sel in "".join(sheets.groups()).split(","):
        sel = sel.strip()
        css = sel.replace('"] .', '"]:has(.', 1) + ")" if sel.startswith('[data-testid="stPopoverBody"]') else sel
        assert css in LAYOUT_CSS, sel
