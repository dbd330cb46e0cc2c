"""The framework's floor: a Streamlit page that shows one line of markdown (for ``./atlas bench``).

Page load → this line visible is what any Streamlit page costs before it draws anything of its
own; the map's own share of its load time is the atlas's figure minus this one.
"""

import streamlit as st

st.markdown("北京知识产权区域布局图 · empty page")
