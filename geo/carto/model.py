"""The map's layer model: for a view, a JSON-able description of everything to draw, every year at once.

:func:`layer_model` is what every renderer reads: the page and presentation mode (the
``atlas_map`` component, ``static/atlasmap/atlas-map.js``), the standalone HTML export (the same
script inlined into a folium page) and, through the same pieces (:func:`legend_items`,
:func:`district_labels`, :func:`zone_labels`, styles from :mod:`geo.carto.styles`), the PNG/PDF
export. It holds:

- ``districts``, ``zones``, ``regions``: per feature its id, names, label (text, anchor,
  priority, minimum zoom) and, for zones, style; geometry is not in the model but in a static,
  content-hashed asset (:func:`geometry_asset`) the browser caches;
- ``frames``: per year, per district its fill, value text, rank, status, source and strong mark;
  the zones in force that year; the legend (an index into ``legends``), title, demo banner,
  source line and a one-sentence summary for screen readers;
- ``text``: the renderer's UI strings in the view's language.

The year is switched in the browser from ``frames``: a year change needs no server round trip.
Every text is plain text: the renderer sets it with ``textContent``, never as HTML.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from urllib.parse import urlparse

import geopandas as gpd
import pandas as pd
import shapely

from geo.carto import styles
from geo.carto.classify import NO_DATA_COLOR, Classes, class_of, classify, classify_change
from geo.carto.crs import geometry_wgs84_to_gcj02
from geo.data.datasets import MapInputs
from geo.data.designations import strong_in_year, strong_rule
from geo.data.indicators import INDICATORS, district_values, hide_demo, years_with_data
from geo.data.names import BEIJING_CODE, BEIJING_DISTRICTS
from geo.data.source_kind import source_kind, source_kind_label
from geo.text.i18n import change_formula, format_change, format_value, t, unit_label
from geo.text.labels import name_of, note_text, status_label, statuses_text
from geo.view.state import ViewState

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
    "map_title",
    "model_years",
    "region_labels",
    "select_districts",
    "selection_legend_item",
    "short_name",
    "source_line",
    "tooltip_lines",
    "unique_labels",
    "view_bounds",
    "zone_labels",
    "zones_in_view",
]

BEIJING_BOUNDS = ((39.44, 115.42), (41.06, 117.51))
JJJ_BOUNDS = ((36.0, 113.4), (42.7, 119.9))
BASEMAP_TILES = {  # optional; the map works without them (no internet = no tiles, nothing else lost)
    "osm": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attr": "© OpenStreetMap contributors"},
    "amap": {"url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "attr": "© 高德地图 AutoNavi (GCJ-02)", "subdomains": "1234"},
}
#: Zone kinds whose labels are shown only when zoomed in (the 16 parks are small and many).
ZOOMED_LABEL_KINDS = {"zgc_park": 11}
#: Minimum zoom of district labels: at the Jing-Jin-Ji scale the districts are too small to name.
DISTRICT_LABEL_MIN_ZOOM = 8


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


# --- data of one year -----------------------------------------------------------------------------

def _bare(df: pd.DataFrame) -> pd.DataFrame:
    """Return a shallow view of ``df`` without ``attrs`` (pandas deep-copies them on every filter)."""
    if not df.attrs:
        return df
    out = df.copy(deep=False)
    out.attrs = {}
    return out


#: The weaker of two statuses wins in a change map: demo beats derived beats official.
STATUS_WEAKNESS = {"": 3, "demo": 2, "derived": 1, "official": 0}


def change_values(indicators: pd.DataFrame, indicator: str, year: int, base: int, mode: str = "abs") -> pd.DataFrame:
    """Return :func:`district_values` of the change from ``base`` to ``year`` (absolute, or % of ``base``).

    A change between values of different status carries the weaker status (demo beats derived
    beats official); a district without a value in either year has no change.
    """
    now = district_values(indicators, indicator, year)
    then = district_values(indicators, indicator, base)
    out = now.copy()
    diff = now["value"] - then["value"]
    if mode == "pct":
        diff = diff / then["value"].where(then["value"] != 0) * 100
        out["unit"] = "%"
    out["value"] = diff
    weaker = [a if STATUS_WEAKNESS[a] >= STATUS_WEAKNESS[b] else b for a, b in zip(now.status, then.status, strict=False)]
    out["status"] = ["" if pd.isna(v) else s for v, s in zip(diff, weaker, strict=False)]
    out["formula"] = [change_formula(year, base, mode)] * len(out)
    out["rank"] = out["value"].rank(ascending=False, method="min").astype("Int64")
    return out


def district_frame(inputs: MapInputs, state: ViewState) -> pd.DataFrame:
    """Return one row per district: code, names, value, unit, status, source, rank, strong designations.

    In a change map (``state.compare``) the value is the change from the comparison year.
    """
    if state.compare is not None:
        indicators = _bare(inputs.indicators)
        if not state.demo:
            indicators = indicators[indicators.status != "demo"]
        values = change_values(indicators, state.indicator, state.year, state.compare, state.change)
    else:
        values = district_values(_bare(inputs.indicators), state.indicator, state.year)
    if not state.demo:  # "show demo values" off: demo cells read "no official figure yet", everywhere
        values = hide_demo(values)
    d = _bare(inputs.districts)[["code", "name_zh", "name_en"]].merge(values, left_on="code", right_on="region_code")
    strong = strong_in_year(_bare(inputs.designations), state.year)
    d["strong"] = d["code"].map(lambda c: strong.get(c, []))
    return d.drop(columns="region_code")


def _change_classes(inputs: MapInputs, state: ViewState) -> Classes:
    """Return diverging classes centred on no change, symmetric, from every year's change (or this year's)."""
    years = [state.year] if not state.fixed_breaks else years_with_data(inputs.indicators, state.indicator)
    assert state.compare is not None
    values = []
    for y in years:
        values += change_values(inputs.indicators, state.indicator, y, state.compare, state.change)["value"].tolist()
    return classify_change(values)


def classes_for(inputs: MapInputs, state: ViewState) -> Classes:
    """Return the colour classes: fixed across all years by default, else from this year's values."""
    if state.compare is not None:
        return _change_classes(inputs, state)
    ind = inputs.indicators
    d = ind[(ind.indicator == state.indicator) & ind.region_code.isin(list(BEIJING_DISTRICTS))]
    if not state.fixed_breaks:
        d = d[d.year == state.year]
    return classify(pd.to_numeric(d["value"], errors="coerce").tolist(), state.classification)


