"""Streamlit's data grid with its room kept while its script loads.

Streamlit 1.67 fetches the data grid's script (about 1 MB) the first time a session draws one, and
shows a 40 px placeholder until it comes; the grid then takes its height (up to 400 px), and the
page below it moves down (the Sources page, opened from the menu, grew from 2,664 to 4,668 px on a
laptop). :func:`dataframe` gives ``st.dataframe`` the height it would take anyway, so its placeholder
already has it: nothing moves when the script arrives.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

__all__ = ["ROW_PX", "dataframe", "table_height"]

#: Streamlit 1.67's grid: each row and the header row 35 px, 2 px of border, at most 400 px unless told.
ROW_PX = 35
_BORDER_PX = 2
_MAX_PX = 400


def table_height(rows: int) -> int:
    """Return the height Streamlit gives a grid of ``rows`` rows by default (measured: 1 row 72 px, 5 rows 212 px).

    >>> [table_height(n) for n in (0, 1, 5, 10, 11, 500)]
    [37, 72, 212, 387, 400, 400]
    """
    return min(ROW_PX * (rows + 1) + _BORDER_PX, _MAX_PX)


def _rows(data: Any) -> int:
    """The number of rows of what the atlas gives ``st.dataframe``: a frame, a list of rows or a dict of columns.

    >>> [_rows(d) for d in ({"a": [1, 2, 3], "b": [4, 5, 6]}, [{"a": 1}], {})]
    [3, 1, 0]
    """
    if isinstance(data, dict):
        return len(next(iter(data.values()), []))
    return len(data)


def dataframe(data: Any, **kwargs: Any):
    """``st.dataframe(data, **kwargs)`` with its default height given (unless ``height`` is), so its room is kept."""
    kwargs.setdefault("height", table_height(_rows(data)))
    return st.dataframe(data, **kwargs)
