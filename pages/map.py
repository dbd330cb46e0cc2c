"""Map page (to be built)."""

import streamlit as st

from geo.i18n import t
from ui.common import lang

st.title(t("app.title", lang()))