def zones_in_view(zones: gpd.GeoDataFrame, state: ViewState) -> gpd.GeoDataFrame:
    """Return the zones drawn for ``state``: kinds of the visible layers, in force in its year, drawable.

    Validity (``valid_from``/``valid_to``) and ``on_map`` are columns of ``zones.geojson``
    (written by ``scripts/build_zones.py``).
    """
    kinds = [k for layer in state.layers for k in styles.LAYER_ZONE_KINDS.get(layer, ())]
    bare = _bare(zones)
    year = state.year
    lo = bare.valid_from.fillna(-1).astype(int)
    hi = bare.valid_to.fillna(9999).astype(int)
    mask = bare.kind.isin(kinds) & bare.geometry.notna() & bare.on_map & (lo <= year) & (hi >= year)
    return zones[mask.to_numpy()]


def view_bounds(inputs: MapInputs, state: ViewState) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return ((south, west), (north, east)) to show: selected districts, Jing-Jin-Ji, or Beijing."""
    if state.districts:
        sel = inputs.districts[inputs.districts.code.isin(state.districts)]
        minx, miny, maxx, maxy = sel.total_bounds
        # a margin of a fifth on each side: the selection sits in context, clear of the map's edges
        dx, dy = (maxx - minx) * 0.2, (maxy - miny) * 0.2
        return (float(miny - dy), float(minx - dx)), (float(maxy + dy), float(maxx + dx))
    if "jjj" in state.layers:
        return JJJ_BOUNDS
    return BEIJING_BOUNDS


# --- texts ----------------------------------------------------------------------------------------

def fmt_break(v: float) -> str:
    """Format a class break as the legend shows it.

    >>> fmt_break(1234.5), fmt_break(80.0), fmt_break(12.5)
    ('1,234', '80', '12.5')
    """
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"


def _indicator_name(state: ViewState) -> str:
    ind = INDICATORS[state.indicator]
    return ind.name_en if state.lang == "en" else ind.name_zh


def _legend_title(state: ViewState) -> str:
    """Return ``name (unit) · year`` without repeating a unit the name already says (a change: ``base→year``)."""
    unit = unit_label(INDICATORS[state.indicator].unit, state.lang)
    name = _indicator_name(state)
    if state.compare is not None:
        unit = "%" if state.change == "pct" else unit
        return t("carto.change.title", state.lang, name=name, base=state.compare, year=state.year, unit=unit)
    words = [w for w in unit.replace("/", " ").split() if len(w) > 2]
    repeats = unit in name or (state.lang == "en" and words and all(w.lower() in name.lower() for w in words))
    return f"{name}{'' if not unit or repeats else f' ({unit})'} · {state.year}"


def _statuses(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(set(frame.status) - {""}))


def legend_items(inputs: MapInputs, state: ViewState, frame: pd.DataFrame, classes: Classes) -> list[LegendItem]:
    """Return the legend of the view: only what is drawn, in drawing order (one builder for every renderer)."""
    lang = state.lang
    items: list[LegendItem] = []
    if "districts" in state.layers:
        statuses = _statuses(frame)
        items.append(LegendItem(_legend_title(state), heading=True, title=True))
        items.append(LegendItem(f"{t('map.classification', lang)}: {t('cls.' + state.classification, lang)}"
                                f"{t('map.fixed_breaks', lang) if state.fixed_breaks else ''}", heading=True))
        items.append(LegendItem(f"{t('map.status', lang)}: "
                                f"{statuses_text(statuses, lang)}",
                                heading=True, warn="demo" in statuses))
        used = {class_of(v, classes.breaks) for v in frame["value"]}  # classes no district is in are not listed
        for i, (colour, label) in enumerate(zip(classes.colors, classes.labels(fmt_break), strict=False)):
            if i in used:
                items.append(LegendItem(label, face=colour, edge="#888888"))
        if frame["value"].isna().any():  # the one wording of a cell without a figure
            items.append(LegendItem(status_label("", lang), face=NO_DATA_COLOR, edge="#888888"))
        if "demo" in statuses:
            items.append(LegendItem(t("legend.demo_outline", lang), face="#ffffff", edge=styles.DEMO_OUTLINE["color"],
                                    dashed=True, width=1.6, warn=True))
        if state.districts:
            items.append(selection_legend_item(lang))
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
    return items


def selection_legend_item(lang: str) -> LegendItem:
    """Return the legend line of the selection highlight (distinct from the strong-district outline)."""
    return LegendItem(t("carto.legend.selected", lang), face="#ffffff", edge=styles.SELECTED["color"], width=3.0)


def select_districts(model: dict, inputs: MapInputs, state: ViewState) -> dict:
    """Return ``model`` (built with no district selected) with ``state.districts`` selected.

    A selection changes only the highlight, the dimming (both drawn by the renderer from
    ``selected``), the bounds and one legend line: the cached model of the view is reused.
    """
    if not state.districts:
        return model
    out = dict(model)
    out["selected"] = list(state.districts)
    out["bounds"] = [list(p) for p in view_bounds(inputs, state)]
    if "districts" in state.layers:
        out["selectionLegend"] = asdict(selection_legend_item(state.lang))
    return out


def source_line(inputs: MapInputs, state: ViewState, frame: pd.DataFrame) -> str:
    """Return the plain-text source line shown under every map."""
    lang = state.lang
    parts = []
    if "districts" in state.layers:
        if "demo" in set(frame.status):
            parts.append(t("source.demo", lang))
        official = frame[frame.status.isin(["official", "derived"])]
        if len(official):
            urls = sorted(set(official.source_url))[:2]
            parts.append(t("source.indicator", lang) + " " + "; ".join(urls))
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
    title = t("export.title", lang, indicator=_indicator_name(state), year=state.year)
    if state.compare is not None:
        title = t("carto.change.map_title", lang, indicator=_indicator_name(state), base=state.compare, year=state.year,
                  kind=t(f"carto.change.{state.change}", lang))
    if (frame.status == "demo").any():
        title += " · " + t("carto.title_demo", lang)
    return title


def _source_title(row: dict, lang: str) -> str:
    """Return a short source title for a tooltip: the note's lead (publisher, document), at most 40 chars,
    and the kind of source (government, official media, repost) with the figure's status."""
    if row["status"] == "demo":
        return t("carto.tip.demo_source", lang)
    return _source_lead(row, row["status"], lang)


