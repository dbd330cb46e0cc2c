"""Language and the shared sidebar, drawn once by app.py."""

from __future__ import annotations

import streamlit as st

from geo.i18n import DEFAULT_LANG, LANGS, t

__all__ = ["lang", "draw_shared_sidebar", "status_mark"]

def status_mark(status: str, lang: str) -> str:
    """Return the mark a value of ``status`` carries wherever it is shown: '' / 'ᵈ' / '⚠演示' ('⚠demo')."""
    return {"derived": "ᵈ", "demo": t("mark.demo", lang)}.get(status, "")


def lang() -> str:
    """Return the UI language: the ``lang`` query parameter, else Chinese."""
    value = st.query_params.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def _on_lang_change() -> None:
    st.query_params["lang"] = st.session_state["ui_lang"]


def draw_shared_sidebar() -> None:
    """Draw the language switch and the data-status key (every page)."""
    current = lang()
    st.session_state.setdefault("ui_lang", current)
    if st.session_state["ui_lang"] != current:
        st.session_state["ui_lang"] = current
    with st.sidebar:
        st.radio(t("sidebar.language", current), LANGS, key="ui_lang", horizontal=True,
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code], on_change=_on_lang_change)
        st.caption(t("sidebar.status_key", current))
