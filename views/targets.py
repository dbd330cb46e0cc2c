"""Policy targets page: the six headline targets against Beijing's actuals, year by year."""

import datetime as dt

import streamlit as st

from geo.analysis.targets import POLICY_SOURCE, all_statuses, headline, latest_source, outlook, supply_template
from geo.text.i18n import format_value, t
from geo.text.labels import note_text, status_text, value_text
from ui import cache
from ui.analysis import source_links
from ui.common import lang
from ui.tables import dataframe

L = lang()
this_year = dt.date.today().year  # the outlook as of today: a past year is never shown as a projection

st.title(t("an.targets.title", L))
st.caption(t("an.targets.policy_source", L, publisher=POLICY_SOURCE.publisher_en if L == "en"
             else POLICY_SOURCE.publisher_zh, title=POLICY_SOURCE.title_zh, date=POLICY_SOURCE.date))
st.info(t("an.targets.policy_caveat", L))

for status in all_statuses(cache.indicators()):
    tg = status.target
    key = tg.key
    with st.container(border=True, key=f"target_{key}"):
        st.header(t(f"an.target.{key}.name", L))
        st.markdown(t("an.targets.target_line", L, target=format_value(tg.value, tg.unit, L),
                      kind=t(f"an.kind.{tg.kind}", L)))
        if not status.has_data:
            st.warning(t("an.targets.no_data", L))
            st.markdown(t(f"an.target.{key}.missing", L))
            if not status.proxy.empty:
                p = status.proxy.iloc[-1]
                st.caption(t("an.targets.proxy_line", L, year=int(p["year"]),
                             value=value_text(p["value"], p["unit"], p["status"], L))
                           + " " + source_links(list(status.proxy["source_url"]), L))
            st.download_button(t("an.targets.template_button", L), supply_template(tg).encode("utf-8"),
                               file_name=f"template_{tg.indicator}.csv", mime="text/csv", key=f"tpl_{key}")
            st.caption(t("an.targets.template_help", L, indicator=tg.indicator))
            continue
        for column, figure in zip(st.columns(3), headline(status, this_year, L), strict=True):
            column.metric(figure.label, figure.value, help=figure.help)
        st.caption(latest_source(status, L))  # where the latest actual was read (every figure's source: the table)
        now = outlook(status, this_year)
        if now.kind == "not_met_by" and now.trend_year is not None:
            st.caption(t("an.targets.trend_year_passed", L, trend=now.trend_year, last=now.year))
        if status.first_met is not None and not status.first_met_exact:
            st.caption(t("an.targets.met_by_note", L, year=status.first_met))
        if status.projection is not None:
            pr = status.projection
            st.caption(t("an.targets.projection_method", L, points=pr.points, first=pr.first_year,
                         last=pr.last_year, slope=format_value(pr.slope, tg.unit, L)))
        if tg.caveat:
            st.markdown("**" + t("an.targets.definition", L) + "** " + t(f"an.target.{key}.caveat", L))
        rows = status.rows
        table = {
            t("an.col.year", L): rows["year"].astype(str),
            t("an.col.actual", L): rows["value"],
            t("an.col.target", L): rows["target"],
            t("an.col.gap", L): rows["gap"],
            t("an.col.pct", L): rows["pct"],
            t("an.col.met", L): [t("an.yes", L) if m else t("an.no", L) for m in rows["met"]],
            t("an.col.status", L): [status_text(s, L) for s in rows["status"]],
            t("an.col.source_note", L): [note_text(n, L) for n in rows["source_note"]],
            t("an.col.source_url", L): rows["source_url"],
        }
        dataframe(table, hide_index=True, width="stretch", key=f"rows_{key}",  # its room kept (ui.tables)
                  column_config={t("an.col.source_url", L): st.column_config.LinkColumn(),
                                 t("an.col.pct", L): st.column_config.NumberColumn(format="%.1f%%")})
        if not status.related.empty:
            with st.expander(t(f"an.target.{key}.related", L)):
                rel = status.related
                dataframe({
                    t("an.col.year", L): rel["year"].astype(str),
                    t("an.col.actual", L): rel["value"],
                    t("an.col.status", L): [status_text(s, L) for s in rel["status"]],
                    t("an.col.source_note", L): [note_text(n, L) for n in rel["source_note"]],
                    t("an.col.source_url", L): rel["source_url"],
                }, hide_index=True, width="stretch",
                    column_config={t("an.col.source_url", L): st.column_config.LinkColumn()})
