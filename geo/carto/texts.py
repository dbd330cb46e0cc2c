"""The map's words: titles, legend title, source line, demo banner, value texts, tooltip parts, the
screen-reader summary and the renderer's own UI strings.

Part of the layer model (:mod:`geo.carto.model`); typed in :mod:`geo.carto.contract`.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pandas as pd

from geo.carto import styles
from geo.carto.contract import RendererText
from geo.carto.frames import frame_statuses, zones_in_view
from geo.data.datasets import MapInputs
from geo.data.indicators import INDICATORS
from geo.data.names import BEIJING_CODE, BEIJING_DISTRICTS
from geo.data.source_kind import KIND_RANK, kind_label, source_kind, source_kind_label
from geo.text.i18n import format_change, format_value, t, unit_label
from geo.text.labels import name_of, short_note, status_label, statuses_text
from geo.view.state import ViewState

__all__ = [
    "demo_banner",
    "designation_label",
    "fmt_break",
    "indicator_title",
    "legend_title",
    "map_title",
    "renderer_text",
    "source_lead",
    "source_line",
    "source_title",
    "status_marks",
    "summary",
    "value_text",
]


def fmt_break(v: float) -> str:
    """Format a class break as the legend shows it.

    >>> fmt_break(1234.5), fmt_break(80.0), fmt_break(12.5)
    ('1,234', '80', '12.5')
    """
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"


def indicator_title(state: ViewState) -> str:
    ind = INDICATORS[state.indicator]
    return ind.name_en if state.lang == "en" else ind.name_zh


def legend_title(state: ViewState) -> str:
    """Return ``name (unit) · year`` without repeating a unit the name already says (a change: ``base→year``)."""
    unit = unit_label(INDICATORS[state.indicator].unit, state.lang)
    name = indicator_title(state)
    if state.compare is not None:
        unit = "%" if state.change == "pct" else unit
        return t("carto.change.title", state.lang, name=name, base=state.compare, year=state.year, unit=unit)
    words = [w for w in unit.replace("/", " ").split() if len(w) > 2]
    repeats = unit in name or (state.lang == "en" and words and all(w.lower() in name.lower() for w in words))
    return f"{name}{'' if not unit or repeats else f' ({unit})'} · {state.year}"


def source_line(inputs: MapInputs, state: ViewState, frame: pd.DataFrame) -> str:
    """Return the plain-text source line shown under every map."""
    lang = state.lang
    parts = []
    if "districts" in state.layers:
        if "demo" in set(frame.status):
            parts.append(t("source.demo", lang))
        official = frame[frame.status.isin(["official", "derived"])]
        if len(official):  # each address with the kind of page it is, the strongest first (as the table says)
            given = official.get("source_kind", pd.Series("", index=official.index)).fillna("")
            kinds = {u: k or source_kind(u) for u, k in zip(official.source_url, given, strict=False)}
            urls = sorted(kinds, key=lambda u: (KIND_RANK.get(kinds[u], len(KIND_RANK)), str(u)))[:2]
            parts.append(t("source.indicator", lang) + " " + "; ".join(f"{u} ({kind_label(kinds[u], lang)})" for u in urls))
    parts.append(t("source.boundaries", lang))
    if len(zones_in_view(inputs.zones, state)):
        parts.append(t("source.zones", lang))
    return " · ".join(parts)


def demo_banner(frame: pd.DataFrame, state: ViewState) -> str | None:
    """Return the demo warning shown on the map when any district value shown is demo, else None."""
    if "districts" in state.layers and (frame.status == "demo").any():
        return t("map.demo_banner", state.lang)
    return None


def map_title(state: ViewState, frame: pd.DataFrame) -> str:
    """Return the map's own title: indicator and year, and a demo mark whenever demo values are shown."""
    lang = state.lang
    if "districts" not in state.layers:
        return t("export.layers_only", lang, year=state.year)
    title = t("export.title", lang, indicator=indicator_title(state), year=state.year)
    if state.compare is not None:
        title = t("carto.change.map_title", lang, indicator=indicator_title(state), base=state.compare, year=state.year,
                  kind=t(f"carto.change.{state.change}", lang))
    if (frame.status == "demo").any():
        title += " · " + t("carto.title_demo", lang)
    return title


