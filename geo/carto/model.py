"""The map's layer model: for a view, a JSON-able description of everything to draw, every year at once.

:func:`layer_model` is what every renderer reads (its every key typed in :mod:`geo.carto.contract`):
the page and presentation mode (the ``atlas_map`` component, ``static/atlasmap/``), the standalone
HTML export (the same scripts inlined into a folium page) and, through the same pieces, the PNG/PDF
export. This module assembles the model; the pieces live by responsibility:

- :mod:`geo.carto.frames`: the data of one year (values, statuses, ranks, classes, zones in force);
- :mod:`geo.carto.legend`: the legend lines and the selection line's place;
- :mod:`geo.carto.texts`: titles, source line, banner, value and tooltip texts, summary, UI strings;
- :mod:`geo.carto.labels`: label texts, anchors, priorities;
- :mod:`geo.carto.geometry`: bounds, datum, the content-hashed geometry asset the browser caches.

Their public names are re-exported here (every renderer imported them from this module).
The year is switched in the browser from ``frames``: a year change needs no server round trip.
Every text is plain text: the renderer sets it with ``textContent``, never as HTML.
"""

from __future__ import annotations

import json

import pandas as pd

from geo.carto import styles
from geo.carto.classify import Classes
from geo.carto.contract import (
    MODEL_VERSION,
    Cell,
    DistrictFeature,
    Frame,
    Label,
    LayerModel,
    Layers,
    LegendLine,
    ZoneFeature,
    with_selection,
)
from geo.carto.frames import (  # noqa: F401 - the model's pieces, used by every renderer
    STATUS_WEAKNESS,
    change_values,
    classes_for,
    district_frame,
    frame_statuses,
    zones_in_view,
)
from geo.carto.geometry import (  # noqa: F401 - the model's pieces, used by every renderer
    BASEMAP_TILES,
    BEIJING_BOUNDS,
    JJJ_BOUNDS,
    SCHEMATIC_TOLERANCE,
    display_geometry,
    geometry_asset,
    merge_geometry,
    view_bounds,
)
from geo.carto.labels import (  # noqa: F401 - the model's pieces, used by every renderer
    DISTRICT_LABEL_MIN_ZOOM,
    ZOOMED_LABEL_KINDS,
    district_labels,
    region_labels,
    short_name,
    unique_labels,
    zone_labels,
)
from geo.carto.legend import (
    LegendItem,
    legend_items,
    legend_line,
    legend_parts,
    selection_legend_item,
)
from geo.carto.texts import (  # noqa: F401 - the model's pieces, used by every renderer
    demo_banner,
    designation_label,
    fmt_break,
    indicator_title,
    legend_title,
    map_title,
    renderer_text,
    source_lead,
    source_line,
    source_title,
    status_marks,
    summary,
    value_text,
)
from geo.data.datasets import MapInputs
from geo.text.i18n import t
from geo.text.labels import name_of
from geo.view.state import ViewState, map_years

__all__ = [
    "BASEMAP_TILES",
    "BEIJING_BOUNDS",
    "JJJ_BOUNDS",
    "LegendItem",
    "classes_for",
    "demo_banner",
    "display_geometry",
    "district_frame",
    "district_labels",
    "fmt_break",
    "geometry_asset",
    "layer_model",
    "legend_items",
    "legend_parts",
    "map_title",
    "model_years",
    "region_labels",
    "select_districts",
    "selection_legend_item",
    "short_name",
    "source_line",
    "unique_labels",
    "view_bounds",
    "zone_labels",
    "zones_in_view",
]


def select_districts(model: LayerModel, inputs: MapInputs, state: ViewState) -> LayerModel:
    """Return ``model`` (built with no district selected) with ``state.districts`` selected.

    A selection changes only the highlight, the dimming (both drawn by the renderer from
    ``selected``), the bounds and one legend line: the cached model of the view is reused.
    """
    if not state.districts:
        return model
    legend = legend_line(selection_legend_item(state.lang)) if "districts" in state.layers else None
    return with_selection(model, list(state.districts), [list(p) for p in view_bounds(inputs, state)], legend)


def model_years(inputs: MapInputs, indicator: str) -> list[int]:
    """Return the years the model carries for ``indicator`` (those with any district value)."""
    return map_years(inputs.indicators, indicator)


def _zone_feature(z: dict, lang: str) -> ZoneFeature:
    quality = z["geometry_quality"]
    lines = [str(name_of(z, lang)), t("map.quality." + quality, lang)]
    if pd.notna(z.get("area_km2")):
        lines.append(t("map.area", lang, area=f"{float(z['area_km2']):g}"))
    if pd.notna(z.get("year")):
        lines.append(t("map.since", lang, year=int(z["year"])))
    if z.get("source_url") or z.get("source_note"):  # the published area and year say where they come from
        lines.append(f"{t('common.source', lang)}: {source_lead(z, 'official', lang)}")
    point = z["geometry"].geom_type == "Point"
    style = styles.zone_style(z["kind"], quality)
    return ZoneFeature(id=z["zone_id"], kind=z["kind"], q=quality, point=point, style=style, tip=lines,
                       warn=quality in ("schematic", "point"))


