"""The URL → widgets → URL cycle, written once: the address bar is always a share link.

A page seeds its widgets' session keys from the view its URL describes when that view is new
(or Streamlit dropped the widgets' state because another page ran), and writes the view its
widgets describe back into the URL after every run. Used by the map and trends pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import streamlit as st

from geo.view.state import OPTIONAL_KEYS, ViewState, to_query

__all__ = ["OPTIONAL_PARAMS", "seed_from_url", "write_to_url"]

#: Parameters only some views carry (a change map's): removed from the URL when the view has none.
OPTIONAL_PARAMS = OPTIONAL_KEYS


def seed_from_url(state: ViewState, keys: Mapping[str, str], seen_key: str,
                  required: Iterable[str] | None = None,
                  values: Callable[[ViewState], Mapping[str, Any]] | None = None) -> bool:
    """Put ``state``'s values into the session keys ``keys`` ({ViewState attribute: key}); return True if seeded.

    ``values``: the session values of a view (else each attribute's value goes to its key). Seeds
    when the URL's view differs from the one last seeded or written (``seen_key``), or when
    a ``required`` key is missing (Streamlit drops a widget's state on a page that did not draw it).
    """
    query = to_query(state)
    need = list(keys.values()) if required is None else list(required)
    if st.session_state.get(seen_key) == query and all(k in st.session_state for k in need):
        return False
    if values is not None:  # the controls say what a view puts into their session keys (ui.mapcontrols)
        for key, value in values(state).items():
            st.session_state[key] = value
    for attr, key in ({} if values is not None else keys).items():
        value = getattr(state, attr)
        st.session_state[key] = list(value) if isinstance(value, tuple) else value
    st.session_state[seen_key] = query
    return True


def write_to_url(state: ViewState, seen_key: str) -> None:
    """Make the URL equal to ``state`` (only if it differs: no needless history entries)."""
    query = to_query(state)
    current = st.query_params.to_dict()
    if any(current.get(k) != v for k, v in query.items()):
        st.query_params.update(query)
    for key in OPTIONAL_PARAMS:
        if key in current and key not in query:
            del st.query_params[key]
    st.session_state[seen_key] = query
