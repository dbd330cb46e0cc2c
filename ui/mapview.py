"""The map page's widgets, kept in sync with the URL (share links), and its panels.

Streamlit glue only: everything it draws is computed by ``geo.mapbuild`` / ``geo.profile``.
"""

from __future__ import annotations

import time
from html import escape

import pandas as pd
import streamlit as st

from geo.i18n import format_value, t, unit_label
from geo.indicators import INDICATORS, MAP_INDICATORS, best_year, years_with_data
from geo.mapbuild import MapInputs
from geo.names import BEIJING_DISTRICTS
from geo.profile import district_profile
from geo.state import BASEMAPS, CLASSIFICATIONS, DEFAULT_YEAR, LAYERS, ViewState, to_query, view_for_data
from ui import cache
from ui.common import status_mark

__all__ = ["map_inputs", "read_view", "draw_controls", "draw_table", "draw_profile", "write_view",
           "years_for", "legend_block", "last_map_query"]


def map_inputs() -> MapInputs:
    """Return the data every map is drawn from (cached loaders)."""
    return MapInputs(cache.districts(), cache.zones(), cache.regions(), cache.designations(), cache.indicators())


def years_for(inputs: MapInputs, indicator: str) -> list[int]:
    return years_with_data(inputs.indicators, indicator) or [DEFAULT_YEAR]


def read_view(inputs: MapInputs) -> ViewState:
    """Return the view in the URL (validated); notes list what was ignored."""
    return view_for_data(st.query_params.to_dict(), inputs.indicators)


def last_map_query() -> dict[str, str]:
    """Return the query of the view the map page showed last in this session ({} if none)."""
    return dict(st.session_state.get("m_seeded_from") or {})


_KEYS = {"year": "m_year", "districts": "m_districts", "layers": "m_layers", "indicator": "m_indicator",
         "classification": "m_cls", "basemap": "m_base", "fixed_breaks": "m_fixed"}


def _seed(state: ViewState) -> None:
    """Put the URL's view into the widgets when the page opens (or the URL changed under it)."""
    query = to_query(state)
    if st.session_state.get("m_seeded_from") == query:
        return
    for attr, key in _KEYS.items():
        value = getattr(state, attr)
        st.session_state[key] = list(value) if isinstance(value, tuple) else value
    st.session_state["m_seeded_from"] = query


def _advance_year(years: list[int]) -> None:
    y = st.session_state["m_year"]
    later = [v for v in years if v > y]
    st.session_state["m_year"] = later[0] if later else years[0]


def draw_controls(inputs: MapInputs, url_state: ViewState) -> ViewState:
    """Draw the map's sidebar controls; return the view they describe."""
    lang = url_state.lang
    _seed(url_state)
    with st.sidebar:
        st.subheader(t("ctl.heading", lang))
        indicator = st.selectbox(t("ctl.indicator", lang), MAP_INDICATORS, key="m_indicator",
                                 format_func=lambda i: INDICATORS[i].name_en if lang == "en" else INDICATORS[i].name_zh)
        years = years_for(inputs, indicator)
        if st.session_state.pop("m_advance", False) and st.session_state.get("m_playing"):
            _advance_year(years)
        if st.session_state["m_year"] not in years:
            st.session_state["m_year"] = best_year(inputs.indicators, indicator) or max(years)
        if len(years) > 1:
            st.select_slider(t("ctl.year", lang), options=years, key="m_year")
        else:
            st.caption(t("ctl.single_year", lang, year=years[0]))
        playing = st.toggle(t("ctl.play", lang), key="m_playing", value=False)
        st.multiselect(t("ctl.districts", lang), list(BEIJING_DISTRICTS), key="m_districts",
                       format_func=lambda c: BEIJING_DISTRICTS[c][1 if lang == "en" else 0],
                       placeholder=t("ctl.districts_all", lang))
        st.multiselect(t("ctl.layers", lang), list(LAYERS), key="m_layers",
                       format_func=lambda name: t(f"layer.{name}", lang), placeholder=t("ctl.no_layers", lang))
        st.selectbox(t("ctl.classification", lang), CLASSIFICATIONS, key="m_cls",
                     format_func=lambda c: t(f"cls.{c}", lang))
        st.checkbox(t("ctl.fixed_breaks", lang), key="m_fixed")
        st.radio(t("ctl.basemap", lang), BASEMAPS, key="m_base", horizontal=True,
                 format_func=lambda b: t(f"base.{b}", lang))
        if st.session_state["m_base"] != "none":
            st.caption(t("ctl.basemap_note", lang))
    if playing and len(years) > 1:
        _play(years)
    return ViewState(year=int(st.session_state["m_year"]), districts=tuple(st.session_state["m_districts"]),
                     layers=tuple(n for n in LAYERS if n in st.session_state["m_layers"]), indicator=indicator,
                     classification=st.session_state["m_cls"], basemap=st.session_state["m_base"], lang=lang,
                     fixed_breaks=bool(st.session_state["m_fixed"]))


