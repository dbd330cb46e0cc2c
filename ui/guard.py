"""Unexpected errors on a page become a message a planner can act on, never a traceback.

The details (traceback, server paths) go to the server log under a short reference the message
quotes (``geo.guard.log_unexpected``). Streamlit's own flow control (``st.stop``, ``st.rerun``)
passes through: it is not an ``Exception``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from geo.guard import log_unexpected
from geo.text.i18n import t

__all__ = ["planner_errors", "unexpected_message"]


def unexpected_message(exc: BaseException, lang: str, where: str) -> str:
    """Log ``exc`` on the server and return the message to show in ``lang`` (what happened, what to do)."""
    return t("common.unexpected", lang, ref=log_unexpected(exc, where))


@contextmanager
def planner_errors(lang: str, where: str) -> Iterator[None]:
    """Run a part of a page; an unexpected error in it is shown as :func:`unexpected_message`."""
    try:
        yield
    except Exception as exc:  # a bug or an input no check foresaw: the rest of the page still draws
        st.error(unexpected_message(exc, lang, where))
