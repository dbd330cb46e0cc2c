"""Map page: districts by IP density, strong districts, science cities, parks, E-Town, Jing-Jin-Ji."""

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.profile import district_at
from ui import export_panel, mapcache, mapview

inputs = mapview.map_inputs()
url_state = mapview.read_view(inputs)
state = mapview.draw_controls(inputs, url_state)
mapview.write_view(state)
lang = state.lang

st.title(t("app.title", lang))
st.caption(t("map.subtitle", lang))
if url_state.notes:
    st.warning(t("map.bad_params", lang, params=", ".join(url_state.notes)))

parts = mapcache.view_parts(inputs, state)  # cached per view; geometry goes to the browser once
frame = parts.frame
base_map, layers = mapcache.page_map(inputs, state, parts)
col_map, col_legend = st.columns([3, 1])
with col_map:
    out = st_folium(
        base_map,
        feature_group_to_add=layers,
        key="atlas_map", height=620, use_container_width=True,
        returned_objects=["last_object_clicked"],  # a click on a district opens its profile
    )
with col_legend:
    mapview.legend_block(parts.legend, parts.source, parts.banner)

click = (out or {}).get("last_object_clicked")
clicked = district_at(inputs.districts, click["lat"], click["lng"], state.basemap) if click else None
focus = clicked or (state.districts[0] if len(state.districts) == 1 else None)
col_table, col_profile = st.columns([3, 2])
with col_table:
    st.subheader(t("map.table", lang))
    mapview.draw_table(frame, state)
with col_profile:
    if focus:
        mapview.draw_profile(inputs, focus, lang)
    else:
        st.info(t("profile.hint", lang))

export_panel.draw_export_panel(inputs, state, frame)
