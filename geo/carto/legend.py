"""The legend of a view: only what is drawn, in drawing order (one builder for every renderer), and
the one rule for where the selection's line goes.

Part of the layer model (:mod:`geo.carto.model`); typed in :mod:`geo.carto.contract`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from geo.carto import styles
from geo.carto.classify import NO_DATA_COLOR, Classes, class_of
from geo.carto.contract import LegendLine
from geo.carto.frames import frame_statuses, zones_in_view
from geo.carto.texts import fmt_break, legend_title
from geo.data.datasets import MapInputs
from geo.data.designations import strong_rule
from geo.text.i18n import t
from geo.text.labels import status_label, statuses_text
from geo.view.state import ViewState

__all__ = [
    "LegendItem",
    "legend_items",
    "legend_line",
    "legend_parts",
    "selection_legend_item",
]


@dataclass(frozen=True)
class LegendItem:
    """One legend line: a swatch (fill and/or outline) and a label, or a heading without swatch."""

    label: str
    face: str | None = None
    edge: str | None = None
    dashed: bool = False
    width: float = 1.0
    alpha: float = 1.0
    warn: bool = False
    heading: bool = False
    title: bool = False


def legend_items(inputs: MapInputs, state: ViewState, frame: pd.DataFrame, classes: Classes) -> list[LegendItem]:
    """Return the legend of the view: only what is drawn, in drawing order (one builder for every renderer)."""
    items, at = legend_parts(inputs, state, frame, classes)
    if state.districts and at >= 0:
        items.insert(at, selection_legend_item(state.lang))
    return items


def legend_parts(inputs: MapInputs, state: ViewState, frame: pd.DataFrame,
                 classes: Classes) -> tuple[list[LegendItem], int]:
    """Return the legend without the selection's line, and the index where that line goes (-1: none).

    The one rule for the selection's place (after the district classes and outlines): the page's
    renderer inserts the line at this index (``selectionAt`` in the model), the PNG/PDF here.
    """
    lang = state.lang
    at = -1
    items: list[LegendItem] = []
    if "districts" in state.layers:
        statuses = frame_statuses(frame)
        items.append(LegendItem(legend_title(state), heading=True, title=True))
        items.append(LegendItem(f"{t('map.classification', lang)}: {t('cls.' + state.classification, lang)}"
                                f"{t('map.fixed_breaks', lang) if state.fixed_breaks else ''}", heading=True))
        items.append(LegendItem(f"{t('map.status', lang)}: "
                                f"{statuses_text(statuses, lang)}",
                                heading=True, warn="demo" in statuses))
        used = {class_of(v, classes.breaks) for v in frame["value"]}  # classes no district is in are not listed
        for i, (colour, label) in enumerate(zip(classes.colors, classes.labels(fmt_break), strict=False)):
            if i in used:
                items.append(LegendItem(label, face=colour, edge=styles.OUTLINE))
        if frame["value"].isna().any():  # the one wording of a cell without a figure
            items.append(LegendItem(status_label("", lang), face=NO_DATA_COLOR, edge=styles.OUTLINE))
        if "demo" in statuses:
            items.append(LegendItem(t("legend.demo_outline", lang), face="#ffffff", edge=styles.DEMO_OUTLINE["color"],
                                    dashed=True, width=1.6, warn=True))
        at = len(items)
    if "strong" in state.layers:
        items.append(LegendItem(f"{styles.STRONG_MARK} {t('legend.strong', lang)}", face="#ffffff",
                                edge=styles.STRONG["color"], width=2.5))
        items.append(LegendItem(strong_rule(lang), heading=True))
    shown = zones_in_view(inputs.zones, state)
    seen: list[str] = []
    for kind in shown.kind.unique():
        key = styles.ZONE_KINDS.get(kind, {"legend": "legend.jjj"})["legend"]
        if key in seen:
            continue
        seen.append(key)
        colour = styles.zone_colour(kind)
        items.append(LegendItem(t(key, lang), face=colour, edge=colour, dashed=True, width=1.6, alpha=0.15))
    if len(shown) and (shown.geometry_quality == "schematic").any():
        items.append(LegendItem(t("legend.schematic", lang), heading=True))
    if "jjj" in state.layers:
        items.append(LegendItem(t("legend.jjj_regions", lang), face=styles.REGION["color"],
                                edge=styles.REGION["color"], width=1.2, alpha=0.05))
    if not items:
        items.append(LegendItem(t("carto.legend.empty", lang), heading=True))
    return items, at


def selection_legend_item(lang: str) -> LegendItem:
    """Return the legend line of the selection highlight (distinct from the strong-district outline)."""
    return LegendItem(t("carto.legend.selected", lang), face="#ffffff", edge=styles.SELECTED["color"], width=3.0)


def legend_line(item: LegendItem) -> LegendLine:
    """Return ``item`` as the model carries it."""
    return LegendLine(**asdict(item))  # type: ignore[typeddict-item]
