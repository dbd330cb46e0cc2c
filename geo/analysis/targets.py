"""The policy's six headline targets against Beijing's actuals, year by year.

Pure (no Streamlit). The targets are those given in the Beijing IP Office's 2017 interpretation of
《关于加快知识产权首善之区建设的实施意见》: the policy text itself, its target year and its
document number were not found, so no deadline is assumed. Actuals are the primary Beijing
(``110000``) rows of the indicator table, never estimated; where a target has no actual the
result says so and :func:`supply_template` gives the CSV to fill in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.carto.texts import source_title
from geo.data.indicators import primary_rows
from geo.data.names import BEIJING_CODE
from geo.text.i18n import DEFAULT_LANG, format_number, format_value, t, unit_label
from geo.text.labels import status_text, value_text

__all__ = [
    "POLICY_SOURCE",
    "TARGETS",
    "TREND_POINTS",
    "Metric",
    "Outlook",
    "PolicySource",
    "Projection",
    "Target",
    "TargetStatus",
    "all_statuses",
    "first_met",
    "headline",
    "latest_source",
    "outlook",
    "project",
    "supply_template",
    "target_rows",
    "target_status",
]


@dataclass(frozen=True)
class PolicySource:
    """Where the targets come from."""

    title_zh: str
    publisher_zh: str
    publisher_en: str
    date: str
    policy_zh: str


POLICY_SOURCE = PolicySource(
    title_zh="解读《关于加快知识产权首善之区建设的实施意见》",
    publisher_zh="北京市知识产权局",
    publisher_en="Beijing Intellectual Property Office",
    date="2017-09-06",
    policy_zh="关于加快知识产权首善之区建设的实施意见",
)


@dataclass(frozen=True)
class Target:
    """One headline target and the indicator that measures it.

    ``key`` names its strings in ``geo/text/locale/analysis.json`` (``an.target.<key>.*``);
    ``caveat`` is True when the actual's definition differs from the target's wording.
    ``proxy`` is an indicator that is related but is *not* the target's measure (shown apart).
    """

    key: str
    indicator: str
    value: float
    unit: str
    kind: str  # "flow" (per year) or "stock" / "ratio" (at year end)
    caveat: bool = False
    proxy: str | None = None
    related: str | None = None  # a second series worth showing beside the caveat


TARGETS: tuple[Target, ...] = (
    Target("patents_per_10k", "invention_patents_per_10k", 80, "件/万人", "ratio", caveat=True),
    Target("pct", "pct_applications", 13000, "件", "flow", caveat=True),
    Target("trademarks", "trademark_registrations", 550000, "件", "flow", caveat=True,
           related="trademarks_in_force"),
    Target("copyright", "copyright_works_registrations", 830000, "件", "flow", caveat=True,
           related="copyright_registrations"),
    Target("pledge", "ip_pledge_financing_100m_yuan", 100, "亿元", "flow"),
    Target("service", "ip_service_brand_institutions", 100, "家", "stock", proxy="patent_agencies"),
)

#: How many of the latest observed years the projection's straight line is fitted to.
TREND_POINTS = 5


@dataclass(frozen=True)
class Projection:
    """A target year projected at the current trend (a projection, not a figure)."""

    year: int | None  # None: the trend does not reach the target
    slope: float  # fitted change per year, in the target's unit
    first_year: int
    last_year: int
    points: int


@dataclass(frozen=True)
class TargetStatus:
    """A target, its yearly actuals and what they say about it."""

    target: Target
    rows: pd.DataFrame  # year, value, target, gap, pct, met, unit, status, as_of, source_url, source_note, formula
    first_met: int | None
    first_met_exact: bool  # False when the year before ``first_met`` has no figure
    projection: Projection | None
    related: pd.DataFrame  # rows of ``target.related`` (same columns), may be empty
    proxy: pd.DataFrame  # rows of ``target.proxy`` (same columns), may be empty

    @property
    def has_data(self) -> bool:
        return not self.rows.empty

    @property
    def latest(self) -> dict | None:
        return None if self.rows.empty else self.rows.iloc[-1].to_dict()


_COLUMNS = ["year", "value", "target", "gap", "pct", "met", "unit", "status", "as_of", "source_url",
            "source_note", "formula"]


def target_rows(indicators: pd.DataFrame, indicator: str, target: float, region: str = BEIJING_CODE) -> pd.DataFrame:
    """Return one row per year with an actual: value, target, gap (value − target), pct, met.

    Only primary rows count (official before derived before demo); years without a figure are absent.

    >>> df = pd.DataFrame({"region_code": ["110000"] * 2, "year": [2016, 2017], "indicator": ["x", "x"],
    ...     "value": [76.8, 94.5], "unit": ["件/万人"] * 2, "status": ["official"] * 2, "source_url": ["u"] * 2,
    ...     "source_note": ["n"] * 2, "formula": [""] * 2, "primary": [True, True]})
    >>> target_rows(df, "x", 80)[["year", "gap", "met"]].values.tolist()
    [[2016, -3.2, False], [2017, 14.5, True]]
    """
    d = indicators[(indicators["indicator"] == indicator) & (indicators["region_code"] == region)]
    if d.empty:
        return pd.DataFrame(columns=_COLUMNS)
    d = primary_rows(d)
    d = d[pd.to_numeric(d["value"], errors="coerce").notna() & d["year"].notna()].sort_values("year")
    value = pd.to_numeric(d["value"]).astype(float).to_numpy()
    out = pd.DataFrame({
        "year": d["year"].astype(int).to_numpy(),
        "value": value,
        "target": float(target),
        "gap": np.round(value - float(target), 6),
        "pct": np.round(value / float(target) * 100, 1),
        "met": value >= float(target),
        "unit": d["unit"].fillna("").to_numpy(),
        "status": d["status"].to_numpy(),
        "as_of": d["as_of"].fillna("").astype(str).to_numpy() if "as_of" in d else "",
        "source_url": d["source_url"].fillna("").to_numpy(),
        "source_note": d["source_note"].fillna("").to_numpy(),
        "formula": d["formula"].fillna("").to_numpy() if "formula" in d else "",
    })
    return out.reset_index(drop=True)


def first_met(rows: pd.DataFrame) -> tuple[int | None, bool]:
    """Return (first year at or above target, exact); exact is False if the year before has no figure.

    >>> rows = pd.DataFrame({"year": [2016, 2018], "met": [False, True]})
    >>> first_met(rows), first_met(rows.iloc[:1]), first_met(pd.DataFrame({"year": [2017], "met": [True]}))
    ((2018, False), (None, False), (2017, False))
    """
    hit = rows[rows["met"].astype(bool)]
    if hit.empty:
        return None, False
    year = int(hit["year"].min())
    before = rows[rows["year"] == year - 1]
    return year, bool(len(before)) and not bool(before["met"].iloc[0])


def project(rows: pd.DataFrame, target: float, points: int = TREND_POINTS, horizon: int = 50) -> Projection | None:
    """Project the year the target is reached: a least-squares line through the latest observed years.

    Needs at least three observed (official or derived) years; returns None otherwise. A line
    that falls or stays flat, or reaches the target only after ``horizon`` years, gives
    ``year=None``. Demo values are never used.

    >>> rows = pd.DataFrame({"year": [2020, 2021, 2022], "value": [10.0, 20.0, 30.0], "status": ["official"] * 3})
    >>> p = project(rows, 55); (p.year, p.slope, p.points)
    (2025, 10.0, 3)
    >>> project(rows.assign(value=[30.0, 20.0, 10.0]), 55).year is None
    True
    """
    obs = rows[rows["status"].isin(["official", "derived"])].sort_values("year").tail(points)
    if len(obs) < 3:
        return None
    x = obs["year"].astype(float).to_numpy()
    y = obs["value"].astype(float).to_numpy()
    slope, intercept = np.polyfit(x, y, 1)
    slope = float(round(slope, 6))
    last = int(x.max())
    year = None
    if slope > 0:
        cross = (float(target) - intercept) / slope
        year = max(last + 1, math.ceil(cross - 1e-9))
        if year > last + horizon:
            year = None
    return Projection(year, slope, int(x.min()), last, len(obs))


@dataclass(frozen=True)
class Outlook:
    """What can be said of a target today.

    ``kind``: ``met`` (``year`` = first year at or above target), ``projected`` (``year`` = the
    projected year, this year or later), ``not_met_by`` (``year`` = the last year with a figure;
    ``trend_year`` the projected year when that has already passed without a figure),
    ``not_reached`` (the trend falls or stays flat; ``year`` = last year with a figure) or
    ``no_data``.
    """

    kind: str
    year: int | None
    trend_year: int | None = None


def outlook(status: TargetStatus, this_year: int) -> Outlook:
    """Return the outlook of ``status`` as of ``this_year``: a past year is never a projection.

    >>> rows = pd.DataFrame({"year": [2021, 2022, 2023], "value": [10.0, 20.0, 30.0], "met": [False] * 3,
    ...                      "status": ["official"] * 3})
    >>> st = TargetStatus(TARGETS[1], rows, None, False, project(rows, 45), rows.iloc[:0], rows.iloc[:0])
    >>> outlook(st, 2024), outlook(st, 2026)
    (Outlook(kind='projected', year=2025, trend_year=None), Outlook(kind='not_met_by', year=2023, trend_year=2025))
    """
    if not status.has_data:
        return Outlook("no_data", None)
    if status.first_met is not None:
        return Outlook("met", status.first_met)
    last = int(status.rows["year"].max())
    pr = status.projection
    if pr is not None and pr.year is not None:
        if pr.year >= this_year:
            return Outlook("projected", pr.year)
        return Outlook("not_met_by", last, pr.year)
    if pr is not None:
        return Outlook("not_reached", last)
    return Outlook("not_met_by", last)


@dataclass(frozen=True)
class Metric:
    """One of a target's headline figures as the Targets page shows it (and its first view, ``ui/firstview.py``)."""

    label: str
    value: str
    help: str | None = None


