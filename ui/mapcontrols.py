"""The map's controls, one row each: ViewState attribute, session key, widget, and how its value reads.

The other half of a parameter lives in ``geo.view.state.PARAMS`` (URL name, parsing, writing;
type and default are the ViewState field's). Adding a map parameter: a ViewState field and a
``Param`` row there, a :class:`Control` row (and its widget) here; nothing else. The seeding from
the URL, the view built from the widgets and the URL written back all loop over these two tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from geo.data.indicators import MAP_INDICATORS, indicator_name
from geo.data.names import BEIJING_DISTRICTS
from geo.text.i18n import t
from geo.view.state import BASEMAPS, CHANGES, CLASSIFICATIONS, LAYERS, ViewState
from ui import cache, keys

__all__ = ["CONTROLS", "Control", "draw_controls", "seed_values", "view_from_session", "widget_keys"]


def _same(value: Any, session: Mapping[str, Any]) -> Any:
    return value


@dataclass(frozen=True)
class Control:
    """One map control: the ViewState attribute it sets, its widget's session key, and the widget.

    ``draw(lang, years)`` draws the widget in the sidebar (None: the map draws it, as the year);
    ``read(value, session)`` turns the widget's value into the ViewState's; ``seed(value)`` is
    what a view's value puts into the session (a list for a tuple); ``required``: a widget that is
    always drawn (its state must exist, else the page seeds it again).
    """

    attr: str
    key: str
    draw: Callable[[str, list[int]], None] | None
    read: Callable[[Any, Mapping[str, Any]], Any] = _same
    seed: Callable[[Any], Mapping[str, Any]] | None = None
    required: bool = True


def _draw_indicator(lang: str, years: list[int]) -> None:
    st.selectbox(t("ctl.indicator", lang), MAP_INDICATORS, key="m_indicator", placeholder=t("common.choose", lang),
                 format_func=lambda i: indicator_name(i, lang))


def _draw_districts(lang: str, years: list[int]) -> None:
    # Streamlit's "Select all" cannot be translated (1.67): offered on English pages only
    st.multiselect(t("ctl.districts", lang), list(BEIJING_DISTRICTS), key="m_districts", select_all=lang == "en",
                   format_func=lambda c: BEIJING_DISTRICTS[c][1 if lang == "en" else 0],
                   placeholder=t("ctl.districts_all", lang))


def _draw_layers(lang: str, years: list[int]) -> None:
    st.multiselect(t("ctl.layers", lang), list(LAYERS), key="m_layers", select_all=lang == "en",
                   format_func=lambda name: t(f"layer.{name}", lang), placeholder=t("ctl.no_layers", lang))


def _draw_classification(lang: str, years: list[int]) -> None:
    st.selectbox(t("ctl.classification", lang), CLASSIFICATIONS, key="m_cls", placeholder=t("common.choose", lang),
                 format_func=lambda c: t(f"cls.{c}", lang))


def _draw_fixed(lang: str, years: list[int]) -> None:
    st.checkbox(t("ctl.fixed_breaks", lang), key="m_fixed")


def _draw_demo(lang: str, years: list[int]) -> None:
    st.checkbox(t("ctl.show_demo", lang), key="m_demo",
                on_change=lambda: cache.set_show_demo(st.session_state["m_demo"]))
    if not st.session_state["m_demo"]:
        st.caption(t("status.import_cta", lang))


def _draw_compare(lang: str, years: list[int]) -> None:
    if st.checkbox(t("ctl.compare", lang), key=keys.MAP_COMPARE_ON):
        st.selectbox(t("ctl.compare_year", lang), years, key="m_cmp", placeholder=t("common.choose", lang))


def _draw_change(lang: str, years: list[int]) -> None:
    if st.session_state.get(keys.MAP_COMPARE_ON):
        st.radio(t("ctl.change_kind", lang), CHANGES, key="m_chg", horizontal=True,
                 format_func=lambda c: t(f"carto.change.{c}", lang))


def _draw_basemap(lang: str, years: list[int]) -> None:
    st.radio(t("ctl.basemap", lang), BASEMAPS, key="m_base", horizontal=True,
             format_func=lambda b: t(f"base.{b}", lang))
    if st.session_state["m_base"] != "none":
        st.caption(t("ctl.basemap_note", lang))


#: The map's controls, in the sidebar's order (the year is the map's own control: slider, keys, play).
CONTROLS: tuple[Control, ...] = (
    Control("year", "m_year", None, read=lambda v, s: int(v)),
    Control("indicator", "m_indicator", _draw_indicator),
    Control("districts", "m_districts", _draw_districts, read=lambda v, s: tuple(v)),
    Control("layers", "m_layers", _draw_layers, read=lambda v, s: tuple(n for n in LAYERS if n in v)),
    Control("classification", "m_cls", _draw_classification),
    Control("fixed_breaks", "m_fixed", _draw_fixed, read=lambda v, s: bool(v)),
    Control("demo", "m_demo", _draw_demo, read=lambda v, s: bool(v)),
    Control("compare", "m_cmp", _draw_compare, read=lambda v, s: v if s.get(keys.MAP_COMPARE_ON) else None,
            seed=lambda v: {"m_cmp": v, keys.MAP_COMPARE_ON: v is not None}, required=False),
    Control("change", "m_chg", _draw_change, read=lambda v, s: v or "abs", required=False),
    Control("basemap", "m_base", _draw_basemap),
)


def widget_keys() -> dict[str, str]:
    """Return {ViewState attribute: session key} of the map's controls."""
    return {c.attr: c.key for c in CONTROLS}


def seed_values(state: ViewState) -> dict[str, Any]:
    """Return the session values that make the controls show ``state``."""
    out: dict[str, Any] = {}
    for c in CONTROLS:
        value = getattr(state, c.attr)
        out.update(c.seed(value) if c.seed else {c.key: list(value) if isinstance(value, tuple) else value})
    return out


def view_from_session(session: Mapping[str, Any], lang: str) -> ViewState:
    """Return the view the controls' session values describe (built once per run by the map page)."""
    return ViewState(lang=lang, **{c.attr: c.read(session.get(c.key), session) for c in CONTROLS})


def draw_controls(lang: str, years: list[int], popover: bool = False) -> None:
    """Draw the map's controls in the sidebar, or in a popover where the page is (their values are in the session)."""
    if popover:
        place = st.popover(t("ctl.heading", lang), icon=":material/tune:", width="stretch", key="map_controls")
    else:
        place = st.sidebar
        place.header(t("ctl.heading", lang))
    with place:
        for c in CONTROLS:
            if c.draw is not None:
                c.draw(lang, years)
