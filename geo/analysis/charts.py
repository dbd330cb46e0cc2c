"""Trend and ranking charts (Altair / Vega-Lite, rendered by Streamlit's bundled Vega; no CDN).

Pure (no Streamlit): builders return chart objects and the frames they draw. Every chart states
the status of its values in its subtitle; demo values are drawn faded and dashed, and their
legend entry and labels read "演示数据".
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from geo.analysis.sources import figure_rows
from geo.data.indicators import INDICATORS, district_values, primary_rows
from geo.data.names import BEIJING_CODE, BEIJING_DISTRICTS, region_name
from geo.text.i18n import format_number, t, unit_label
from geo.text.labels import name_of, status_label

__all__ = [
    "MAX_LINES",
    "STATUS_COLOURS",
    "STATUS_OPACITY",
    "ranking_chart",
    "ranking_frame",
    "status_label",
    "status_line",
    "trend_chart",
    "trend_frame",
]

STATUS_ORDER = ("official", "derived", "demo")
STATUS_COLOURS = {"official": "#1f5fa8", "derived": "#4a9c5d", "demo": "#e08a1e"}
STATUS_OPACITY = {"official": 1.0, "derived": 0.9, "demo": 0.45}
_DASH = {"official": [1, 0], "derived": [4, 2], "demo": [6, 4]}
_SHAPE = {"official": "circle", "derived": "square", "demo": "triangle-up"}
_CITY_COLOUR = "#222222"
#: Dark2 + Paired, each ≥ 3:1 against white (WCAG 1.4.11); Dark2's green #66a61e (2.98:1) darkened to #4a7f16
_PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#4a7f16", "#a6761d", "#1f78b4", "#b15928")
#: Districts a trend chart draws at most: one colour each.
MAX_LINES = len(_PALETTE)


def _name(indicator: str, lang: str) -> str:
    ind = INDICATORS.get(indicator)
    if ind is None:
        return indicator
    return name_of(ind, lang)


def trend_frame(indicators: pd.DataFrame, indicator: str, districts: Sequence[str], lang: str = "zh",
                years: Sequence[int] | None = None) -> pd.DataFrame:
    """Return the rows of the trend chart: the city total plus each selected district, by year.

    Columns: region_code, series, year, value, unit, status, status_label, segment, line_status,
    line_label, source_url, source_note. A ``segment`` is a run of consecutive years of one series
    with one status; lines are drawn per segment (never across a change of status, e.g. a derived
    2023 next to a demo 2024) and ``line_status`` is the segment's status.

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"region_code": ["110108"] * 4, "year": [2021, 2022, 2023, 2024],
    ...     "indicator": ["x"] * 4, "value": [1.0, 2.0, 3.0, 4.0], "unit": [""] * 4, "source_url": [""] * 4,
    ...     "status": ["demo", "derived", "derived", "demo"], "source_note": [""] * 4, "formula": [""] * 4,
    ...     "primary": [True] * 4})
    >>> trend_frame(rows, "x", ["110108"])[["year", "segment", "line_status"]].values.tolist()
    [[2021, '110108#1', 'demo'], [2022, '110108#2', 'derived'], [2023, '110108#2', 'derived'], [2024, '110108#3', 'demo']]
    """
    codes = [BEIJING_CODE] + [c for c in districts if c in BEIJING_DISTRICTS]
    d = indicators[(indicators["indicator"] == indicator) & indicators["region_code"].isin(codes)]
    d = primary_rows(d)
    d = d[pd.to_numeric(d["value"], errors="coerce").notna() & d["year"].notna()]
    if years is not None:
        d = d[d["year"].isin(list(years))]
    out = figure_rows(d).drop(columns="indicator")
    city = t("an.chart.city_total", lang)
    out["series"] = [city if c == BEIJING_CODE else region_name(c, lang) for c in out["region_code"]]
    out["status_label"] = [status_label(s, lang, warn=True) for s in out["status"]]
    order = {c: i for i, c in enumerate(codes)}
    out["_o"] = out["region_code"].map(order)
    out = out.sort_values(["_o", "year"]).drop(columns="_o").reset_index(drop=True)
    # one line per run of one status: a line never joins values of different status
    changed = out["status"].ne(out.groupby("region_code")["status"].shift())
    runs = changed.astype(int).groupby(out["region_code"]).cumsum()
    out["segment"] = out["region_code"].astype(str) + "#" + runs.astype(str)
    out["line_status"] = out["status"]
    out["line_label"] = [status_label(s, lang, warn=True) for s in out["line_status"]]
    return out


def ranking_frame(indicators: pd.DataFrame, indicator: str, year: int, districts: Sequence[str] = (),
                  lang: str = "zh") -> pd.DataFrame:
    """Return the rows of the ranking chart: districts with a value in ``year``, highest first.

    ``rank`` is among all 16 districts (and prefixes ``name``); with ``districts`` only those are kept. Adds ``label``
    (the value as shown, with ⚠演示 for demo values), ``name`` and ``status_label``.
    """
    d = district_values(indicators, indicator, int(year))
    d = d[d["value"].notna()]
    if districts:
        d = d[d["region_code"].isin(list(districts))]
    d = d.sort_values(["rank", "region_code"]).reset_index(drop=True)
    d["name"] = [f"{r}. {region_name(c, lang)}" for r, c in zip(d["rank"], d["region_code"], strict=False)]
    d["status_label"] = [status_label(s, lang, warn=True) for s in d["status"]]
    d["rank"] = d["rank"].astype(int)
    mark = t("an.chart.demo_mark", lang)
    d["label"] = [format_number(v, lang) + (f" {mark}" if s == "demo" else "") for v, s in zip(d["value"], d["status"], strict=False)]
    return d


def status_line(frame: pd.DataFrame, lang: str, by_series: bool = True) -> str:
    """Return the sentence stating the statuses in ``frame`` (e.g. 全市: 官方; 海淀区: ⚠演示数据).

    >>> f = pd.DataFrame({"series": ["全市", "海淀区"], "status": ["official", "demo"]})
    >>> status_line(f, "zh")
    '数据状态 — 全市: 官方; 海淀区: ⚠演示数据(非官方)'
    >>> status_line(f.iloc[:0], "en")
    'Data status — no official figure yet'
    """
    head = t("an.chart.status_head", lang)
    if frame.empty:
        return f"{head} — {t('status.no_official', lang)}"
    if not by_series:
        present = [s for s in STATUS_ORDER if s in set(frame["status"])]
        return f"{head} — " + "; ".join(status_label(s, lang, warn=True) for s in present)
    parts = []
    for series, group in frame.groupby("series", sort=False):
        present = [s for s in STATUS_ORDER if s in set(group["status"])]
        parts.append(f"{series}: " + "/".join(status_label(s, lang, warn=True) for s in present))
    return f"{head} — " + "; ".join(parts)


def _status_scale(statuses: Sequence[str], lang: str, channel: str) -> alt.Scale:
    present = [s for s in STATUS_ORDER if s in set(statuses)]
    domain = [status_label(s, lang, warn=True) for s in present]
    if channel == "color":
        return alt.Scale(domain=domain, range=[STATUS_COLOURS[s] for s in present])
    if channel == "opacity":
        return alt.Scale(domain=domain, range=[STATUS_OPACITY[s] for s in present])
    if channel == "shape":
        return alt.Scale(domain=domain, range=[_SHAPE[s] for s in present])
    return alt.Scale(domain=domain, range=[_DASH[s] for s in present])


def trend_chart(frame: pd.DataFrame, indicator: str, lang: str = "zh") -> alt.LayerChart | alt.FacetChart:
    """Return the trend line chart of ``frame`` (from :func:`trend_frame`).

    Colour tells the series apart (the city total in black); the line dash and the points'
    opacity tell the status (demo dashed and faded, legend "⚠演示数据"). The subtitle states every
    series' status.
    """
    unit = unit_label(INDICATORS[indicator].unit, lang) if indicator in INDICATORS else ""
    title = t("an.chart.trend_title", lang, indicator=_name(indicator, lang), unit=unit)
    if "demo" in set(frame.get("status", [])):
        title += " · " + t("an.chart.demo_suffix", lang)
    series = list(dict.fromkeys(frame["series"])) if len(frame) else []
    palette = _PALETTE
    colours = [(_CITY_COLOUR if s == t("an.chart.city_total", lang) else palette[i % len(palette)])
               for i, s in enumerate(series)]
    base = alt.Chart(frame).encode(
        x=alt.X("year:O", title=t("an.chart.year", lang)),
        y=alt.Y("value:Q", title=unit or _name(indicator, lang)),
        color=alt.Color("series:N", title=t("an.chart.series", lang), scale=alt.Scale(domain=series, range=colours),
                        sort=series),
    )
    lines = base.mark_line(strokeWidth=2.2).encode(
        strokeDash=alt.StrokeDash("line_label:N", title=t("an.chart.status_legend", lang),
                                  scale=_status_scale(frame["line_status"] if len(frame) else [], lang, "dash")),
        detail="segment:N",  # one line per run of one status (see trend_frame)
    )
    points = base.mark_point(filled=True, size=70).encode(
        opacity=alt.Opacity("status_label:N", title=t("an.chart.point_status_legend", lang),
                            scale=_status_scale(frame["status"] if len(frame) else [], lang, "opacity")),
        shape=alt.Shape("status_label:N", title=t("an.chart.point_status_legend", lang),
                        scale=_status_scale(frame["status"] if len(frame) else [], lang, "shape")),
        tooltip=[alt.Tooltip("series:N", title=t("an.chart.series", lang)),
                 alt.Tooltip("year:O", title=t("an.chart.year", lang)),
                 alt.Tooltip("value:Q", title=t("an.chart.value", lang), format=",.1f"),
                 alt.Tooltip("status_label:N", title=t("an.chart.status_legend", lang)),
                 alt.Tooltip("source_note:N", title=t("common.source", lang))],
    )
    subtitle = status_line(frame, lang)
    return alt.layer(lines, points).properties(
        title=alt.TitleParams(title, subtitle=[subtitle], anchor="start"), height=380)


def ranking_chart(frame: pd.DataFrame, indicator: str, year: int, lang: str = "zh") -> alt.LayerChart | alt.FacetChart:
    """Return the ranked bar chart of ``frame`` (from :func:`ranking_frame`), highest on top.

    Bars are coloured by status; demo bars have a faded fill, a dashed (opaque) outline and the label ⚠演示.
    """
    unit = unit_label(INDICATORS[indicator].unit, lang) if indicator in INDICATORS else ""
    title = t("an.chart.rank_title", lang, indicator=_name(indicator, lang), year=year)
    if "demo" in set(frame.get("status", [])):
        title += " · " + t("an.chart.demo_suffix", lang)
    order = list(frame["name"]) if len(frame) else []
    statuses = frame["status"] if len(frame) else []
    base = alt.Chart(frame).encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("value:Q", title=unit or _name(indicator, lang)),
    )
    bars = base.mark_bar(strokeWidth=1.5).encode(
        color=alt.Color("status_label:N", title=t("an.chart.status_legend_bar", lang),
                        scale=_status_scale(statuses, lang, "color")),
        stroke=alt.value("#7a4a00"),
        # only the fill fades: the dashed outline of a demo bar keeps its 7.5:1 contrast (WCAG 1.4.11)
        fillOpacity=alt.FillOpacity("status_label:N", title=t("an.chart.status_legend_bar", lang),
                                    scale=_status_scale(statuses, lang, "opacity")),
        strokeDash=alt.StrokeDash("status_label:N", title=t("an.chart.status_legend_bar", lang),
                                  scale=_status_scale(statuses, lang, "dash")),
        tooltip=[alt.Tooltip("name:N", title=t("an.chart.district", lang)),
                 alt.Tooltip("rank:Q", title=t("an.chart.rank", lang)),
                 alt.Tooltip("label:N", title=t("an.chart.value", lang)),
                 alt.Tooltip("status_label:N", title=t("an.chart.status_legend", lang)),
                 alt.Tooltip("source_note:N", title=t("common.source", lang))],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(text="label:N")
    return alt.layer(bars, labels).properties(
        title=alt.TitleParams(title, subtitle=[status_line(frame, lang, by_series=False)], anchor="start"),
        height=alt.Step(24))