def headline(status: TargetStatus, this_year: int, lang: str = DEFAULT_LANG) -> tuple[Metric, ...]:
    """Return the latest actual, the gap to the target and the outlook of ``status``; none without an actual.

    The unit goes into the labels so that the values (large type on the page) are numbers only.
    """
    latest = status.latest
    if latest is None:
        return ()
    tg = status.target
    unit = unit_label(tg.unit, lang)

    def label(key: str, **kw) -> str:
        return t(key + "_unit", lang, unit=unit, **kw) if unit else t(key, lang, **kw)

    gap = latest["gap"]
    figures = [
        Metric(label("an.targets.latest", year=int(latest["year"])),
               value_text(latest["value"], "", latest["status"], lang),
               status_text(latest["status"], lang) + " · " + format_value(latest["value"], tg.unit, lang)),
        Metric(label("an.targets.gap"), ("+" if gap >= 0 else "−") + format_number(abs(gap), lang),
               t("an.targets.gap_help", lang)),
    ]
    now = outlook(status, this_year)  # a past year is never shown as a projection
    if now.kind == "met":
        key = "an.targets.met_exact" if status.first_met_exact else "an.targets.met_by"
        figures.append(Metric(t("an.targets.met_heading", lang), t(key, lang, year=now.year)))
    elif now.kind == "projected":
        figures.append(Metric(t("an.targets.projection_heading", lang),
                              t("an.targets.projected_year", lang, year=now.year)))
    elif now.kind == "not_met_by":
        # the year in the heading, the verdict as the value: a card's large type fits a third of the page
        figures.append(Metric(t("an.targets.by_year_heading", lang, year=now.year), t("an.targets.not_met", lang),
                              t("an.targets.not_met_by", lang, year=now.year)))
    else:
        figures.append(Metric(t("an.targets.projection_heading", lang), t("an.targets.not_reached", lang)))
    return tuple(figures)


