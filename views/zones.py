"""Zone summaries: the districts each zone touches, its published and drawn area, its figures."""

import pandas as pd
import streamlit as st

from geo.analysis.zones import summary_table
from geo.text.i18n import t
from geo.text.labels import note_text
from ui.analysis import area_text, figures_table, source_links, summaries
from ui.common import lang
from ui.tables import dataframe

L = lang()
st.title(t("an.zones.title", L))
st.caption(t("an.zones.intro", L))

items = summaries(L)
table = summary_table(items, L)
dataframe(pd.DataFrame({
    t("an.col.zone", L): table["name"],
    t("an.col.kind", L): [t(f"an.zonekind.{k}", L) for k in table["kind"]],
    t("an.col.districts", L): table["districts"],
    t("an.col.area", L): [area_text(a, L) for a in table["area_km2"]],
    t("an.col.area_drawn", L): [area_text(a, L) for a in table["area_drawn_km2"]],
    t("an.col.quality", L): [t(f"map.quality.{q}", L) for q in table["geometry_quality"]],
    t("an.col.year", L): [("" if pd.isna(y) else str(int(y))) for y in table["year"]],
    t("an.col.figures", L): table["figures"],
    t("an.col.source_url", L): table["source_url"],
}), hide_index=True, width="stretch", key="zones_table",
    column_config={t("an.col.source_url", L): st.column_config.LinkColumn()})

by_id = {s.zone_id: s for s in items}
ids = list(by_id)
default = ids.index("etda_yizhuang_newtown") if "etda_yizhuang_newtown" in ids else 0
zone_id = st.selectbox(t("an.zones.pick", L), ids, index=default, key="zs_zone",
                       format_func=lambda z: by_id[z].name_en if L == "en" else by_id[z].name_zh,
                       placeholder=t("common.choose", L))
z = by_id[zone_id]
st.header(z.name_en if L == "en" else z.name_zh)
c1, c2, c3 = st.columns(3)
c1.metric(t("an.zones.published_area", L), "—" if pd.isna(z.area_km2) else f"{z.area_km2:,.2f} km²")
c2.metric(t("an.zones.drawn_area", L), "—" if pd.isna(z.area_drawn_km2) else f"{z.area_drawn_km2:,.2f} km²")
c3.metric(t("an.zones.quality", L), t(f"map.quality.{z.geometry_quality}", L).split(":")[0].split(",")[0])
st.caption(t(f"map.quality.{z.geometry_quality}", L))

st.markdown(f"**{t('an.zones.districts', L)}**")
if z.districts.empty:
    st.caption(t("an.zones.no_districts", L))
else:
    dataframe(pd.DataFrame({
        t("an.col.district", L): z.districts["name_en" if L == "en" else "name_zh"],
        t("an.col.overlap", L): z.districts["overlap_km2"],
        t("an.col.share", L): z.districts["share_of_zone"] * 100,
        t("an.col.by", L): [t(f"an.zones.by.{b}", L) for b in z.districts["by"]],
    }), hide_index=True, width="stretch",
        column_config={t("an.col.share", L): st.column_config.NumberColumn(format="%.1f%%"),
                       t("an.col.overlap", L): st.column_config.NumberColumn(format="%.2f")})
    if z.geometry_quality == "schematic":
        st.caption(t("an.zones.schematic_share", L))

st.markdown(f"**{t('an.zones.figures', L)}**")
if z.figures.empty:
    st.caption(t("an.zones.no_figures", L))
else:
    figures_table(z.figures, L)
if not z.designations.empty:
    st.markdown(f"**{t('an.projects.designations', L)}**")
    for d in z.designations.to_dict("records"):
        year = "" if pd.isna(d["year"]) else f"{int(d['year'])} · "
        st.markdown(f"- {year}{d['designation']} ({t('stage.' + d['stage'], L)}) — " + source_links([d["source_url"]], L))
st.markdown(f"**{t('an.zones.source', L)}** " + (source_links([z.source_url], L) or "—"))
if z.source_note:
    st.caption(t("an.zones.note_label", L) + " " + note_text(z.source_note, L))
