"""Notes about the link a page was opened with, kept visible until the planner changes the view.

A page writes its view back into the URL after its first run, so the link's problems (an invalid
or repeated parameter, too many parameters, an unknown language) are no longer in the URL on the
next run. The notes live here instead: :func:`add` records one (dedup), :func:`show` draws them in
the page (not the sidebar: presentation mode hides it) and binds them to the view it is given;
a later run with another view (or another page) drops them.

The link as the browser opened it is also checked in the browser (:func:`check_dropped`): a link
with more parameters or characters than Streamlit accepts reaches the app as no parameters at all,
and only the page's own address still holds it.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from geo.text.i18n import t
from geo.text.safe import escape_text
from geo.view.links import read_link

__all__ = ["add", "check_dropped", "draw_check", "query_lists", "read_params", "show"]

_KEY = "link_notes"  # [{"text": str, "view": object | None}]
_UNBOUND = "__unbound__"


def query_lists() -> dict[str, list[str]]:
    """Return the URL's parameters with every value of a repeated one (Streamlit's ``to_dict`` keeps the last)."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def read_params(lang: str, params: Mapping[str, str | list[str]] | None = None) -> dict[str, str]:
    """Return the URL's parameters to read, one value each; note (:func:`add`) what could not be read as given."""
    clean, notes = read_link(query_lists() if params is None else params, lang)
    for note in notes:
        add(note)
    return clean


def add(text: str) -> None:
    """Record a note about the link (once); the next :func:`show` binds it to the view shown."""
    notes = st.session_state.setdefault(_KEY, [])
    if all(n["text"] != text for n in notes):
        notes.append({"text": text, "view": _UNBOUND})


def show(view: object, lang: str) -> None:
    """Draw the notes that belong to ``view`` (a page and its view, any comparable value); drop the others."""
    notes = st.session_state.get(_KEY) or []
    kept = []
    for note in notes:
        if note["view"] == _UNBOUND:
            note["view"] = view
        if note["view"] == view:
            kept.append(note)
    st.session_state[_KEY] = kept
    if kept:
        body = "\n".join(f"- {escape_text(n['text'])}" for n in kept)
        st.warning(f"{t('link.notes_heading', lang)}\n\n{body}", icon=":material/link:")


_JS = r"""
export default function (component) {
  const { data, setStateValue } = component;
  if (window.__atlasLinkChecked) return;
  window.__atlasLinkChecked = true;
  // the address the page was loaded with: later URL rewrites (the app writes its view) do not change it
  const nav = (performance.getEntriesByType('navigation')[0] || {}).name || window.location.href;
  const query = (nav.split('#')[0].split('?')[1]) || '';
  const n = query ? query.split('&').length : 0;
  if (n > data.maxFields || query.length > data.maxChars) setStateValue('dropped', { n: n, chars: query.length });
}
"""

_component = st.components.v2.component("atlas_link_check", js=_JS)
_CHECK = "atlas_link_check"


def check_dropped(lang: str) -> None:
    """Add a note when the page's own link was too long for Streamlit to pass on (reported by :func:`draw_check`).

    Call it before the page draws (the report arrives in the element's state, from an earlier run).
    """
    try:
        dropped = (st.session_state.get(_CHECK) or {}).get("dropped")
    except Exception:  # the element's state is not readable before it is drawn in this session
        dropped = None
    if isinstance(dropped, dict) and not st.session_state.get("link_dropped_noted"):
        st.session_state["link_dropped_noted"] = True
        add(t("link.dropped", lang, n=f"{int(dropped.get('n') or 0):,}", chars=f"{int(dropped.get('chars') or 0):,}"))


def draw_check() -> None:
    """Draw the (invisible) element that checks the page's own link in the browser; after the page."""
    from streamlit.runtime.state import query_params as qp  # Streamlit's own limits: the check follows them

    with st.sidebar:
        _component(key=_CHECK, data={"maxFields": qp.CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
                                     "maxChars": qp.CLIENT_STATE_QUERY_STRING_MAX_LENGTH},
                   on_dropped_change=lambda: None)
