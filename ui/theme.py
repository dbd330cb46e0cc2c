"""The app's look for accessibility: contrast CSS and the document language, applied once per run by app.py.

``.streamlit/config.toml`` sets the theme colours Streamlit exposes (text, links, heading sizes). What
the theme cannot reach is patched here, in one place:

- Streamlit fades captions, blockquotes and widget help with ``opacity: 0.6`` (3.9:1 on white, links
  inside them 3.0:1); WCAG 2.2 AA needs 4.5:1 for body text. They get an opaque muted colour instead.
- Streamlit's ``index.html`` says ``<html lang="en">`` whatever the page language, so a screen
  reader reads Chinese pages with English rules. A zero-height component sets
  ``document.documentElement.lang`` (``zh-CN`` or ``en``) on every run.

Colours are checked by ``tests/test_theme.py`` (contrast ratios) and ``tests/test_a11y_browser.py`` (axe).
"""

from __future__ import annotations

import streamlit as st

from geo.i18n import doc_lang

__all__ = ["MUTED_TEXT", "LINK", "THEME_CSS", "apply_theme"]

#: Muted text (captions, source lines, quotes): 7.7:1 on white, 6.7:1 on the sidebar's widget grey #f1f0ee.
MUTED_TEXT = "#55534f"
#: Links, as ``theme.linkColor``: 6.4:1 on white, 5.7:1 on #f1f0ee.
LINK = "#1f5fa8"

THEME_CSS = f"""
[data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"] blockquote,
[data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"] {{ opacity: 1; color: {MUTED_TEXT}; }}
[data-testid="stCaptionContainer"] a, [data-testid="stMarkdownContainer"] blockquote a {{ color: {LINK}; }}
.st-key-atlas_doc_lang {{ display: none; }}
"""

_JS = """
export default function (component) {
  const lang = component.data && component.data.lang;
  if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
}
"""

_doc_lang_component = st.components.v2.component("atlas_doc_lang", js=_JS, isolate_styles=False)


def apply_theme(lang: str) -> None:
    """Inject the contrast CSS and set the document language; call once per run, before the page."""
    st.html(f"<style>{THEME_CSS}</style>")
    _doc_lang_component(key="atlas_doc_lang", data={"lang": doc_lang(lang)}, height=0)
