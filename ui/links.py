"""The address the user opened the app at, for links that must work outside the app (exports, scenes)."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from ui.nav import PAGES

__all__ = ["app_base_url"]


def app_base_url() -> str:
    """Return ``scheme://host[:port][/base path]`` of the app as this browser reached it ('' if unknown).

    Taken from ``st.context.url`` (the page's own address, so a proxy's host is kept); the page's
    own path (``/present``, ``/targets`` …) is dropped, since share links point at the app root.
    """
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # AppTest or an old client: links stay relative
        return ""
    if not parts.scheme or not parts.netloc:
        return ""
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if last and last in _PAGE_PATHS:
        path = head
    return f"{parts.scheme}://{parts.netloc}{path}"


_PAGE_PATHS = {p.url_path for p in PAGES}