def _source_lead(row: dict, status: str, lang: str) -> str:
    """Return the lead of a row's source note (publisher, document; ≤ 40 chars) and the kind of source."""
    note = str(row.get("source_note") or "")
    lead = note.split(":", 1)[0].split("：", 1)[0].strip() or str(row.get("source_url") or "")
    words = len(re.findall(r"[A-Za-z]{2,}", lead))
    if note_text(lead, lang) != lead or (lang == "zh" and words >= 2 and len(re.findall(r"[\u3400-\u9fff]", lead)) < 3 * words):
        # an English lead on a Chinese page: the page's host says where the figure is from
        lead = urlparse(str(row.get("source_url") or "")).netloc or lead
    lead = lead if len(lead) <= 40 else lead[:39] + "…"
    kind = row.get("source_kind") or source_kind(str(row.get("source_url") or ""))
    return f"{lead} ({source_kind_label(kind, status, lang)})"


def tooltip_lines(row: dict, state: ViewState) -> list[str]:
    """Return a district's compact tooltip, line by line: name, value + unit + status, rank · year, source.

    The browser composes the same lines from the model (``atlas-map.js`` ``tipLines``).
    """
    lang = state.lang
    value = value_text(row, state)
    mark = _marks(lang).get(row["status"], "")
    lines = [f"{row['name_zh']} · {row['name_en']}", f"{value} {mark}".strip()]
    rank = "" if pd.isna(row["rank"]) else t("carto.tip.rank", lang, rank=int(row["rank"]), n=len(BEIJING_DISTRICTS))
    lines.append(" · ".join(p for p in (rank, t("carto.tip.year", lang, year=state.year)) if p))
    if row["status"]:
        lines.append(f"{t('common.source', lang)}: {_source_title(row, lang)}")
    for d in row["strong"]:
        lines.append(f"{styles.STRONG_MARK} {_designation_label(d, lang)}")
    return lines


