"""Map page: districts by IP density, strong districts, science cities, parks, E-Town, Jing-Jin-Ji.

The map comes first: on a session's first run only the title and the map are sent, the controls,
table and exports once the map reports it is drawn (``ui.mapview.first_paint``).
"""

import streamlit as st

from geo.text.i18n import t
from geo.view.state import to_query
from ui import atlasmap, export_panel, keys, layout, linknotes, mapview

inputs = mapview.map_inputs()
url_state = mapview.read_view(inputs)
mapview.on_page_visit()
state = mapview.prepare_view(inputs, url_state)
lang = state.lang
first = mapview.first_paint()

with st.container(key="map_head"):  # compact (ui.layout): the map starts near the top of the screen
    st.title(t("app.title", lang))
if url_state.notes:
    linknotes.add(t("map.bad_params", lang, params=", ".join(url_state.notes)))
notes = st.empty()  # the link's notes, above the map: they stay until the view changes (filled below)

events = atlasmap.draw_atlas_map(inputs, state, key=keys.MAP_COMPONENT, year_token=mapview.year_token(),
                                 height=layout.MAP_HEIGHT)  # from the window (ui.layout)
if first and not events.ready:
    with notes.container():
        linknotes.show(("map", to_query(state)), lang)
    st.stop()  # the rest follows the map's "drawn" report, a moment later
mapview.mark_painted()
mapview.draw_controls(inputs, lang, compact=events.compact)  # on a phone: a popover under the map
state = mapview.take_map_year(state, events.year, mapview.years_for(inputs, state.indicator))
mapview.write_view(state)
with notes.container():  # against the view after the map's report (a year switched in the browser counts)
    linknotes.show(("map", to_query(state)), lang)
st.caption(t("profile.hint", lang) + " " + t("carto.ui.keys_help", lang))
st.caption(t("map.subtitle", lang))  # under the map: the map comes first on a phone
if events.click:  # a click or Enter on a district: its profile opens over the page, in view
    mapview.open_profile(inputs, events.click, state)

frame = mapview.district_table_frame(inputs, state)
st.header(t("map.table", lang))
mapview.draw_table(frame, state)
if len(state.districts) == 1:
    mapview.draw_profile(inputs, state.districts[0], state)

export_panel.draw_export_panel(inputs, state, frame, compact=events.compact)
