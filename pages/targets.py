"""Placeholder page (to be built)."""

import streamlit as st

from geo.i18n import t
from ui.common import lang

st.info(t("common.placeholder", lang()))