def value_text(row: dict, state: ViewState) -> str:
    """Return a district's value with its unit as the map shows it; a change carries its sign (+12.3)."""
    if pd.isna(row["value"]):
        return status_label("", state.lang)  # 暂无官方数据, as everywhere
    unit = row["unit"] or INDICATORS[state.indicator].unit
    if state.compare is not None:
        return format_change(row["value"], unit, state.lang)
    return format_value(row["value"], unit, state.lang)


def _marks(lang: str) -> dict[str, str]:
    return {"derived": t("carto.mark.derived", lang), "demo": t("mark.demo", lang)}


def _designation_label(d: dict, lang: str) -> str:
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


def _summary(inputs: MapInputs, state: ViewState, frame: pd.DataFrame) -> str:
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
                 f"{statuses_text(_statuses(frame), lang)}")
    return ". ".join(parts) if lang == "en" else "。".join(parts)


# --- labels ---------------------------------------------------------------------------------------

def _anchor(geom) -> tuple[float, float]:
    """Return (lat, lng) of a label anchor well inside ``geom`` (pole of inaccessibility)."""
    if geom.geom_type == "Point":
        return float(geom.y), float(geom.x)
    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    p = shapely.ops.polylabel(part, tolerance=0.002) if part.geom_type == "Polygon" else part.representative_point()
    return float(p.y), float(p.x)


@lru_cache(maxsize=4)
def _district_anchors(wkb: tuple[bytes, ...]) -> tuple[tuple[float, float], ...]:
    return tuple(_anchor(shapely.from_wkb(w)) for w in wkb)


