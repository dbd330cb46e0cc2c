"""Beijing IP Atlas — entry point: page config, navigation, the shared sidebar."""

from __future__ import annotations

import streamlit as st

from geo.i18n import t
from geo.paths import ROOT
from ui.common import draw_shared_sidebar, lang

st.set_page_config(page_title="北京知识产权区域布局图 · Beijing IP Atlas", page_icon=str(ROOT / "static" / "favicon.png"), layout="wide")

L = lang()
# url_path = the file's stem: Streamlit also indexes pages/ by file name before st.navigation runs,
# so a deep link on a fresh server must find the same name there (else "Page not found").
PAGES = [
    st.Page("pages/map.py", title=t("page.map", L), icon=":material/map:", url_path="map", default=True),
    st.Page("pages/targets.py", title=t("page.targets", L), icon=":material/flag:", url_path="targets"),
    st.Page("pages/projects.py", title=t("page.projects", L), icon=":material/location_city:", url_path="projects"),
    st.Page("pages/trends.py", title=t("page.trends", L), icon=":material/trending_up:", url_path="trends"),
    st.Page("pages/zones.py", title=t("page.zones", L), icon=":material/layers:", url_path="zones"),
    st.Page("pages/sources.py", title=t("page.sources", L), icon=":material/menu_book:", url_path="sources"),
    st.Page("pages/import_data.py", title=t("page.import", L), icon=":material/upload_file:", url_path="import_data"),
    st.Page("pages/present.py", title=t("page.present", L), icon=":material/slideshow:", url_path="present"),
]
page = st.navigation(PAGES)
draw_shared_sidebar()
page.run()