def _play(years: list[int], interval: float = 1.6) -> None:
    @st.fragment(run_every=interval)
    def ticker() -> None:
        # Called in every full run and by the timer. Only the timer, once the current year has been
        # shown for ``interval``, advances; a fragment may not set widget state, so the next full
        # run does (see draw_controls).
        now = time.monotonic()
        last = st.session_state.setdefault("m_tick_at", now)
        if now - last >= interval * 0.9:
            st.session_state["m_tick_at"] = now
            st.session_state["m_advance"] = True
            st.rerun()

    ticker()


def write_view(state: ViewState) -> None:
    """Keep the URL equal to the view, so the address bar is always a share link."""
    query = to_query(state)
    current = st.query_params.to_dict()
    if any(current.get(k) != v for k, v in query.items()):
        st.query_params.update(query)
    st.session_state["m_seeded_from"] = query


def draw_table(frame: pd.DataFrame, state: ViewState) -> None:
    """Draw the district table under the map (follows the district filter); sources on every row."""
    lang = state.lang
    ind = INDICATORS[state.indicator]
    rows = frame if not state.districts else frame[frame.code.isin(state.districts)]
    table = pd.DataFrame({
        t("tbl.district", lang): rows["name_en"] if lang == "en" else rows["name_zh"],
        t("tbl.value", lang, unit=unit_label(ind.unit, lang)): [format_value(v, "", lang) + (f" {status_mark(s, lang)}" if s else "")
                                              for v, s in zip(rows["value"], rows["status"])],
        t("tbl.rank", lang): rows["rank"],
        t("tbl.status", lang): [t(f"status.{s}", lang) if s else t("status.none", lang) for s in rows["status"]],
        t("tbl.source", lang): rows["source_note"],
        t("tbl.url", lang): rows["source_url"],
    })
    st.dataframe(table.sort_values(t("tbl.rank", lang)), hide_index=True, width="stretch",
                 column_config={t("tbl.url", lang): st.column_config.TextColumn()})


def draw_profile(inputs: MapInputs, code: str, lang: str) -> None:
    """Draw the profile panel of one district."""
    p = district_profile(inputs, code)
    st.subheader(t("profile.title", lang, name=p.name_en if lang == "en" else p.name_zh))
    st.caption(t("profile.area", lang, area=f"{p.area_km2:,.1f}"))
    if len(p.indicators):
        ind = p.indicators.copy()
        ind["indicator"] = [INDICATORS[i].name_en if lang == "en" else INDICATORS[i].name_zh for i in ind.indicator]
        ind["value"] = [format_value(v, u, lang) + (f" {status_mark(s, lang)}" if s else "")
                        for v, u, s in zip(ind.value, ind.unit, ind.status)]
        ind["status"] = [t(f"status.{s}", lang) for s in ind.status]
        st.dataframe(ind[["indicator", "year", "value", "status", "source_note", "source_url"]].rename(
            columns=lambda c: t(f"profile.col.{c}", lang)), hide_index=True, width="stretch")
    st.markdown(f"**{escape(t('profile.designations', lang))}**")
    if len(p.designations):
        for d in p.designations.to_dict("records"):
            year = "" if pd.isna(d["year"]) else f"{int(d['year'])} · "
            name = d["designation_en"] if lang == "en" else d["designation_zh"]
            st.markdown(f"- {year}{escape(str(name))} ({escape(t('stage.' + d['stage'], lang))}) — "
                        f"[{escape(t('common.source', lang))}]({escape(d['source_url'])})")
    else:
        st.caption(t("profile.none", lang))
    st.markdown(f"**{escape(t('profile.zones', lang))}**")
    if len(p.zones):
        for z in p.zones.to_dict("records"):
            name = z["name_en"] if lang == "en" else z["name_zh"]
            st.markdown(f"- {escape(str(name))} — {escape(t('map.quality.' + z['geometry_quality'], lang))}")
    else:
        st.caption(t("profile.none", lang))


def legend_block(legend: str, source: str, banner: str | None) -> None:
    """Draw the legend and source line beside the map (HTML built and escaped by geo.mapbuild)."""
    if banner:
        st.error("⚠ " + banner)
    st.html(legend)
    st.caption(source)