def district_labels(inputs: MapInputs, lang: str) -> list[dict]:
    """Return one label per district: text, anchor (lat, lng), priority (larger first) and minimum zoom.

    Priority follows area: where labels would overlap the smaller district's label gives way and
    returns when zoomed in.
    """
    d = inputs.districts
    anchors = _district_anchors(tuple(shapely.to_wkb(g) for g in d.geometry))
    out = []
    for code, zh, en, area, ll in zip(d.code, d.name_zh, d.name_en, d.area_km2, anchors, strict=False):
        out.append({"id": code, "text": en if lang == "en" else zh.removesuffix("区"), "at": list(ll),
                    "prio": 100 + round(float(area) / 100, 1), "minZoom": DISTRICT_LABEL_MIN_ZOOM, "kind": "district"})
    return out


def short_name(name: str) -> str:
    """Return a zone's name without its parenthesised note, as a map label shows it.

    >>> short_name("中关村科学城（2017年起：海淀全域）"), short_name("BDA (area actually administered)")
    ('中关村科学城', 'BDA')
    """
    return re.split(r"\s*[（(]", name, maxsplit=1)[0].strip() or name


def _zone_label_text(z: dict, lang: str) -> str:
    name = short_name(str(name_of(z, lang)))
    if z["kind"] == "zgc_park":
        name = name.removeprefix("中关村") if lang == "zh" else name.removeprefix("ZGC ")
    return name


def zone_labels(zones: gpd.GeoDataFrame, lang: str) -> list[dict]:
    """Return one label per drawable zone: text, anchor, priority (science cities and E-Town first), min zoom."""
    out = []
    for z in zones[zones.geometry.notna() & zones.on_map].to_dict("records"):
        kind = z["kind"]
        prio = {"science_city": 104, "etda": 104, "jjj_zone": 70, "other": 60, "zgc_park": 40}.get(kind, 30)
        out.append({"id": z["zone_id"], "text": _zone_label_text(z, lang), "at": list(_anchor(z["geometry"])),
                    "prio": prio, "minZoom": ZOOMED_LABEL_KINDS.get(kind, 0), "kind": "zone",
                    "color": styles.zone_colour(kind)})
    return out


def region_labels(regions: gpd.GeoDataFrame, lang: str) -> list[dict]:
    """Return labels of the Jing-Jin-Ji context: Tianjin and Hebei's 11 cities (Xiong'an is named by its zone)."""
    keep = regions[(regions.level.isin(["province", "city"])) & (regions.code != BEIJING_CODE)]
    out = []
    for r in keep.to_dict("records"):
        prio = 80 if r["level"] in ("province", "new_area") else 50
        out.append({"id": r["code"], "text": name_of(r, lang),
                    "at": list(_anchor(r["geometry"])), "prio": prio, "minZoom": 0, "maxZoom": 10, "kind": "region"})
    return out


# --- geometry asset -------------------------------------------------------------------------------

