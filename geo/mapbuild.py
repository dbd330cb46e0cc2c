"""Build the atlas map as folium objects (never rendered here).

The page shows a *base map* (tiles, view) and a list of *layer groups* that streamlit-folium
can swap without reloading the map (``feature_group_to_add``), so a year change recolours the
districts instead of rebuilding the page. :func:`build_map` puts base, layers, legend and source
line together for exports and standalone HTML.

Every text that comes from data is escaped (:func:`html.escape`) before it reaches a tooltip:
Leaflet renders tooltips as HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import folium
import geopandas as gpd
import pandas as pd
import shapely

from geo.classify import NO_DATA_COLOR, Classes, classify
from geo.crs import geometry_wgs84_to_gcj02
from geo.i18n import format_value, t, unit_label
from geo.indicators import INDICATORS, district_values
from geo.names import BEIJING_DISTRICTS
from geo.state import ViewState

__all__ = ["MapInputs", "LEAFLET_JS", "LEAFLET_CSS", "BASEMAP_TILES", "district_frame", "classes_for",
           "build_base_map", "build_layers", "legend_html", "source_line", "build_map", "zones_in_view",
           "strong_districts", "BEIJING_BOUNDS", "view_bounds", "demo_banner", "attach_overlays", "LABEL_CSS"]

LEAFLET_JS = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
BEIJING_BOUNDS = ((39.44, 115.42), (41.06, 117.51))
JJJ_BOUNDS = ((36.0, 113.4), (42.7, 119.9))
BASEMAP_TILES = {  # optional; the map works without them (no internet = no tiles, nothing else lost)
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors", None),
    "amap": ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "© 高德地图 AutoNavi (GCJ-02)", "1234"),
}
ZONE_STYLE = {  # kind -> (colour, label key)
    "science_city": ("#d62728", "legend.science_cities"),
    "zgc_park": ("#9467bd", "legend.zgc_parks"),
    "etda": ("#ff7f0e", "legend.etda"),
    "jjj_zone": ("#2ca02c", "legend.jjj"),
    "other": ("#2ca02c", "legend.jjj"),
}
STRONG_STAGES = ("designated", "candidate")


@dataclass(frozen=True)
class MapInputs:
    """The data a map is drawn from (all WGS-84)."""

    districts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    designations: pd.DataFrame
    indicators: pd.DataFrame


# --- data for the district layer ------------------------------------------------------------------

def _bare(df: pd.DataFrame) -> pd.DataFrame:
    """Return a shallow view of ``df`` without ``attrs``.

    pandas deep-copies ``attrs`` (our provenance records) on every filter and merge; on the small
    tables of a map rerun that copying costs more than the work itself.
    """
    if not df.attrs:
        return df
    out = df.copy(deep=False)
    out.attrs = {}
    return out


def district_frame(inputs: MapInputs, state: ViewState) -> pd.DataFrame:
    """Return one row per district: code, names, value, unit, status, source, rank, strong designations."""
    values = district_values(_bare(inputs.indicators), state.indicator, state.year)
    d = _bare(inputs.districts)[["code", "name_zh", "name_en"]].merge(values, left_on="code", right_on="region_code")
    strong = strong_districts(_bare(inputs.designations), state.year)
    d["strong"] = d["code"].map(lambda c: strong.get(c, []))
    return d.drop(columns="region_code")


def strong_districts(designations: pd.DataFrame, year: int) -> dict[str, list[dict]]:
    """Return ``{code: [designation rows]}`` for districts designated (or candidates) by ``year``."""
    d = designations[(designations.subject == "district") & designations.stage.isin(STRONG_STAGES)
                     & designations.year.notna()]
    d = d[d.year.astype(int) <= year]
    out: dict[str, list[dict]] = {}
    for row in d.to_dict("records"):
        out.setdefault(row["district_code"], []).append(row)
    return out


def classes_for(inputs: MapInputs, state: ViewState) -> Classes:
    """Return the colour classes: fixed across all years by default, else from this year's values."""
    ind = inputs.indicators
    d = ind[(ind.indicator == state.indicator) & ind.region_code.isin(list(BEIJING_DISTRICTS))]
    if not state.fixed_breaks:
        d = d[d.year == state.year]
    return classify(pd.to_numeric(d["value"], errors="coerce").tolist(), state.classification)


# --- geometry -------------------------------------------------------------------------------------

