"""Language and the shared sidebar, drawn once by app.py."""

from __future__ import annotations

import streamlit as st

from geo.text.i18n import DEFAULT_LANG, LANGS, t
from ui import keys

__all__ = [
    "LANG_KEY",
    "current_lang",
    "draw_shared_sidebar",
    "keep_lang_in_url",
    "lang",
    "page_tab_title",
    "upload_hint",
]

#: Session key of the UI language: the language is part of the session, not only of one URL.
LANG_KEY = keys.LANG

def current_lang() -> str:
    """Return the UI language of this session: a valid ``lang`` in the URL wins, else the session's, else Chinese.

    A link's ``lang`` (a deep link, a share link, a project button) sets the session's language;
    a page opened from the sidebar navigation (Streamlit drops the query there) keeps it.
    """
    values = set(st.query_params.get_all("lang"))
    value = values.pop() if len(values) == 1 else None  # given twice, differently: not used (ui.linknotes says so)
    if value in LANGS:
        st.session_state[LANG_KEY] = value
    return st.session_state.get(LANG_KEY, DEFAULT_LANG)


def lang() -> str:
    """Return the UI language (same as :func:`current_lang`, kept for existing callers)."""
    return current_lang()


def keep_lang_in_url() -> str:
    """Write the session's language back into the URL (every page, every run); return it.

    So the address bar is a link in the language shown, whichever way the page was opened. An
    invalid ``lang`` in the link is replaced and said in the sidebar (bad input gets a message).
    """
    code = current_lang()
    given = st.query_params.get("lang")
    if given != code:
        st.query_params["lang"] = code
    if given is not None and given not in LANGS:  # said in the page until the view changes (ui.linknotes)
        from ui import linknotes

        linknotes.add(t("sidebar.bad_lang", code, value=repr(given[:40])))
    return code


def page_tab_title(page_title: str, lang: str) -> str:
    """Return the browser tab title of a page: ``政策目标 · 北京知识产权区域布局图``."""
    return f"{page_title} · {t('app.title', lang)}"


def _on_lang_change() -> None:
    st.session_state[LANG_KEY] = st.session_state["ui_lang"]
    st.query_params["lang"] = st.session_state["ui_lang"]


def draw_shared_sidebar() -> None:
    """Draw the language switch and the data-status key (every page)."""
    current = current_lang()
    st.session_state.setdefault("ui_lang", current)
    if st.session_state["ui_lang"] != current:
        st.session_state["ui_lang"] = current
    with st.sidebar:
        st.radio(t("sidebar.language", current), LANGS, key="ui_lang", horizontal=True,
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code], on_change=_on_lang_change)
        st.caption(t("sidebar.status_key", current))


#: Streamlit 1.67's file uploader has no option for its own text ("Drag and drop file here",
#: "10MB per file"): hide those instructions; :func:`upload_hint` says the same in the page's language.
#: The button keeps its English "Upload" (named in the hint).
_UPLOADER_CSS = "<style>[data-testid='stFileUploaderDropzoneInstructions']{display:none}</style>"


def upload_hint(lang: str) -> None:
    """Draw, above a file uploader, how to use it and its size limit in ``lang`` (see ``_UPLOADER_CSS``)."""
    st.html(_UPLOADER_CSS)
    from geo.imports.issues import MAX_BYTES, size_params

    st.caption(t("common.upload_hint", lang, **size_params(MAX_BYTES)))  # the limit the import checks, in bytes
