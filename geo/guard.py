"""Bounds on what the atlas reads from outside, and what happens when reading fails unexpectedly.

Pure (no Streamlit). Every entry point (Import page, ``./atlas import``, link parameters, scene lists,
boundary files) checks its input against these limits *before* doing work, and turns an unexpected
error into a message a planner can act on: :func:`log_unexpected` writes the details (traceback,
server paths) to the server log only, under a short reference the message quotes.

>>> json_depth('{"a": [[1, 2], {"b": "[[["}]}'), json_depth("[]"), json_depth("7")
(3, 1, 0)
"""

from __future__ import annotations

import logging
import re
import secrets

import numpy as np

__all__ = [
    "MAX_FIELD_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_LINK_PARAMS",
    "MAX_NUMBER",
    "json_depth",
    "log_unexpected",
]

#: Longest text a table cell may hold (a district name, a heading or a note is far shorter).
MAX_FIELD_CHARS = 2_000
#: Largest absolute value a figure may have (Beijing's largest count is in the hundreds of thousands).
MAX_NUMBER = 1e15
#: Deepest nesting of brackets a JSON document may have (a scene list needs 3, a GeoJSON file about 7).
MAX_JSON_DEPTH = 32
#: Most parameters a link may carry (a view has 11; a scene list link 3).
MAX_LINK_PARAMS = 40

_LOG = logging.getLogger("atlas")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_OPEN = {ord("["), ord("{")}
_CLOSE = {ord("]"), ord("}")}


def json_depth(text: str) -> int:
    """Return how deeply brackets nest in ``text`` (JSON), without parsing it (strings are skipped).

    Fast and bounded (no recursion): used to refuse deeply nested documents before ``json.loads``,
    which recurses once per level.
    """
    bare = _STRING.sub("", text)
    codes = np.frombuffer(bare.encode("utf-32-le"), dtype=np.uint32) if bare else np.zeros(0, np.uint32)
    steps = np.zeros(len(codes), dtype=np.int64)
    steps[np.isin(codes, list(_OPEN))] = 1
    steps[np.isin(codes, list(_CLOSE))] = -1
    return int(np.cumsum(steps).max(initial=0))


def log_unexpected(exc: BaseException, where: str) -> str:
    """Log ``exc`` with its traceback on the server; return the short reference a message may quote.

    >>> len(log_unexpected(ValueError("x"), "doctest"))
    6
    """
    ref = secrets.token_hex(3).upper()
    _LOG.error("unexpected error [ref %s] in %s: %s", ref, where, type(exc).__name__, exc_info=exc)
    return ref