def _display(gdf: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """Return ``gdf`` in the datum of the basemap: GCJ-02 for AMap tiles, WGS-84 otherwise."""
    if basemap != "amap":
        return gdf
    out = gdf.copy()
    out["geometry"] = [geometry_wgs84_to_gcj02(g) if g is not None else None for g in gdf.geometry]
    return out


@lru_cache(maxsize=8)
def _geometry_json(key: str, wkb_hex: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(json.dumps(shapely.geometry.mapping(shapely.from_wkb(bytes.fromhex(w))), separators=(",", ":"))
                 for w in wkb_hex)


def _feature_collection(gdf: gpd.GeoDataFrame, props: list[dict], key: str) -> dict:
    """Build a GeoJSON dict; geometry serialisation is cached per (layer, datum) across reruns."""
    wkb = tuple(shapely.to_wkb(g, hex=True) for g in gdf.geometry)
    geoms = _geometry_json(key, wkb)
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": json.loads(g)}
                         for p, g in zip(props, geoms)]}


def view_bounds(inputs: MapInputs, state: ViewState) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return ((south, west), (north, east)) to show: selected districts, JJJ, or Beijing."""
    if state.districts:
        sel = inputs.districts[inputs.districts.code.isin(state.districts)]
        minx, miny, maxx, maxy = sel.total_bounds
        # a margin of a fifth on each side: the selection sits in context, clear of the map's edges
        dx, dy = (maxx - minx) * 0.2, (maxy - miny) * 0.2
        return (float(miny - dy), float(minx - dx)), (float(maxy + dy), float(maxx + dx))
    if "jjj" in state.layers:
        return JJJ_BOUNDS
    return BEIJING_BOUNDS


# --- text -----------------------------------------------------------------------------------------

def _status_label(status: str, lang: str) -> str:
    return t(f"status.{status}", lang) if status else t("status.none", lang)


def _short(text: str, n: int = 140) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _district_tip(r: dict, state: ViewState) -> str:
    lang = state.lang
    ind = INDICATORS[state.indicator]
    name = f"{escape(r['name_zh'])} · {escape(r['name_en'])}"
    value = format_value(r["value"], r["unit"] or ind.unit, lang)
    rank = "" if pd.isna(r["rank"]) else t("map.rank", lang, rank=int(r["rank"]), n=16)
    status = r["status"]
    flag = f"<b style='color:#b30000'>⚠ {escape(t('status.demo', lang))}</b>" if status == "demo" else \
        escape(_status_label(status, lang))
    lines = [f"<b>{name}</b>",
             f"{escape(ind.name_en if lang == 'en' else ind.name_zh)} ({state.year}): <b>{escape(value)}</b> {rank}",
             f"{escape(t('map.status', lang))}: {flag}"]
    if status:
        lines.append(f"{escape(t('common.source', lang))}: {escape(_short(r['source_note']))}")
        lines.append(f"<span style='color:#555'>{escape(_short(r['source_url'], 90))}</span>")
        if r["formula"]:
            lines.append(f"<i>{escape(_short(r['formula'], 120))}</i>")
    for d in r["strong"]:
        label = d["designation_en"] if lang == "en" else d["designation_zh"]
        lines.append(f"★ {escape(str(label))} ({int(d['year'])})")
    return "<div style='max-width:340px;white-space:normal'>" + "<br>".join(lines) + "</div>"


def _zone_tip(z: dict, lang: str) -> str:
    name = escape(str(z["name_en"] if lang == "en" else z["name_zh"]))
    quality = z["geometry_quality"]
    lines = [f"<b>{name}</b>"]
    if quality in ("schematic", "point"):
        lines.append(f"<b style='color:#b35900'>{escape(t('map.quality.' + quality, lang))}</b>")
    else:
        lines.append(escape(t("map.quality." + quality, lang)))
    if pd.notna(z.get("area_km2")):
        lines.append(escape(t("map.area", lang, area=f"{float(z['area_km2']):g}")))
    if pd.notna(z.get("year")):
        lines.append(escape(t("map.since", lang, year=int(z["year"]))))
    lines.append(f"{escape(t('common.source', lang))}: {escape(_short(z['source_url'], 90))}")
    return "<div style='max-width:320px;white-space:normal'>" + "<br>".join(lines) + "</div>"


# --- zones in view --------------------------------------------------------------------------------

#: Extents that replace each other over time: the one in force in the chosen year is drawn.
EXTENTS = {
    "sc_zgc_pre2017": (None, 2016), "sc_zgc": (2017, None),
    "sc_huairou_2017": (2017, 2017), "sc_huairou": (2018, None),
    "sc_future_phase1": (None, 2016), "sc_future": (2017, None),
    "etda_bda_2002": (None, 2009), "etda_bda_2010": (2010, 2018), "etda_yizhuang_newtown": (2019, None),
}
LAYER_KINDS = {
    "science_cities": ("science_city",),
    "zgc_parks": ("zgc_park",),
    "etda": ("etda",),
    "jjj": ("jjj_zone", "other"),
}


def zones_in_view(zones: gpd.GeoDataFrame, state: ViewState) -> gpd.GeoDataFrame:
    """Return the zones drawn for ``state``: kinds of the visible layers, the extent in force that year."""
    kinds = [k for layer in state.layers for k in LAYER_KINDS.get(layer, ())]
    bare = _bare(zones)
    mask = (bare.kind.isin(kinds) & bare.geometry.notna()).to_numpy()
    keep = []
    for index, zone_id, kind, year in zip(bare.index[mask], bare.zone_id[mask], bare.kind[mask], bare.year[mask]):
        lo, hi = EXTENTS.get(zone_id, (None, None))
        yr = year if pd.notna(year) else None
        if lo is not None and state.year < lo:
            continue
        if hi is not None and state.year > hi:
            continue
        if lo is None and hi is None and yr is not None and yr > state.year and kind != "zgc_park":
            continue
        if zone_id in ("jjj_beijing",):
            continue
        keep.append(index)
    return zones.loc[keep]


def _district_props(frame: pd.DataFrame, classes: Classes, state: ViewState) -> list[dict]:
    selected = set(state.districts)
    return [{"code": r["code"], "fill": classes.color(r["value"]), "demo": r["status"] == "demo",
             "sel": r["code"] in selected, "dim": bool(selected) and r["code"] not in selected,
             "tip": _district_tip(r, state)} for r in frame.to_dict("records")]


def _label_html(r: dict, lang: str) -> str:
    label = r["name_en"] if lang == "en" else r["name_zh"].removesuffix("区")
    return f"<div class='atlas-label'>{escape(label)}</div>"


# --- folium objects -------------------------------------------------------------------------------

def build_base_map(inputs: MapInputs, state: ViewState) -> folium.Map:
    """Return the base map: local Leaflet only, optional tiles, no data layers."""
    (s, w), (n, e) = view_bounds(inputs, state)
    m = folium.Map(location=[(s + n) / 2, (w + e) / 2], zoom_start=9, tiles=None, control_scale=True,
                   prefer_canvas=False, zoom_snap=0.25)
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    if state.basemap in BASEMAP_TILES:
        url, attr, subdomains = BASEMAP_TILES[state.basemap]
        kwargs = {"subdomains": subdomains} if subdomains else {}
        folium.TileLayer(url, attr=attr, name=state.basemap, max_zoom=18, **kwargs).add_to(m)
    m.fit_bounds([[s, w], [n, e]])
    return m


def build_layers(inputs: MapInputs, state: ViewState, frame: pd.DataFrame | None = None,
                 classes: Classes | None = None) -> list[folium.FeatureGroup]:
    """Return the visible data layers, bottom to top, as feature groups."""
    lang = state.lang
    frame = district_frame(inputs, state) if frame is None else frame
    classes = classes_for(inputs, state) if classes is None else classes
    groups: list[folium.FeatureGroup] = []
    districts = _display(inputs.districts, state.basemap)

    if "jjj" in state.layers:
        g = folium.FeatureGroup(name="jjj_regions")
        reg = _display(inputs.regions[inputs.regions.level.isin(["province", "city"])], state.basemap)
        props = [{"tip": f"<b>{escape(r['name_zh'])} · {escape(r['name_en'])}</b><br>"
                         f"{escape(t('map.quality.administrative', lang))}"} for r in reg.to_dict("records")]
        folium.GeoJson(_feature_collection(reg, props, f"regions-{state.basemap}"),
                       style_function=lambda f: {"color": "#2ca02c", "weight": 1.2, "fillColor": "#2ca02c",
                                                 "fillOpacity": 0.04},
                       tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False)).add_to(g)
        groups.append(g)

    if "districts" in state.layers:
        g = folium.FeatureGroup(name="districts")
        records = frame.to_dict("records")
        props = _district_props(frame, classes, state)
        folium.GeoJson(
            _feature_collection(districts, props, f"districts-{state.basemap}"),
            style_function=_district_style,
            highlight_function=lambda f: {"weight": 3, "color": "#000"},
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        ).add_to(g)
        for r, geom in zip(records, districts.geometry):
            p = geom.representative_point()
            folium.Marker([p.y, p.x], icon=folium.DivIcon(
                html=_label_html(r, lang), icon_size=(60, 14), icon_anchor=(30, 7),
                class_name="atlas-label-icon"), interactive=False).add_to(g)  # hover and clicks pass through
        groups.append(g)

    if "strong" in state.layers:
        g = folium.FeatureGroup(name="strong")
        strong = frame[frame.strong.map(bool)]
        if len(strong):
            geo = districts.set_index("code").loc[strong.code]
            props = [{"tip": _district_tip(r, state)} for r in strong.to_dict("records")]
            folium.GeoJson(_feature_collection(geo.reset_index(), props, f"strong-{state.basemap}"),
                           style_function=lambda f: {"color": "#111", "weight": 3.5, "fill": False,
                                                     "dashArray": None},
                           tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False)).add_to(g)
            for r, geom in zip(strong.to_dict("records"), geo.geometry):
                p = geom.representative_point()
                folium.Marker([p.y - 0.035, p.x], icon=folium.DivIcon(
                    html="<div class='atlas-star'>★</div>", icon_size=(18, 18), icon_anchor=(9, 9),
                    class_name="atlas-star-icon"),
                    tooltip=folium.Tooltip(_district_tip(r, state))).add_to(g)
        groups.append(g)

    zones = _display(zones_in_view(inputs.zones, state), state.basemap)
    if len(zones):
        g = folium.FeatureGroup(name="zones")
        polys = zones[zones.geom_type.isin(["Polygon", "MultiPolygon"])]
        if len(polys):
            props = [{"kind": z["kind"], "q": z["geometry_quality"], "tip": _zone_tip(z, lang)}
                     for z in polys.to_dict("records")]
            folium.GeoJson(_feature_collection(polys, props, f"zones-{state.basemap}-{state.year}-{state.layers}"),
                           style_function=_zone_style,
                           highlight_function=lambda f: {"weight": 4},
                           tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True)).add_to(g)
        for z in zones[zones.geom_type == "Point"].to_dict("records"):
            colour = ZONE_STYLE.get(z["kind"], ("#555", ""))[0]
            folium.CircleMarker([z["geometry"].y, z["geometry"].x], radius=6, color=colour, weight=2,
                                dash_array="3 3", fill=True, fill_opacity=0.3,
                                tooltip=folium.Tooltip(_zone_tip(z, lang))).add_to(g)
        groups.append(g)
    return groups


def _district_style(feature: dict) -> dict:
    p = feature["properties"]
    style = {"fillColor": p["fill"], "fillOpacity": 0.85, "color": "#ffffff", "weight": 1.2}
    if p["demo"]:
        style.update({"color": "#7a0000", "weight": 1.4, "dashArray": "2 4"})
    if p["sel"]:
        style.update({"color": "#000000", "weight": 3, "dashArray": None})
    if p["dim"]:
        style.update({"fillOpacity": 0.35})
    return style


def _zone_style(feature: dict) -> dict:
    p = feature["properties"]
    colour = ZONE_STYLE.get(p["kind"], ("#555", ""))[0]
    style = {"color": colour, "weight": 2.2, "fillColor": colour, "fillOpacity": 0.12}
    if p["q"] == "schematic":
        style["dashArray"] = "6 5"
    if p["kind"] in ("jjj_zone", "other"):
        style["fillOpacity"] = 0.06
    return style


# --- legend and source line -----------------------------------------------------------------------

LABEL_CSS = """<style>
.atlas-label{font:600 11px/14px 'Noto Sans CJK SC','Noto Sans SC',sans-serif;color:#222;text-align:center;
 text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;white-space:nowrap;pointer-events:none}
