"""Streamlit glue of the analysis pages (targets, projects, trends, zones, sources): cached inputs, tables.

Everything shown is computed in ``geo.analysis.targets``, ``geo.analysis.projects``, ``geo.analysis.charts``, ``geo.analysis.zones``
and ``geo.analysis.sources``; this module only caches and draws.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import data
from geo.analysis.zones import ZoneSummary, zone_summaries
from geo.data.names import region_name
from geo.text.i18n import t
from geo.text.labels import note_text, status_text, value_text
from geo.text.safe import safe_url
from ui import cache
from ui.tables import dataframe

__all__ = ["area_text", "figures_table", "source_links", "summaries", "value_text"]


@st.cache_data(show_spinner=False, max_entries=8)
def _summaries(lang: str, revision: str) -> list[ZoneSummary]:
    return zone_summaries(cache.zones(), cache.districts(), data.read_indicators(include_demo=False),
                          cache.designations(), lang)


def summaries(lang: str) -> list[ZoneSummary]:
    """Return the zone summaries (cached per language and store revision: imported outlines count)."""
    return _summaries(lang, cache.store_revision())


def area_text(value: float, lang: str) -> str:
    """Return an area in km² for tables, or 未公布 where none was published/drawn."""
    return t("an.unpublished", lang) if pd.isna(value) else f"{float(value):,.2f}"


def figures_table(figures: pd.DataFrame, lang: str) -> None:
    """Draw indicator figures (region, indicator, year, value with status, source) as a table."""
    table = pd.DataFrame({
        t("an.col.region", lang): [region_name(c, lang) if c not in ("ZGC", "ZGC_CORE", "BDA")
                                    else t(f"an.region.{c}", lang) for c in figures["region_code"]],
        t("an.col.indicator", lang): figures["name"],
        t("an.col.year", lang): figures["year"].astype(int).astype(str),
        t("an.col.value", lang): [value_text(v, u, s, lang) for v, u, s in
                                  zip(figures["value"], figures["unit"], figures["status"], strict=False)],
        t("an.col.status", lang): [status_text(s, lang) for s in figures["status"]],
        t("an.col.source_note", lang): [note_text(n, lang, s) for n, s in
                                         zip(figures["source_note"], figures["status"], strict=False)],
        t("an.col.source_url", lang): figures["source_url"],
    })
    dataframe(table, hide_index=True, width="stretch",
                 column_config={t("an.col.source_url", lang): st.column_config.LinkColumn()})


def source_links(urls: list[str], lang: str) -> str:
    """Return markdown links ``[来源1](url) · [来源2](url)`` for the http(s) URLs given (escaped)."""
    good = [u for u in dict.fromkeys(urls) if safe_url(u)]
    label = t("common.source", lang)
    return " · ".join(f"[{label}{i + 1}](<{safe_url(u)}>)" for i, u in enumerate(good))