def _frame(inputs: MapInputs, state: ViewState, classes: Classes,
           shared: dict[str, list]) -> tuple[Frame, list[LegendLine], int]:
    """Return one year's frame of the model, its legend lines (the title kept apart) and where a selection's line goes.

    Per district: ``f`` fill, ``s`` status, ``v`` value text, ``r`` rank, ``src`` index into
    ``shared["sources"]``, ``k`` indexes into ``shared["designations"]`` (strong, in force).
    """
    frame = district_frame(inputs, state)
    items, at = legend_parts(inputs, state, frame, classes)
    legend = [legend_line(i) for i in items if not i.title]
    at -= sum(1 for i in items[:max(at, 0)] if i.title)
    lang = state.lang
    cells: dict[str, Cell] = {}
    for r in frame.to_dict("records"):
        cell = Cell(f=classes.color(r["value"]), s=r["status"], v=value_text(r, state))
        if not pd.isna(r["rank"]):
            cell["r"] = int(r["rank"])
        if r["status"]:
            cell["src"] = _intern(shared["sources"], source_title(r, lang))
        if r["strong"] and "strong" in state.layers:
            cell["k"] = [_intern(shared["designations"], designation_label(d, lang)) for d in r["strong"]]
        cells[r["code"]] = cell
    title = next((i.label for i in items if i.title), "")
    return Frame(d=cells, zones=list(zones_in_view(inputs.zones, state).zone_id), legend=-1, legendTitle=title,
                 title=map_title(state, frame), banner=demo_banner(frame, state),
                 source=source_line(inputs, state, frame), summary=summary(inputs, state, frame)), legend, at


def _intern(table: list, value: object) -> int:
    if value not in table:
        table.append(value)
    return table.index(value)


def layer_model(inputs: MapInputs, state: ViewState, geometry_url: str | None = None,
                years: list[int] | None = None, regions_url: str | None = None) -> LayerModel:
    """Return the JSON-able layer model of ``state`` for every year of its indicator.

    ``state.year`` is the year shown first; ``geometry_url`` is where the renderer fetches the
    geometry asset (None: the caller inlines it, as the HTML export does).
    """
    lang = state.lang
    years = years or model_years(inputs, state.indicator)
    fixed = classes_for(inputs, state) if state.fixed_breaks else None
    frames: dict[str, Frame] = {}
    legends: list[list[LegendLine]] = []
    selection_at: list[int] = []
    legend_index: dict[str, int] = {}
    shared: dict[str, list] = {"sources": [], "designations": []}
    for y in years:
        s = state.with_(year=y)
        frame, legend, at = _frame(inputs, s, fixed or classes_for(inputs, s), shared)
        key = json.dumps([legend, at], ensure_ascii=False, sort_keys=True)
        if key not in legend_index:
            legend_index[key] = len(legends)
            legends.append(legend)
            selection_at.append(at)
        frame["legend"] = legend_index[key]
        frames[str(y)] = frame
    drawable = inputs.zones[inputs.zones.geometry.notna() & inputs.zones.on_map]
    zone_kinds = [k for layer in state.layers for k in styles.LAYER_ZONE_KINDS.get(layer, ())]
    shown_zones = drawable[drawable.kind.isin(zone_kinds)]
    names = {c: (zh, en) for c, zh, en in zip(inputs.districts.code, inputs.districts.name_zh, inputs.districts.name_en, strict=False)}
    basemap = BASEMAP_TILES.get(state.basemap)
    labels: list[Label] = []
    if "districts" in state.layers or "strong" in state.layers:
        labels += district_labels(inputs, lang)
    labels += zone_labels(shown_zones, lang)
    if "jjj" in state.layers:
        labels += region_labels(inputs.regions, lang)
    labels = unique_labels(labels)
    return LayerModel(
        v=MODEL_VERSION,
        lang=lang,
        geometry=geometry_url,
        regionsGeometry=regions_url if "jjj" in state.layers else None,
        bounds=[list(p) for p in view_bounds(inputs, state)],
        basemap=basemap,
        layers=Layers(districts="districts" in state.layers, strong="strong" in state.layers,
                      regions="jjj" in state.layers),
        years=years,
        year=state.year if str(state.year) in frames else years[-1],
        districts=[DistrictFeature(id=c, name=names[c][1] if lang == "en" else names[c][0],
                                   names=f"{names[c][0]} · {names[c][1]}") for c in names],
        zones=[_zone_feature(z, lang) for z in shown_zones.to_dict("records")],
        labels=labels,
        selected=list(state.districts),
        style=styles.style_table(),
        legends=legends,
        selectionAt=selection_at,
        frames=frames,
        sources=shared["sources"],
        designations=shared["designations"],
        text=renderer_text(lang),
    )