.atlas-label-icon,.atlas-star-icon{background:none;border:none}
.atlas-star{font-size:16px;color:#111;text-shadow:0 0 3px #fff}
</style>"""


def legend_html(inputs: MapInputs, state: ViewState, frame: pd.DataFrame, classes: Classes) -> str:
    """Return the legend as an HTML block (every text escaped); it lists only visible layers."""
    lang = state.lang
    ind = INDICATORS[state.indicator]
    parts = []
    if "districts" in state.layers:
        statuses = sorted(set(frame.status) - {""})
        status_text = " / ".join(_status_label(s, lang) for s in statuses) or t("status.none", lang)
        unit = unit_label(ind.unit, lang)
        name = ind.name_en if lang == "en" else ind.name_zh
        unit_part = f" ({escape(unit)})" if unit and unit not in name else ""
        parts.append(f"<div class='lg-title'>{escape(name)}{unit_part} · {state.year}</div>")
        parts.append(f"<div class='lg-sub'>{escape(t('map.classification', lang))}: "
                     f"{escape(t('cls.' + state.classification, lang))}"
                     f"{escape(t('map.fixed_breaks', lang) if state.fixed_breaks else '')}</div>")
        parts.append(f"<div class='lg-sub'>{escape(t('map.status', lang))}: <b>{escape(status_text)}</b></div>")
        for colour, label in zip(classes.colors, classes.labels(_fmt_break)):
            parts.append(f"<div><span class='sw' style='background:{colour}'></span>{escape(label)}</div>")
        parts.append(f"<div><span class='sw' style='background:{NO_DATA_COLOR}'></span>"
                     f"{escape(t('status.none', lang))}</div>")
        if "demo" in statuses:
            parts.append(f"<div><span class='sw' style='background:#fff;border:2px dotted #7a0000'></span>"
                         f"<b style='color:#b30000'>{escape(t('legend.demo_outline', lang))}</b></div>")
    if "strong" in state.layers:
        parts.append(f"<div><span class='sw' style='background:#fff;border:3px solid #111'></span>★ "
                     f"{escape(t('legend.strong', lang))}</div>")
    shown = zones_in_view(inputs.zones, state)
    seen = []
    for kind in shown.kind.unique():
        colour, key = ZONE_STYLE.get(kind, ("#555", "legend.jjj"))
        if key in seen:
            continue
        seen.append(key)
        parts.append(f"<div><span class='sw' style='background:{colour}22;border:2px dashed {colour}'></span>"
                     f"{escape(t(key, lang))}</div>")
    if len(shown) and (shown.geometry_quality == "schematic").any():
        parts.append(f"<div class='lg-sub'>{escape(t('legend.schematic', lang))}</div>")
    if "jjj" in state.layers:
        parts.append(f"<div><span class='sw' style='background:#2ca02c0a;border:1.5px solid #2ca02c'></span>"
                     f"{escape(t('legend.jjj_regions', lang))}</div>")
    return ("<div class='atlas-legend'><style>.atlas-legend{font:13px/1.45 'Noto Sans CJK SC',sans-serif;"
            "background:#fff;padding:8px 10px;border:1px solid #bbb;border-radius:4px;color:#222}"
            ".atlas-legend .lg-title{font-weight:700;font-size:14px}.atlas-legend .lg-sub{color:#444;font-size:12px}"
            ".atlas-legend .sw{display:inline-block;width:22px;height:12px;margin-right:6px;vertical-align:middle;"
            "border:1px solid #999}</style>" + "".join(parts) + "</div>")


def _fmt_break(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"


def source_line(inputs: MapInputs, state: ViewState, frame: pd.DataFrame) -> str:
    """Return the plain-text source line shown under every map."""
    lang = state.lang
    parts = []
    if "districts" in state.layers:
        statuses = set(frame.status)
        if "demo" in statuses:
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


def build_map(inputs: MapInputs, state: ViewState) -> folium.Map:
    """Return a complete map (base, layers, legend, source line) for exports and standalone HTML."""
    frame = district_frame(inputs, state)
    classes = classes_for(inputs, state)
    m = build_base_map(inputs, state)
    for g in build_layers(inputs, state, frame, classes):
        g.add_to(m)
    attach_overlays(m, inputs, state, frame, classes)
    return m


def attach_overlays(m: folium.Map, inputs: MapInputs, state: ViewState, frame: pd.DataFrame,
                    classes: Classes) -> None:
    """Add the label styles, legend, demo banner and source line onto the map itself."""
    root = m.get_root()
    root.header.add_child(folium.Element(LABEL_CSS))
    legend = legend_html(inputs, state, frame, classes)
    html = f"<div style='position:absolute;bottom:28px;left:10px;z-index:1000;max-width:300px'>{legend}</div>"
    banner = demo_banner(frame, state)
    if banner:
        html += ("<div class='atlas-demo-banner' style='position:absolute;top:10px;left:50%;transform:translateX(-50%);"
                 "z-index:1000;background:#fff3f3;border:2px solid #b30000;color:#b30000;padding:4px 12px;"
                 f"font:700 14px sans-serif;border-radius:4px'>⚠ {escape(banner)}</div>")
    html += ("<div style='position:absolute;bottom:2px;left:10px;right:120px;z-index:1000;font:11px sans-serif;"
             f"color:#333;background:#ffffffcc;padding:1px 4px'>{escape(source_line(inputs, state, frame))}</div>")
    root.html.add_child(folium.Element(html))
