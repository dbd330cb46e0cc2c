"""Projects page: the policy's five regional-layout projects, each a card with a button to its map view."""

import pandas as pd
import streamlit as st

from geo.analysis.projects import project_cards
from geo.data.designations import strong_rule
from geo.data.names import region_name
from geo.text.i18n import t
from geo.view.state import to_query
from ui import cache
from ui.analysis import area_text, figures_table, source_links
from ui.common import lang
from ui.tables import dataframe

L = lang()
st.title(t("an.projects.title", L))
st.caption(t("an.projects.intro", L))

for card in project_cards(cache.zones(), cache.designations(), cache.indicators(), L):
    k = card.key
    with st.container(border=True, key=f"project_{k}"):
        st.header(t(f"an.proj.{k}.title", L))
        st.markdown(f"> {t(f'an.proj.{k}.task', L)}")
        st.markdown(f"**{t('an.projects.what', L)}** {t(f'an.proj.{k}.what', L)}")
        where = ", ".join(region_name(c, L) for c in card.districts) or t(f"an.proj.{k}.where", L)
        if k == "strong":  # the districts its map outlines, by the one rule (geo.data.designations)
            where = t("designation.strong_in", L, year=card.view.year,
                      names=", ".join(region_name(c, L) for c in card.districts) or t("designation.none_strong", L))
        st.markdown(f"**{t('an.projects.where', L)}** {where}")
        if k == "strong":
            st.caption(strong_rule(L))
        st.markdown(f"**{t('an.projects.since', L)}** {t(f'an.proj.{k}.since', L)}")
        if len(card.zones):
            st.markdown(f"**{t('an.projects.zones', L)}**")
            dataframe(pd.DataFrame({
                t("an.col.zone", L): card.zones["name"],
                t("an.col.area", L): [area_text(a, L) for a in card.zones["area_km2"]],
                t("an.col.year", L): [("" if pd.isna(y) else str(int(y))) for y in card.zones["year"]],
                t("an.col.quality", L): [t(f"map.quality.{q}", L) for q in card.zones["geometry_quality"]],
                t("an.col.source_url", L): card.zones["source_url"],
            }), hide_index=True, width="stretch",
                column_config={t("an.col.source_url", L): st.column_config.LinkColumn()})
        st.markdown(f"**{t('an.projects.figures', L)}**")
        if len(card.figures):
            figures_table(card.figures, L)
        else:
            st.caption(t(f"an.proj.{k}.no_figures", L))
        if len(card.designations):
            st.markdown(f"**{t('an.projects.designations', L)}**")
            for d in card.designations.to_dict("records"):
                year = "" if pd.isna(d["year"]) else f"{int(d['year'])} · "
                term = (t("designation.term", L, start=d["term_from"], end=d["term_to"]) if d["term_to"] else
                        t("designation.term_open", L, start=d["term_from"]) if d["term_from"] else "")
                mark = ("★ " + t("designation.timing.in_force", L, year=card.view.year) if d["strong"] else
                        t("designation.not_counted", L) if d["timing"] == "in_force" else
                        t("designation.timing." + d["timing"], L, year=card.view.year))
                timing = f"**{mark}** · " if k == "strong" else ""
                st.markdown(f"- {timing}{year}{d['label']}: {d['designation']} ({t('stage.' + d['stage'], L)}"
                            + (f"; {term}" if term else "") + ") — " + source_links([d["source_url"]], L))
        if st.button(t("an.projects.open_map", L), key=f"open_map_{k}", type="primary"):
            st.switch_page("views/map.py", query_params=to_query(card.view))