def display_geometry(gdf: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """Return ``gdf`` in the datum of the basemap: GCJ-02 for AMap tiles, WGS-84 otherwise."""
    if basemap != "amap":
        return gdf
    out = gdf.copy()
    out["geometry"] = [geometry_wgs84_to_gcj02(g) if g is not None else None for g in gdf.geometry]
    return out


def _geojson_by_id(gdf: gpd.GeoDataFrame, key: str) -> dict[str, dict]:
    return {str(k): shapely.geometry.mapping(g) for k, g in zip(gdf[key], gdf.geometry, strict=False)}


def _round_coords(obj):
    if isinstance(obj, float):
        return round(obj, 4)
    if isinstance(obj, (list, tuple)):
        return [_round_coords(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _round_coords(v) for k, v in obj.items()}
    return obj


#: Schematic outlines are drawn from published areas, not surveyed: the browser gets them simplified
#: to this tolerance (degrees, ≈ 50 m), which halves the geometry it downloads.
SCHEMATIC_TOLERANCE = 0.0005


def geometry_asset(inputs: MapInputs, basemap: str, part: str = "main") -> tuple[str, str]:
    """Return ``(file name, JSON text)`` of geometry the renderer draws, in the basemap's datum.

    ``part="main"``: ``d`` district geometry by code, ``z`` zone geometry by zone id (polygons and
    points; schematic ones simplified, :data:`SCHEMATIC_TOLERANCE`) of the Beijing layers.
    ``part="regions"``: ``r`` the Jing-Jin-Ji context regions by code and ``z`` that layer's zones,
    fetched only when it is shown. The name carries a
    hash of the content, so a browser may cache it for good and several processes may write it.
    """
    datum = "gcj02" if basemap == "amap" else "wgs84"
    zones = inputs.zones[inputs.zones.geometry.notna() & inputs.zones.on_map].copy()
    schematic = (zones.geometry_quality == "schematic").to_numpy()
    zones.loc[schematic, "geometry"] = shapely.simplify(zones.geometry[schematic].to_numpy(),
                                                        SCHEMATIC_TOLERANCE, preserve_topology=True)
    jjj = zones.kind.isin(styles.LAYER_ZONE_KINDS["jjj"]).to_numpy()
    if part == "regions":  # the Jing-Jin-Ji layer: regions and its zones (雄安, 滨海, the sub-centre…)
        regions = display_geometry(inputs.regions[inputs.regions.level.isin(["province", "city"])], basemap)
        geo = _round_coords({"r": _geojson_by_id(regions, "code"),
                             "z": _geojson_by_id(display_geometry(zones[jjj], basemap), "zone_id")})
    else:
        districts = display_geometry(inputs.districts, basemap)
        geo = _round_coords({"d": _geojson_by_id(districts, "code"),
                             "z": _geojson_by_id(display_geometry(zones[~jjj], basemap), "zone_id")})
    text = json.dumps(geo, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"atlas-{'regions' if part == 'regions' else 'geo'}-{datum}-{digest}.json", text


def merge_geometry(main: dict, regions: dict) -> dict:
    """Return the two geometry assets as one (what the renderer builds when it fetched both)."""
    return {"d": main["d"], "z": {**main["z"], **regions.get("z", {})}, "r": regions.get("r", {})}


# --- the model ------------------------------------------------------------------------------------

def model_years(inputs: MapInputs, indicator: str) -> list[int]:
    """Return the years the model carries for ``indicator`` (those with any district value)."""
    return years_with_data(inputs.indicators, indicator) or [2024]


def _zone_feature(z: dict, lang: str) -> dict:
    quality = z["geometry_quality"]
    lines = [str(name_of(z, lang)), t("map.quality." + quality, lang)]
    if pd.notna(z.get("area_km2")):
        lines.append(t("map.area", lang, area=f"{float(z['area_km2']):g}"))
    if pd.notna(z.get("year")):
        lines.append(t("map.since", lang, year=int(z["year"])))
    if z.get("source_url") or z.get("source_note"):  # the published area and year say where they come from
        lines.append(f"{t('common.source', lang)}: {_source_lead(z, 'official', lang)}")
    point = z["geometry"].geom_type == "Point"
    style = styles.zone_style(z["kind"], quality)
    return {"id": z["zone_id"], "kind": z["kind"], "q": quality, "point": point, "style": style, "tip": lines,
            "warn": quality in ("schematic", "point")}


def _frame(inputs: MapInputs, state: ViewState, classes: Classes, shared: dict[str, list]) -> tuple[dict, list]:
    """Return one year's frame of the model and its legend items (the title line kept apart).

    Per district: ``f`` fill, ``s`` status, ``v`` value text, ``r`` rank, ``src`` index into
    ``shared["sources"]``, ``k`` indexes into ``shared["designations"]`` (strong, in force).
    """
    frame = district_frame(inputs, state)
    items = legend_items(inputs, state, frame, classes)
    legend = [asdict(i) for i in items if not i.title]
    lang = state.lang
    cells = {}
    for r in frame.to_dict("records"):
        cell: dict = {"f": classes.color(r["value"]), "s": r["status"], "v": value_text(r, state)}
        if not pd.isna(r["rank"]):
            cell["r"] = int(r["rank"])
        if r["status"]:
            cell["src"] = _intern(shared["sources"], _source_title(r, lang))
        if r["strong"] and "strong" in state.layers:
            cell["k"] = [_intern(shared["designations"], _designation_label(d, lang)) for d in r["strong"]]
        cells[r["code"]] = cell
    title = next((i.label for i in items if i.title), "")
    return {
        "d": cells,
        "zones": list(zones_in_view(inputs.zones, state).zone_id),
        "legendTitle": title,
        "title": map_title(state, frame),
        "banner": demo_banner(frame, state),
        "source": source_line(inputs, state, frame),
        "summary": _summary(inputs, state, frame),
    }, legend


def _intern(table: list, value: object) -> int:
    if value not in table:
        table.append(value)
    return table.index(value)


def layer_model(inputs: MapInputs, state: ViewState, geometry_url: str | None = None,
                years: list[int] | None = None, regions_url: str | None = None) -> dict:
    """Return the JSON-able layer model of ``state`` for every year of its indicator.

    ``state.year`` is the year shown first; ``geometry_url`` is where the renderer fetches the
    geometry asset (None: the caller inlines it, as the HTML export does).
    """
    lang = state.lang
    years = years or model_years(inputs, state.indicator)
    fixed = classes_for(inputs, state) if state.fixed_breaks else None
    frames: dict[str, dict] = {}
    legends: list[list] = []
    legend_index: dict[str, int] = {}
    shared: dict[str, list] = {"sources": [], "designations": []}
    for y in years:
        s = state.with_(year=y)
        frame, legend = _frame(inputs, s, fixed or classes_for(inputs, s), shared)
        key = json.dumps(legend, ensure_ascii=False, sort_keys=True)
        if key not in legend_index:
            legend_index[key] = len(legends)
            legends.append(legend)
        frame["legend"] = legend_index[key]
        frames[str(y)] = frame
    drawable = inputs.zones[inputs.zones.geometry.notna() & inputs.zones.on_map]
    zone_kinds = [k for layer in state.layers for k in styles.LAYER_ZONE_KINDS.get(layer, ())]
    shown_zones = drawable[drawable.kind.isin(zone_kinds)]
    names = {c: (zh, en) for c, zh, en in zip(inputs.districts.code, inputs.districts.name_zh, inputs.districts.name_en, strict=False)}
    basemap = BASEMAP_TILES.get(state.basemap)
    labels = []
    if "districts" in state.layers or "strong" in state.layers:
        labels += district_labels(inputs, lang)
    labels += zone_labels(shown_zones, lang)
    if "jjj" in state.layers:
        labels += region_labels(inputs.regions, lang)
    labels = unique_labels(labels)
    return {
        "v": 1,
        "lang": lang,
        "geometry": geometry_url,
        "regionsGeometry": regions_url if "jjj" in state.layers else None,
        "bounds": [list(p) for p in view_bounds(inputs, state)],
        "basemap": basemap,
        "layers": {"districts": "districts" in state.layers, "strong": "strong" in state.layers,
                   "regions": "jjj" in state.layers},
        "years": years,
        "year": state.year if str(state.year) in frames else years[-1],
        "districts": [{"id": c, "name": names[c][1] if lang == "en" else names[c][0],
                       "names": f"{names[c][0]} · {names[c][1]}"} for c in names],
        "zones": [_zone_feature(z, lang) for z in shown_zones.to_dict("records")],
        "labels": labels,
        "selected": list(state.districts),
        "style": styles.style_table(),
        "legends": legends,
        "frames": frames,
        "sources": shared["sources"],
        "designations": shared["designations"],
        "text": _renderer_text(lang),
    }


def unique_labels(labels: list[dict]) -> list[dict]:
    """Return labels highest priority first, without one whose text a higher one already shows (天津市 zone and region)."""
    seen: set[str] = set()
    out = []
    for lb in sorted(labels, key=lambda x: -x["prio"]):
        if lb["text"] not in seen:
            seen.add(lb["text"])
            out.append(lb)
    return out


def _renderer_text(lang: str) -> dict:
    keys = ("play", "pause", "year", "map_label", "legend", "keys_help", "slider", "no_data", "zoom_in", "zoom_out")
    text: dict = {k: t(f"carto.ui.{k}", lang) for k in keys}
    text.update({"rank": t("carto.tip.rank", lang, rank="{rank}", n=len(BEIJING_DISTRICTS)),
                 "yearOf": t("carto.tip.year", lang, year="{year}"), "source": t("common.source", lang),
                 "marks": _marks(lang), "status": {s: status_label(s, lang) for s in ("", "official", "derived", "demo")},
                 "strong": t("legend.strong", lang), "strongMark": styles.STRONG_MARK})
    return text
