"""The view state and its share-link round trip: good links restore the view, bad ones fall back with a note."""

from __future__ import annotations

import pytest

from geo.data.indicators import MAP_INDICATORS
from geo.data.names import BEIJING_DISTRICTS
from geo.view.state import (
    BASEMAPS,
    CLASSIFICATIONS,
    DEFAULT_LAYERS,
    DEFAULT_YEAR,
    LAYERS,
    ViewState,
    from_query,
    to_query,
)

YEARS = list(range(2015, 2025))

STATES = {
    "default": ViewState(),
    "everything": ViewState(year=2016, districts=("110108", "110101"), layers=LAYERS, indicator=MAP_INDICATORS[-1],
                            classification=CLASSIFICATIONS[-1], basemap=BASEMAPS[-1], lang="en", fixed_breaks=False, demo=False),
    "no_layers": ViewState(layers=(), districts=tuple(BEIJING_DISTRICTS)),
    "one_district": ViewState(year=2020, districts=("110119",), layers=("districts",), basemap="osm"),
}


@pytest.mark.parametrize("name", sorted(STATES))
def test_round_trip(name):
    state = STATES[name]
    query = to_query(state)
    assert all(isinstance(v, str) for v in query.values())
    back = from_query(query, years=YEARS)
    assert back == state
    assert back.notes == ()
    assert to_query(back) == query


@pytest.mark.parametrize("name", sorted(STATES))
def test_round_trip_with_list_values(name):
    """st.query_params may hand over lists (repeated keys): the last value counts."""
    query = {k: ["junk", v] for k, v in to_query(STATES[name]).items()}
    assert from_query(query, years=YEARS) == STATES[name]


def test_empty_query_is_default():
    state = from_query({}, years=YEARS)
    assert state == ViewState(year=max(YEARS)) and state.notes == ()
    assert from_query({}) == ViewState()
    assert ViewState().year == DEFAULT_YEAR and ViewState().layers == DEFAULT_LAYERS


def test_default_year_outside_available_years_falls_to_latest():
    assert from_query({}, years=[2015, 2016]).year == 2016


BAD = [
    ("year", "abc", "year", 2024),
    ("year", "", "year", 2024),
    ("year", "-2019", "year", 2024),
    ("year", "2019.0", "year", 2024),
    ("year", "1990", "year", 2024),
    ("year", "²", "year", 2024),  # str.isdigit() accepts superscripts, int() does not
    ("year", "1" * 600, "year", 2024),
    ("year", " 2019", "year", 2024),
    ("ind", "gdp", "indicator", MAP_INDICATORS[0]),
    ("ind", "", "indicator", MAP_INDICATORS[0]),
    ("cls", "jenks!", "classification", "quantiles"),
    ("base", "google", "basemap", "none"),
    ("base", "<script>", "basemap", "none"),
    ("lang", "fr", "lang", "zh"),
    ("lang", "EN", "lang", "zh"),
    ("fixed", "true", "fixed_breaks", True),
    ("fixed", "2", "fixed_breaks", True),
    ("demo", "no", "demo", True),
    ("demo", "<script>", "demo", True),
]


@pytest.mark.parametrize("key, raw, attr, expected", BAD, ids=[f"{b[0]}={b[1][:10]!r}" for b in BAD])
def test_bad_value_falls_back_with_note(key, raw, attr, expected):
    state = from_query({key: raw}, years=YEARS)
    assert getattr(state, attr) == expected
    assert len(state.notes) == 1 and state.notes[0].startswith(f"{key}=")


@pytest.mark.parametrize("raw, good", [
    ("110108,bogus", ("110108",)),
    ("bogus", ()),
    ("110108,110108,110101", ("110108", "110101")),
    ("110000", ()),
    ("海淀", ()),
])
def test_bad_districts_dropped_with_note(raw, good):
    state = from_query({"d": raw}, years=YEARS)
    assert state.districts == good
    has_bad = any(c not in BEIJING_DISTRICTS for c in raw.split(","))
    assert bool(state.notes) == has_bad


@pytest.mark.parametrize("raw, good, noted", [
    ("districts,bogus", ("districts",), True),
    ("jjj,districts", ("districts", "jjj"), False),  # drawing order, not link order
    ("-", (), False),
    ("", (), False),
    ("bogus", DEFAULT_LAYERS, True),  # nothing valid: the default, as the note says
    ("<script>alert(1)</script>", DEFAULT_LAYERS, True),
    ("bogus,-", DEFAULT_LAYERS, True),
])
def test_layers(raw, good, noted):
    state = from_query({"layers": raw}, years=YEARS)
    assert state.layers == good
    assert bool(state.notes) == noted


def test_many_bad_values_each_noted_and_good_ones_kept():
    state = from_query({"year": "x", "d": "110108,zz", "layers": "districts,zz", "ind": "zz", "cls": "zz",
                        "base": "osm", "lang": "en", "fixed": "zz", "unknown": "ignored"}, years=YEARS)
    assert len(state.notes) == 6
    assert (state.districts, state.layers, state.basemap, state.lang) == (("110108",), ("districts",), "osm", "en")


@pytest.mark.parametrize("params", [{"year": None}, {"year": []}, {"d": []}, {"layers": ["a", None]},
                                    {"year": 2019}, {"d": 110108}])
def test_odd_types_never_raise(params):
    state = from_query(params, years=YEARS)
    assert isinstance(state, ViewState)


def test_notes_do_not_affect_equality():
    assert ViewState(notes=("x",)) == ViewState()


def test_with_returns_changed_copy():
    a = ViewState()
    b = a.with_(year=2019, lang="en")
    assert (a.year, a.lang) == (DEFAULT_YEAR, "zh") and (b.year, b.lang) == (2019, "en")


def test_demo_switch_round_trips():
    assert from_query({"demo": "0"}).demo is False
    assert from_query({"demo": "1"}).demo is True and ViewState().demo is True
    assert to_query(ViewState(demo=False))["demo"] == "0"