def latest_source(status: TargetStatus, lang: str = DEFAULT_LANG) -> str:
    """Return where the latest actual of ``status`` comes from, as the map's tooltips say it ('' without one).

    The source note's lead (publisher, document) and the kind of page it was read on with the
    figure's status (``geo.carto.texts.source_title``), e.g. ``来源: www.ctmanga.com (官方数据 · 转载来源)``.
    """
    latest = status.latest
    return "" if latest is None else f"{t('common.source', lang)}: {source_title(latest, lang)}"


def target_status(indicators: pd.DataFrame, target: Target) -> TargetStatus:
    """Return the status of one target against the Beijing rows of ``indicators``."""
    rows = target_rows(indicators, target.indicator, target.value)
    year, exact = first_met(rows)
    projection = project(rows, target.value) if year is None and not rows.empty else None
    related = target_rows(indicators, target.related, target.value) if target.related else pd.DataFrame(
        columns=_COLUMNS)
    proxy = target_rows(indicators, target.proxy, target.value) if target.proxy else pd.DataFrame(columns=_COLUMNS)
    return TargetStatus(target, rows, year, exact, projection, related, proxy)


def all_statuses(indicators: pd.DataFrame) -> list[TargetStatus]:
    """Return the status of every headline target, in the policy's order."""
    return [target_status(indicators, tg) for tg in TARGETS]


def supply_template(target: Target, years: range = range(2016, 2025)) -> str:
    """Return a CSV template (long format) to supply the Beijing actuals of ``target``.

    Values are left blank on purpose: fill in figures with their source; nothing is made up.

    >>> print(supply_template(TARGETS[4], range(2020, 2022)))
    region_code,region_name_zh,year,indicator,value,unit,source_url,source_note
    110000,北京市,2020,ip_pledge_financing_100m_yuan,,亿元,,
    110000,北京市,2021,ip_pledge_financing_100m_yuan,,亿元,,
    <BLANKLINE>
    """
    lines = ["region_code,region_name_zh,year,indicator,value,unit,source_url,source_note"]
    lines += [f"{BEIJING_CODE},北京市,{y},{target.indicator},,{target.unit},," for y in years]
    return "\n".join(lines) + "\n"
