"""The map page's widgets, kept in sync with the URL (share links), and its panels.

Streamlit glue only: the map is ``ui.atlasmap`` (the layer model of ``geo.carto``), the profile
``geo.analysis.profile``. The year control lives in the map itself (slider, keys, play): the map reports
the year it shows and this module writes it into the URL, the table and the profile.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from geo.analysis.profile import district_profile
from geo.carto.model import district_frame
from geo.data.datasets import MapInputs
from geo.data.designations import designations_for
from geo.data.indicators import INDICATORS, best_year, indicator_name
from geo.data.names import BEIJING_DISTRICTS
from geo.data.source_kind import shown_url, source_kind, source_kind_label
from geo.text.i18n import format_change, format_value, t, unit_label
from geo.text.labels import name_of, note_text, status_label, status_mark
from geo.view.state import DEFAULT_YEAR, ViewState, map_years, view_for_data, with_last_view
from ui import cache, keys, mapcontrols
from ui.tables import dataframe
from ui.urlsync import seed_from_url, write_to_url

__all__ = [
    "KEYS",
    "current_view",
    "district_table_frame",
    "draw_controls",
    "draw_profile",
    "draw_table",
    "first_paint",
    "last_map_query",
    "map_inputs",
    "mark_painted",
    "on_page_visit",
    "open_profile",
    "prepare_view",
    "read_view",
    "table_html",
    "take_map_year",
    "write_view",
    "year_token",
    "years_for",
]


map_inputs = cache.map_inputs  # the data every map is drawn from


def years_for(inputs: MapInputs, indicator: str) -> list[int]:
    return map_years(inputs.indicators, indicator)


def read_view(inputs: MapInputs) -> ViewState:
    """Return the view in the URL (validated); notes list what was ignored (repeats, too many: ui.linknotes).

    Opened from the menu (no view in the URL), the map shows the view it showed last in this
    session: map → any page → map keeps year, districts, layers, indicator, classification.
    """
    from ui.common import current_lang
    from ui.linknotes import read_params

    params = with_last_view(read_params(current_lang()), last_map_query())
    params.setdefault("demo", "1" if cache.show_demo() else "0")  # a link without demo= keeps the session's switch
    return view_for_data(params, inputs.indicators)


def last_map_query() -> dict[str, str]:
    """Return the query of the view the map page showed last in this session ({} if none)."""
    return dict(st.session_state.get(keys.MAP_SEEN) or {})


KEYS = mapcontrols.widget_keys()  # the map page's controls, by ViewState attribute (ui/mapcontrols.py)
_TOKEN, _SEEN_YEAR = keys.MAP_YEAR_TOKEN, keys.MAP_YEAR_SEEN


def _force_year(year: int) -> None:
    """Make the map show ``year`` (a new link or page visit), whatever year it showed before."""
    token, _ = st.session_state.get(_TOKEN, (0, year))
    st.session_state[_TOKEN] = (token + 1, int(year))


def year_token() -> tuple[int, int]:
    """Return ``(token, year)`` for the map: the year it must show when the token is new."""
    return st.session_state.get(_TOKEN, (0, st.session_state.get("m_year", DEFAULT_YEAR)))


def _seed(state: ViewState) -> None:
    """Put the URL's view into the widgets when the page opens (or the URL changed under it)."""
    required = [c.key for c in mapcontrols.CONTROLS if c.required]
    if not seed_from_url(state, KEYS, keys.MAP_SEEN, required, values=mapcontrols.seed_values):
        return
    _force_year(state.year)

def on_page_visit() -> None:
    """On a new visit of the map page (from another page), show the session's year again."""
    if st.session_state.get(keys.PREV_PAGE) != "map" and "m_year" in st.session_state:
        _force_year(st.session_state["m_year"])


@st.cache_data(show_spinner=False, max_entries=256)
def _table_frame(revision: str, state: ViewState, _inputs: MapInputs) -> pd.DataFrame:
    return district_frame(_inputs, state)


def district_table_frame(inputs: MapInputs, state: ViewState) -> pd.DataFrame:
    """Return the district table of ``state`` (cached per year and data revision)."""
    return _table_frame(cache.store_revision(), state.with_(notes=(), districts=(), lang="zh"), inputs)


def take_map_year(state: ViewState, reported: int | None, years: list[int]) -> ViewState:
    """Return ``state`` in the year the map reports, adopted once per report (a stale report never undoes a newer link)."""
    if reported is not None and reported != st.session_state.get(_SEEN_YEAR) and reported in years:
        st.session_state["m_year"] = reported
        state = state.with_(year=reported)
    st.session_state[_SEEN_YEAR] = reported
    return state


