"""Trends and ranking: a chosen indicator over the years (selected districts vs the city total) and a
ranked bar chart of districts for a year. Year, districts and indicator follow the map's URL filters."""

import streamlit as st

from geo.analysis.charts import MAX_LINES, ranking_chart, ranking_frame, trend_chart, trend_frame
from geo.data.indicators import MAP_INDICATORS, best_year, indicator_name
from geo.data.names import BEIJING_DISTRICTS
from geo.text.i18n import t
from geo.view.state import map_years, to_query, view_for_data
from ui import cache, keys, linknotes
from ui.analysis import source_links
from ui.common import lang
from ui.mapview import last_map_query
from ui.urlsync import seed_from_url, write_to_url

indicators = cache.indicators()
params = linknotes.read_params(lang())  # repeated parameters merged or refused, too many: noted
if not {"year", "d", "ind"} & set(params):  # opened from the menu: follow the map's last filters
    params = {**last_map_query(), **params}
params.setdefault("demo", "1" if cache.show_demo() else "0")  # the session's demo switch, as on the map
url_state = view_for_data(params, indicators)
L = url_state.lang

# put the URL's filters into the widgets when the page opens or the URL changed under it
if seed_from_url(url_state, keys.TRENDS_WIDGETS, keys.TRENDS_SEEN):
    st.session_state["tr_districts"] = st.session_state["tr_districts"][:MAX_LINES]

st.title(t("an.trends.title", L))
if url_state.notes:
    linknotes.add(t("an.trends.bad_params", L, params=", ".join(url_state.notes)))
linknotes.show(("trends", st.session_state["tr_indicator"], st.session_state["tr_year"],
                tuple(st.session_state["tr_districts"]), L), L)  # until the view changes
if len(url_state.districts) > MAX_LINES:
    st.info(t("an.trends.districts_cut", L, total=len(url_state.districts), n=MAX_LINES))

c1, c2, c3 = st.columns([2, 2, 3])
indicator = c1.selectbox(t("an.trends.indicator", L), MAP_INDICATORS, key="tr_indicator",
                         format_func=lambda i: indicator_name(i, L),
                         placeholder=t("common.choose", L))
years = map_years(indicators, indicator)  # the one fallback (geo.view.state)
if st.session_state["tr_year"] not in years:
    st.session_state["tr_year"] = best_year(indicators, indicator) or max(years)
if len(years) > 1:
    year = c2.select_slider(t("an.trends.year", L), options=years, key="tr_year")
else:
    year = years[0]
    c2.caption(t("an.trends.single_year", L, year=year))
districts = c3.multiselect(t("an.trends.districts", L), list(BEIJING_DISTRICTS), key="tr_districts",
                           format_func=lambda c: BEIJING_DISTRICTS[c][1 if L == "en" else 0],
                           placeholder=t("an.trends.districts_all", L), max_selections=MAX_LINES,
                           help=t("an.trends.districts_help", L, n=MAX_LINES))  # below 16: no English "Select all"

state = url_state.with_(indicator=indicator, year=int(year), districts=tuple(districts))
write_to_url(state, keys.TRENDS_SEEN)

trend = trend_frame(indicators, indicator, districts, L)
ranking = ranking_frame(indicators, indicator, int(year), districts, L)
if (trend["status"] == "demo").any() or (ranking["status"] == "demo").any():
    st.error("⚠ " + t("an.trends.demo_banner", L))

st.header(t("an.trends.trend_heading", L))
if not districts:
    st.caption(t("an.trends.pick_hint", L))
st.altair_chart(trend_chart(trend, indicator, L), width="stretch")
st.caption(t("an.trends.sources", L) + " " + source_links(list(trend["source_url"]), L))

st.header(t("an.trends.rank_heading", L, year=year))
if ranking.empty:
    st.info(t("an.trends.no_rank", L, year=year))
else:
    st.altair_chart(ranking_chart(ranking, indicator, int(year), L), width="stretch")
    demo_note = (" " + t("an.trends.demo_source", L)) if (ranking["status"] == "demo").any() else ""
    st.caption(t("an.trends.sources", L) + " " + source_links(list(ranking["source_url"]), L) + demo_note)
st.page_link("views/map.py", label=t("an.trends.to_map", L), icon=":material/map:", query_params=to_query(state))
