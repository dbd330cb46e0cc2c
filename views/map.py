"""Map page: districts by IP density, strong districts, science cities, parks, E-Town, Jing-Jin-Ji."""

import streamlit as st

from geo.i18n import t
from ui import atlasmap, export_panel, mapview

inputs = mapview.map_inputs()
url_state = mapview.read_view(inputs)
mapview.on_page_visit()
state = mapview.draw_controls(inputs, url_state)
lang = state.lang

st.title(t("app.title", lang))
st.caption(t("map.subtitle", lang))
if url_state.notes:
    st.warning(t("map.bad_params", lang, params=", ".join(url_state.notes)))

events = atlasmap.draw_atlas_map(inputs, state, key="atlas_map", year_token=mapview.year_token())
mapview.take_map_year(events.year, mapview.years_for(inputs, state.indicator))
state = mapview.current_view(lang)
mapview.write_view(state)
st.caption(t("profile.hint", lang) + " " + t("carto.ui.keys_help", lang))
if events.click:  # a click or Enter on a district: its profile opens over the page, in view
    mapview.open_profile(inputs, events.click, state)

frame = mapview.district_table_frame(inputs, state)
st.header(t("map.table", lang))
mapview.draw_table(frame, state)
if len(state.districts) == 1:
    mapview.draw_profile(inputs, state.districts[0], state)

export_panel.draw_export_panel(inputs, state, frame)