def source_title(row: dict, lang: str) -> str:
    """Return a short source title for a tooltip: the note's lead (publisher, document), at most 40 chars,
    and the kind of source (government, official media, repost) with the figure's status."""
    if row["status"] == "demo":
        return t("carto.tip.demo_source", lang)
    return source_lead(row, row["status"], lang)


def source_lead(row: dict, status: str, lang: str) -> str:
    """Return the lead of a row's source note (publisher, document; ≤ 40 chars) and the kind of source."""
    note = str(row.get("source_note") or "")
    lead = note.split(":", 1)[0].split("：", 1)[0].strip() or str(row.get("source_url") or "")
    # its English asides said in Chinese on a Chinese page; a lead that cannot be: the page's host instead
    lead = short_note(lead, lang) or urlparse(str(row.get("source_url") or "")).netloc or lead
    lead = lead if len(lead) <= 40 else lead[:39] + "…"
    kind = row.get("source_kind") or source_kind(str(row.get("source_url") or ""))
    return f"{lead} ({source_kind_label(kind, status, lang)})"


def value_text(row: dict, state: ViewState) -> str:
    """Return a district's value with its unit as the map shows it; a change carries its sign (+12.3)."""
    if pd.isna(row["value"]):
        return status_label("", state.lang)  # 暂无官方数据, as everywhere
    unit = row["unit"] or INDICATORS[state.indicator].unit
    if state.compare is not None:
        return format_change(row["value"], unit, state.lang)
    return format_value(row["value"], unit, state.lang)


def status_marks(lang: str) -> dict[str, str]:
    return {"derived": t("carto.mark.derived", lang), "demo": t("mark.demo", lang)}


def designation_label(d: dict, lang: str) -> str:
    return f"{name_of(d, lang, 'designation')} ({int(d['year'])})"


def _city_value(inputs: MapInputs, state: ViewState) -> tuple[str, str]:
    ind = inputs.indicators
    d = ind[(ind.indicator == state.indicator) & (ind.region_code == BEIJING_CODE) & (ind.year == state.year)
            & ind["primary"]]
    if d.empty:
        return "", ""
    d = d.assign(_r=d.status.map({"official": 0, "derived": 1, "demo": 2})).sort_values("_r")
    row = d.iloc[0]
    return format_value(float(row["value"]), row["unit"], state.lang), str(row["status"])


def summary(inputs: MapInputs, state: ViewState, frame: pd.DataFrame) -> str:
    """Return one sentence a screen reader reads for the map: highest, lowest, city value, status."""
    lang = state.lang
    if "districts" not in state.layers:
        return map_title(state, frame)
    have = frame[frame.value.notna()]
    name = "name_en" if lang == "en" else "name_zh"
    unit = INDICATORS[state.indicator].unit
    parts = [map_title(state, frame)]
    if len(have):
        top, low = have.loc[have.value.idxmax()], have.loc[have.value.idxmin()]
        parts.append(t("carto.summary.range", lang, top=top[name], top_value=format_value(top.value, unit, lang),
                       low=low[name], low_value=format_value(low.value, unit, lang)))
    city, city_status = _city_value(inputs, state)
    if city:
        parts.append(t("carto.summary.city", lang, value=city, status=status_label(city_status, lang)))
    parts.append(f"{t('map.status', lang)}: "
                 f"{statuses_text(frame_statuses(frame), lang)}")
    return ". ".join(parts) if lang == "en" else "。".join(parts)


def renderer_text(lang: str) -> RendererText:
    ui = {k: t(f"carto.ui.{k}", lang) for k in ("play", "pause", "year", "map_label", "legend", "keys_help", "slider",
                                                 "no_data", "zoom_in", "zoom_out")}
    return RendererText(**ui,  # type: ignore[typeddict-item]
                        rank=t("carto.tip.rank", lang, rank="{rank}", n=len(BEIJING_DISTRICTS)),
                        yearOf=t("carto.tip.year", lang, year="{year}"), source=t("common.source", lang),
                        marks=status_marks(lang), status={s: status_label(s, lang) for s in ("", "official", "derived", "demo")},
                        strong=t("legend.strong", lang), strongMark=styles.STRONG_MARK)
