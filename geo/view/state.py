"""The map view as plain data, and its round trip through URL query parameters (share links).

Every parameter is validated; a bad or stale value falls back to its default and adds a note
(the page shows the notes), never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from geo.data.indicators import MAP_INDICATORS, best_year, years_with_data
from geo.data.names import BEIJING_DISTRICTS
from geo.text.i18n import LANGS

__all__ = [
    "BASEMAPS",
    "CHANGES",
    "CLASSIFICATIONS",
    "DEFAULT_LAYERS",
    "DEFAULT_YEAR",
    "LAYERS",
    "OPTIONAL_KEYS",
    "PARAMS",
    "VIEW_KEYS",
    "Param",
    "ViewState",
    "from_query",
    "map_years",
    "share_url",
    "to_query",
    "view_for_data",
    "with_last_view",
]

#: Switchable map layers, in drawing order.
LAYERS = ("districts", "strong", "science_cities", "zgc_parks", "etda", "jjj")
DEFAULT_LAYERS = ("districts", "strong", "science_cities", "etda")
CLASSIFICATIONS = ("quantiles", "natural_breaks", "equal_interval", "policy_80")
BASEMAPS = ("none", "osm", "amap")
#: Change map: absolute change or % change from the comparison year (``cmp``) to the year shown.
CHANGES = ("abs", "pct")
DEFAULT_YEAR = 2024


@dataclass(frozen=True)
class ViewState:
    """Everything a share link carries."""

    year: int = DEFAULT_YEAR
    districts: tuple[str, ...] = ()
    layers: tuple[str, ...] = DEFAULT_LAYERS
    indicator: str = MAP_INDICATORS[0]
    classification: str = "quantiles"
    basemap: str = "none"
    lang: str = "zh"
    fixed_breaks: bool = True
    compare: int | None = None  # change map: the year the shown year is compared with
    change: str = "abs"
    demo: bool = True  # show demo values; False shows demo cells as "no official figure yet"
    notes: tuple[str, ...] = field(default=(), compare=False)

    def with_(self, **changes: Any) -> ViewState:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def valid_year(raw: str | None, years: list[int] | None) -> int | None:
    """Return ``raw`` as a year when it is one of ``years`` (any year when ``years`` is None), else None.

    The one rule for a year from a link, used by every page that reads one.

    >>> valid_year("2019", [2019, 2020]), valid_year("1999", [2019]), valid_year("20x9", None)
    (2019, None, None)
    """
    if raw is None or not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw) if years is None or int(raw) in years else None


def _codes(raw: str, allowed, notes: list[str], key: str) -> tuple[str, ...]:
    """Return the valid names of a comma list in order, once each; note the invalid ones."""
    names = [n for n in _split(raw) if n != "-"]
    good = tuple(dict.fromkeys(n for n in names if n in allowed))
    if len(good) != len(dict.fromkeys(names)):
        notes.append(f"{key}={','.join(n for n in names if n not in allowed)!r}")
    return good


def _choice(raw: str, allowed, notes: list[str], key: str) -> str | None:
    if raw in allowed:
        return raw
    notes.append(f"{key}={raw!r}")
    return None


_SKIP = object()  # a reader's answer for "keep the default" (bad values are noted by the reader)


def _read_year(raw: str, years: list[int] | None, notes: list[str], key: str) -> Any:
    if (year := valid_year(raw, years)) is not None:
        return year
    notes.append(f"{key}={raw!r}")
    return _SKIP


def _read_compare(raw: str, years: list[int] | None, notes: list[str], key: str) -> Any:
    return _SKIP if raw == "" else _read_year(raw, years, notes, key)


def _read_districts(raw: str, years: list[int] | None, notes: list[str], key: str) -> Any:
    return _codes(raw, BEIJING_DISTRICTS, notes, key)


def _read_layers(raw: str, years: list[int] | None, notes: list[str], key: str) -> Any:
    good = _codes(raw, LAYERS, notes, key)
    asked = [n for n in _split(raw) if n != "-"]
    # "-" or "" asks for no layers; a list of only invalid names falls back to the default, as the note says
    return tuple(n for n in LAYERS if n in good) if good or not asked else _SKIP


def _choice_of(allowed) -> Callable[[str, list[int] | None, list[str], str], Any]:
    def read(raw: str, years: list[int] | None, notes: list[str], key: str) -> Any:
        value = _choice(raw, allowed, notes, key)
        return _SKIP if value is None else value
    return read


def _read_flag(raw: str, years: list[int] | None, notes: list[str], key: str) -> Any:
    value = _choice(raw, ("0", "1"), notes, key)
    return _SKIP if value is None else value == "1"


def _always(state: ViewState) -> bool:
    return True


@dataclass(frozen=True)
class Param:
    """One parameter of the view: its :class:`ViewState` attribute, its URL name, how it reads and writes.

    The type and default are the ViewState field's. ``read(raw, years, notes, key)`` returns the
    value or ``_SKIP`` (the default stays; a bad value noted); ``write(value)`` the URL text;
    ``shown(state)`` whether the URL carries it (a change map's parameters only in a change map).
    """

    attr: str
    key: str
    read: Callable[[str, list[int] | None, list[str], str], Any]
    write: Callable[[Any], str]
    shown: Callable[[ViewState], bool] = _always


def _in_change_map(state: ViewState) -> bool:
    return state.compare is not None


#: Every parameter of a share link, in the URL's order. Adding one: a ViewState field, a row here,
#: and its widget in ``ui/mapcontrols.py``.
PARAMS: tuple[Param, ...] = (
    Param("year", "year", _read_year, str),
    Param("districts", "d", _read_districts, ",".join),
    Param("layers", "layers", _read_layers, lambda v: ",".join(v) or "-"),
    Param("indicator", "ind", _choice_of(MAP_INDICATORS), str),
    Param("classification", "cls", _choice_of(CLASSIFICATIONS), str),
    Param("basemap", "base", _choice_of(BASEMAPS), str),
    Param("lang", "lang", _choice_of(LANGS), str),
    Param("fixed_breaks", "fixed", _read_flag, lambda v: "1" if v else "0"),
    Param("demo", "demo", _read_flag, lambda v: "1" if v else "0"),
    Param("compare", "cmp", _read_compare, str, _in_change_map),
    Param("change", "chg", _choice_of(CHANGES), str, _in_change_map),
)
#: The URL names of the view (a page's own parameters are not among them).
VIEW_KEYS = tuple(p.key for p in PARAMS)
#: Parameters only some views carry: removed from the URL when the view has none.
OPTIONAL_KEYS = tuple(p.key for p in PARAMS if p.shown is not _always)


def from_query(params: Mapping[str, str | list[str]], years: list[int] | None = None,
               default_year: int | None = None) -> ViewState:
    """Return the view described by ``params``; invalid values fall back to defaults with a note.

    ``years`` are the valid years; a missing or invalid year becomes ``default_year`` (else the latest).

    >>> s = from_query({"year": "2019", "d": "110108,bogus", "lang": "xx"}, years=[2019, 2020])
    >>> s.year, s.districts, s.lang, len(s.notes)
    (2019, ('110108',), 'zh', 2)
    """
    def get(key: str) -> str | None:
        v = params.get(key)
        if isinstance(v, list):
            v = v[-1] if v else None
        return None if v is None else str(v)[:500]

    default = ViewState()
    notes: list[str] = []
    changes: dict[str, Any] = {}  # field name -> value, for replace()
    for param in PARAMS:
        if (raw := get(param.key)) is not None and (value := param.read(raw, years, notes, param.key)) is not _SKIP:
            changes[param.attr] = value
    if years and changes.get("year", default.year) not in years:
        changes["year"] = default_year if default_year in years else max(years)
    return replace(default, notes=tuple(notes), **changes)


def with_last_view(params: Mapping[str, str], last: Mapping[str, str]) -> dict[str, str]:
    """Return ``params``, or the last view shown (``last``) under them when they name no view (opened from the menu).

    A page opened from the sidebar has no view in its URL (at most the language): it follows the
    view the session showed last, so map → any page → map keeps year, districts, layers…

    >>> with_last_view({"lang": "en"}, {"year": "2020", "lang": "zh"})
    {'year': '2020', 'lang': 'en'}
    >>> with_last_view({"year": "2019"}, {"year": "2020", "d": "110108"})
    {'year': '2019'}
    """
    if any(k in params for k in VIEW_KEYS if k != "lang"):
        return dict(params)
    return {**last, **params}


def map_years(indicators: pd.DataFrame, indicator: str) -> list[int]:
    """Return the years in which ``indicator`` has any district value, or ``[DEFAULT_YEAR]`` (the one fallback)."""
    return years_with_data(indicators, indicator) or [DEFAULT_YEAR]


def view_for_data(params: Mapping[str, str | list[str]], indicators: pd.DataFrame) -> ViewState:
    """Return the view ``params`` describe, its year checked against the years that have data.

    A missing or invalid year becomes the latest year in which the most districts have a value.
    """
    indicator = from_query(params).indicator
    years = map_years(indicators, indicator)
    return from_query(params, years, best_year(indicators, indicator))


def share_url(state: ViewState, base: str = "") -> str:
    """Return the share link of ``state``: the app root (the map is the default page) plus the query.

    >>> share_url(ViewState(year=2019), "http://127.0.0.1:8501")[:36]
    'http://127.0.0.1:8501/?year=2019&d=&'
    """
    return f"{base.rstrip('/')}/?{urlencode(to_query(state))}"


def to_query(state: ViewState) -> dict[str, str]:
    """Return the query parameters of ``state`` (defaults included, so links stay stable)."""
    return {p.key: p.write(getattr(state, p.attr)) for p in PARAMS if p.shown(state)}
