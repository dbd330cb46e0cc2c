"""The map view as plain data, and its round trip through URL query parameters (share links).

Every parameter is validated; a bad or stale value falls back to its default and adds a note
(the page shows the notes), never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    "ViewState",
    "from_query",
    "share_url",
    "to_query",
    "view_for_data",
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
    if (raw := get("year")) is not None:
        if (year := valid_year(raw, years)) is not None:
            changes["year"] = year
        else:
            notes.append(f"year={raw!r}")
    if years and changes.get("year", default.year) not in years:
        changes["year"] = default_year if default_year in years else max(years)
    if (raw := get("d")) is not None:
        changes["districts"] = _codes(raw, BEIJING_DISTRICTS, notes, "d")
    if (raw := get("layers")) is not None:
        good = _codes(raw, LAYERS, notes, "layers")
        asked = [n for n in _split(raw) if n != "-"]
        # "-" or "" asks for no layers; a list of only invalid names falls back to the default, as the note says
        changes["layers"] = tuple(n for n in LAYERS if n in good) if good or not asked else default.layers
    for key, attr, allowed in (("ind", "indicator", MAP_INDICATORS), ("cls", "classification", CLASSIFICATIONS),
                               ("base", "basemap", BASEMAPS), ("lang", "lang", LANGS), ("chg", "change", CHANGES)):
        if (raw := get(key)) is not None and (value := _choice(raw, allowed, notes, key)) is not None:
            changes[attr] = value
    if (raw := get("cmp")) is not None and raw != "":
        if (year := valid_year(raw, years)) is not None:
            changes["compare"] = year
        else:
            notes.append(f"cmp={raw!r}")
    for key, attr in (("fixed", "fixed_breaks"), ("demo", "demo")):
        if (raw := get(key)) is not None and (value := _choice(raw, ("0", "1"), notes, key)) is not None:
            changes[attr] = value == "1"
    return replace(default, notes=tuple(notes), **changes)


def view_for_data(params: Mapping[str, str | list[str]], indicators: pd.DataFrame) -> ViewState:
    """Return the view ``params`` describe, its year checked against the years that have data.

    A missing or invalid year becomes the latest year in which the most districts have a value.
    """
    indicator = from_query(params).indicator
    years = years_with_data(indicators, indicator) or [DEFAULT_YEAR]
    return from_query(params, years, best_year(indicators, indicator))


def share_url(state: ViewState, base: str = "") -> str:
    """Return the share link of ``state``: the app root (the map is the default page) plus the query.

    >>> share_url(ViewState(year=2019), "http://127.0.0.1:8501")[:36]
    'http://127.0.0.1:8501/?year=2019&d=&'
    """
    return f"{base.rstrip('/')}/?{urlencode(to_query(state))}"


def to_query(state: ViewState) -> dict[str, str]:
    """Return the query parameters of ``state`` (defaults included, so links stay stable)."""
    return {
        "year": str(state.year),
        "d": ",".join(state.districts),
        "layers": ",".join(state.layers) or "-",
        "ind": state.indicator,
        "cls": state.classification,
        "base": state.basemap,
        "lang": state.lang,
        "fixed": "1" if state.fixed_breaks else "0",
        "demo": "1" if state.demo else "0",
        **({"cmp": str(state.compare), "chg": state.change} if state.compare is not None else {}),
    }
