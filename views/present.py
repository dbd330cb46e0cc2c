"""Presentation mode: a full-screen map stepping through scenes (the five projects, saved views)."""

import streamlit as st

from ui import mapview, presentview
from ui.common import lang

L = lang()
presentview.draw_style()
for message in presentview.init_scenes():
    st.error(message)
presentview.draw_header(L)
presentview.draw_map(mapview.map_inputs(), L)