def prepare_view(inputs: MapInputs, url_state: ViewState) -> ViewState:
    """Return the view to show: the URL's when it is new, else the controls' (their session state).

    The map is drawn before its controls (so it can show first); the controls' values are already in
    the session state when a run starts, so the view is known without drawing them.
    """
    _seed(url_state)
    years = years_for(inputs, st.session_state["m_indicator"])
    if st.session_state["m_year"] not in years:
        st.session_state["m_year"] = best_year(inputs.indicators, st.session_state["m_indicator"]) or max(years)
        _force_year(st.session_state["m_year"])
    if st.session_state.get(keys.MAP_COMPARE_ON) and st.session_state.get("m_cmp") not in years:
        st.session_state["m_cmp"] = years[0]
    return current_view(url_state.lang)


def first_paint() -> bool:
    """Return True while this browser session's map has not been drawn yet (see ``ui.atlasmap``).

    Then the page sends only the map, and the rest once the map reports it is drawn. Outside a
    browser (AppTest) there is no report to wait for: everything is drawn at once.
    """
    try:
        in_browser = bool(st.context.url)
    except Exception:  # an old client or a bare run
        in_browser = False
    try:  # a browser that already drew the map says so in the map's state (e.g. after a worker failover)
        drawn = bool((st.session_state.get(keys.MAP_COMPONENT) or {}).get("ready"))
    except Exception:  # the component's state is not readable before it is drawn in this session
        drawn = False
    return in_browser and not st.session_state.get(keys.MAP_PAINTED) and not drawn


def mark_painted() -> None:
    st.session_state[keys.MAP_PAINTED] = True


def draw_controls(inputs: MapInputs, lang: str, compact: bool = False) -> None:
    """Draw the map's controls (their values are the view :func:`prepare_view` returned).

    In the sidebar; on a phone-sized map (``compact``) in a popover under the map instead: the phone's
    sidebar is closed, and a closed popover's widgets are not built in the browser until it opens
    (a collapsed expander's and a closed sidebar's are: ~0.46 s of blocking at 4x CPU, README).
    """
    mapcontrols.draw_controls(lang, years_for(inputs, st.session_state["m_indicator"]), popover=compact)


def current_view(lang: str) -> ViewState:
    """Return the view the map page's session state describes."""
    return mapcontrols.view_from_session(st.session_state, lang)


def write_view(state: ViewState) -> None:
    """Keep the URL equal to the view, so the address bar is always a share link."""
    write_to_url(state, keys.MAP_SEEN)

def draw_table(frame: pd.DataFrame, state: ViewState) -> None:
    """Draw the district table under the map (follows the district filter); sources on every row."""
    lang = state.lang
    ind = INDICATORS[state.indicator]
    rows = frame if not state.districts else frame[frame.code.isin(state.districts)]
    if state.compare is not None:  # a change map's table shows the change, signed, as the map does
        unit = "%" if state.change == "pct" else ind.unit
        heading = t("tbl.change", lang, base=state.compare, year=state.year, unit=unit_label(unit, lang) or unit)
        shown = [format_change(v, "%" if unit == "%" else "", lang) for v in rows["value"]]
    else:
        heading = t("tbl.value", lang, unit=unit_label(ind.unit, lang))
        shown = [format_value(v, "", lang) for v in rows["value"]]
    table = pd.DataFrame({
        t("tbl.district", lang): name_of(rows, lang),
        heading: [v + (f" {status_mark(s, lang)}" if s else "") for v, s in zip(shown, rows["status"], strict=False)],
        t("tbl.rank", lang): rows["rank"],
        t("tbl.status", lang): [status_label(s, lang) for s in rows["status"]],
        t("tbl.kind", lang): [source_kind_label(k or source_kind(u), s, lang) if s else ""
                              for k, u, s in zip(rows.get("source_kind", [""] * len(rows)), rows["source_url"],
                                                 rows["status"], strict=False)],
        t("tbl.source", lang): [note_text(n, lang, s) for n, s in zip(rows["source_note"], rows["status"], strict=False)],
        t("tbl.url", lang): [shown_url(u) for u in rows["source_url"]],
    })
    # plain HTML, not st.dataframe nor st.table: 16 rows read well as text, and both go through Arrow in
    # the browser: the data grid's script would load before the map (measured: ~1 s of its load time),
    # st.table's formatting scripts (~850 KB of JavaScript, ~95 KB compressed) right after it
    st.html(table_html(table.sort_values(t("tbl.rank", lang)), indicator_name(ind, lang)))


_TABLE_CSS = (".atlas-table-wrap{overflow-x:auto;max-width:100%}"
              ".atlas-table{border-collapse:collapse;font-size:0.875rem;width:100%}"
              ".atlas-table th,.atlas-table td{padding:0.25rem 0.5rem;border-bottom:1px solid #d5d7de;"
              "text-align:left;vertical-align:top}"
              ".atlas-table thead th{font-weight:600;border-bottom:2px solid #a3a8b8}"
              ".atlas-table th,.atlas-table td{white-space:nowrap}"
              # the source and its address wrap (the table scrolls sideways on a phone); short columns never do
              ".atlas-table td:nth-last-child(-n+2){white-space:normal;min-width:16rem}"
              ".atlas-table td:last-child{word-break:break-all}"
              ".atlas-table td.num{text-align:right}")


def table_html(table: pd.DataFrame, label: str = "") -> str:
    """The table as escaped HTML: a header row, the first column as row headers, numbers right-aligned.

    Its box scrolls sideways on a narrow screen, so it takes the keyboard focus (a named region).

    >>> html = table_html(pd.DataFrame({"区": ["<b>海淀区</b>"], "排名": [1]}))
    >>> "&lt;b&gt;海淀区&lt;/b&gt;" in html and '<th scope="row">' in html and '<td class="num">1</td>' in html
    True
    """
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in table.columns)
    rows = []
    for values in table.itertuples(index=False):
        first, *rest = values
        cells = "".join(f'<td class="num">{escape(str(v))}</td>' if isinstance(v, (int, float)) and not isinstance(v, bool)
                        else f"<td>{escape('' if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))}</td>"
                        for v in rest)
        rows.append(f'<tr><th scope="row">{escape(str(first))}</th>{cells}</tr>')
    return (f'<style>{_TABLE_CSS}</style><div class="atlas-table-wrap" tabindex="0" role="region" '
            f'aria-label="{escape(label)}"><table class="atlas-table">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def open_profile(inputs: MapInputs, code: str, state: ViewState) -> None:
    """Open the profile of district ``code`` in a dialog over the page (visible without scrolling)."""
    if code not in BEIJING_DISTRICTS:
        return
    name = BEIJING_DISTRICTS[code][1 if state.lang == "en" else 0]

    @st.dialog(t("profile.title", state.lang, name=name), width="large")
    def dialog() -> None:
        draw_profile(inputs, code, state, heading=False)

    dialog()


@st.cache_data(show_spinner=False, max_entries=64)
def _profile(revision: str, code: str, _inputs: MapInputs):
    return district_profile(_inputs, code)


def draw_profile(inputs: MapInputs, code: str, state: ViewState, heading: bool = True) -> None:
    """Draw the profile panel of one district (beside the map, so it shows without scrolling)."""
    lang = state.lang
    p = _profile(cache.store_revision(), code, inputs)
    if heading:
        st.header(t("profile.title", lang, name=name_of(p, lang)))
    st.caption(t("profile.area", lang, area=f"{p.area_km2:,.1f}"))
    if state.indicator not in set(p.indicators.indicator):  # e.g. demo values off: said, not left out
        st.caption(f"{indicator_name(state.indicator, lang)}: {status_label('', lang)}")
    if len(p.indicators):
        ind = p.indicators.copy()
        ind["indicator"] = [indicator_name(i, lang) for i in ind.indicator]
        ind["value"] = [format_value(v, u, lang) + (f" {status_mark(s, lang)}" if s else "")
                        for v, u, s in zip(ind.value, ind.unit, ind.status, strict=False)]
        ind["source_kind"] = [source_kind_label(source_kind(u), s, lang) for u, s in zip(ind.source_url, ind.status, strict=False)]
        ind["source_note"] = [note_text(n, lang, s) for n, s in zip(ind.source_note, ind.status, strict=False)]
        ind["status"] = [status_label(s, lang) for s in ind.status]
        ind["source_url"] = [shown_url(u) for u in ind.source_url]
        dataframe(ind[["indicator", "year", "value", "status", "source_kind", "source_note", "source_url",
                          "formula"]].rename(
            columns=lambda c: t(f"profile.col.{c}", lang)), hide_index=True, width="stretch")
    st.markdown(f"**{escape(t('profile.designations', lang))}**")
    shown = designations_for(inputs.designations, code, state.year)
    if len(shown):
        for d in shown.to_dict("records"):
            year = "" if pd.isna(d["year"]) else f"{int(d['year'])} · "
            name = name_of(d, lang, "designation")
            timing = t(f"designation.timing.{d['timing']}", lang, year=state.year)
            counted = "" if d["strong"] or d["timing"] != "in_force" else f" · {t('designation.not_counted', lang)}"
            mark = "★ " if d["strong"] else ""
            st.markdown(f"- {mark}{year}{escape(str(name))} ({escape(t('stage.' + d['stage'], lang))}; "
                        f"{escape(timing)}{escape(counted)}) — [{escape(t('common.source', lang))}]"
                        f"({escape(d['source_url'])})")
    else:
        st.caption(t("profile.none", lang))
    st.markdown(f"**{escape(t('profile.zones', lang))}**")
    if len(p.zones):
        for z in p.zones.to_dict("records"):
            name = name_of(z, lang)
            st.markdown(f"- {escape(str(name))} — {escape(t('map.quality.' + z['geometry_quality'], lang))}")
    else:
        st.caption(t("profile.none", lang))
