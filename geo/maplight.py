"""The map page's light layers: geometry sent once as a static asset, per-view data as small specs.

:func:`geo.mapbuild.build_layers` (exports, standalone HTML) writes every layer as self-contained
folium GeoJSON. The page instead loads the district and zone outlines once, as a content-hashed
static JavaScript file the browser caches (:func:`geometry_asset`), and each rerun sends only what
changes with the view: properties, styles and tooltips (:func:`layer_specs`), drawn in the browser
by :data:`ATLAS_LAYER_JS`. Tooltips, styles and labels come from the same helpers as
``build_layers``, so both draw the same map (a test compares them).
"""

from __future__ import annotations

import hashlib
import json
from html import escape

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo.classify import Classes
from geo.i18n import t
from geo.mapbuild import (
    ZONE_STYLE,
    MapInputs,
    _display,
    _district_props,
    _district_style,
    _district_tip,
    _geometry_json,
    _label_html,
    _zone_style,
    _zone_tip,
    classes_for,
    district_frame,
    zones_in_view,
)
from geo.state import ViewState

__all__ = ["ASSET_ZONE_KINDS", "ATLAS_LAYER_JS", "geometry_asset", "layer_specs", "select_districts", "spec_layers",
           "use_geometry_asset"]

# --- the page's light layers: geometry sent once as a static asset, per-view data as small specs ---
#
# ``build_layers`` embeds every polygon in the layer's script, and streamlit-folium re-sends all of
# it on every rerun (a year change sent ~190 KB and spent ~90 ms in folium's templates). The page
# instead loads the geometry of the districts and zones once, as a static JavaScript asset that
# the browser caches (``geometry_asset``), and each rerun sends only what changes with the view:
# per-feature properties, styles and tooltips (``layer_specs``), drawn by ``ATLAS_LAYER_JS``. The
# specs come from the same helpers as ``build_layers`` (tooltips, styles, labels), so both draw the
# same map; ``build_map`` (exports, standalone HTML) keeps the self-contained folium layers.

#: Zone kinds whose geometry ships in the asset (the Jing-Jin-Ji layer stays inline: off by default).
ASSET_ZONE_KINDS = ("science_city", "zgc_park", "etda")

#: Draws one spec into a Leaflet feature group, with the same Leaflet calls folium writes for
#: GeoJson + GeoJsonTooltip (labels=False) + highlight, Marker + DivIcon + Tooltip, CircleMarker.
ATLAS_LAYER_JS = r"""
window.atlasAddLayer = function (group, spec) {
  var G = window.ATLAS_GEO || {}, T = spec.T || [];
  function str(x) {  // a packed string: a list of literal parts and indexes into T
    return Array.isArray(x) ? x.map(function (v) { return typeof v === 'number' ? T[v] : v; }).join('') : x;
  }
  (spec.geojson || []).forEach(function (g) {
    g.features.forEach(function (f) { if (f.p && f.p.tip !== undefined) f.p.tip = str(f.p.tip); });
  });
  (spec.markers || []).concat(spec.circles || []).forEach(function (m) { if (m.tip) m.tip = str(m.tip); });
  function tipOf(layer) {
    var div = L.DomUtil.create('div');
    var tip = layer.feature.properties.tip;
    div.innerHTML = '<table><tr><td>' + (tip === null || tip === undefined ? '' : tip) + '</td></tr></table>';
    return div;
  }
  (spec.geojson || []).forEach(function (g) {
    var styles = new Map(), feats = [];
    g.features.forEach(function (f) {
      var geom = f.g || (G[g.src] || {})[f.id];
      if (!geom) { console.warn('atlas: no geometry for', f.id); return; }
      var feat = {type: 'Feature', properties: f.p, geometry: geom};
      styles.set(feat, f.s || g.style);
      feats.push(feat);
    });
    var layer = L.geoJson(null, {
      onEachFeature: function (feature, l) {
        if (!g.hl) return;
        l.on({
          mouseout: function (e) { if (typeof e.target.setStyle === 'function') layer.resetStyle(e.target); },
          mouseover: function (e) { if (typeof e.target.setStyle === 'function') e.target.setStyle(g.hl); }
        });
      },
      style: function (feature) { return styles.get(feature); }
    });
    layer.addData({type: 'FeatureCollection', features: feats});
    if (g.tip) layer.bindTooltip(tipOf, {sticky: true, className: 'foliumtooltip'});
    layer.addTo(group);
  });
  (spec.markers || []).forEach(function (m) {
    var ll = m.ll || [G.lp[m.at][0] + (m.dy || 0), G.lp[m.at][1]];
    var marker = L.marker(ll, {interactive: !!m.tip}).addTo(group);  // labels let hover and clicks through
    if (m.tip) marker.bindTooltip('<div>' + m.tip + '</div>', {sticky: true});
    marker.setIcon(L.divIcon(m.icon));
  });
  (spec.circles || []).forEach(function (c) {
    var circle = L.circleMarker(c.ll, c.o).addTo(group);
    if (c.tip) circle.bindTooltip('<div>' + c.tip + '</div>', {sticky: true});
  });
};
"""


def _datum(basemap: str) -> str:
    return "gcj02" if basemap == "amap" else "wgs84"


def _geometry_dict(gdf: gpd.GeoDataFrame, key: str) -> dict:
    return {k: json.loads(j) for k, j in
            zip(gdf[key], _geometry_json(f"{key}-asset", tuple(shapely.to_wkb(g, hex=True) for g in gdf.geometry)))}


def geometry_asset(inputs: MapInputs, basemap: str) -> tuple[str, str]:
    """Return ``(file name, JavaScript)`` of the static geometry asset for the basemap's datum.

    It defines ``window.ATLAS_GEO`` (``d``: district geometry by code, ``lp``: label points by
    code, ``z``: zone geometry by zone id for :data:`ASSET_ZONE_KINDS`) and ``atlasAddLayer``.
    The name carries a hash of the content, so a browser may cache it for good.
    """
    districts = _display(inputs.districts, basemap)
    zones = inputs.zones[inputs.zones.kind.isin(ASSET_ZONE_KINDS) & inputs.zones.geometry.notna()]
    zones = _display(zones[zones.geom_type.isin(["Polygon", "MultiPolygon"])], basemap)
    points = [g.representative_point() for g in districts.geometry]
    geo = {"d": _geometry_dict(districts, "code"),
           "lp": {c: [p.y, p.x] for c, p in zip(districts.code, points)},
           "z": _geometry_dict(zones, "zone_id")}
    text = ("window.ATLAS_GEO=" + json.dumps(geo, separators=(",", ":")) + ";\n" + ATLAS_LAYER_JS)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"atlas-geo-{_datum(basemap)}-{digest}.js", text


def _icon(html: str, size: tuple[int, int], anchor: tuple[int, int], class_name: str) -> dict:
    return {"html": html, "iconSize": list(size), "iconAnchor": list(anchor), "className": class_name}


_REGION_STYLE = {"color": "#2ca02c", "weight": 1.2, "fillColor": "#2ca02c", "fillOpacity": 0.04}
_STRONG_STYLE = {"color": "#111", "weight": 3.5, "fill": False, "dashArray": None}


def layer_specs(inputs: MapInputs, state: ViewState, frame: pd.DataFrame | None = None,
                classes: Classes | None = None) -> list[dict]:
    """Return the visible layers as JSON-able specs for :data:`ATLAS_LAYER_JS`, bottom to top.

    Same layers, properties, styles, tooltips and labels as :func:`build_layers`; geometry of the
    districts and of :data:`ASSET_ZONE_KINDS` is referenced by id (it is in the asset), the rest is
    inline. Each spec has a ``name`` (the feature group's) and ``geojson``/``markers``/``circles``.
    """
    lang = state.lang
    frame = district_frame(inputs, state) if frame is None else frame
    classes = classes_for(inputs, state) if classes is None else classes
    specs: list[dict] = []

    if "jjj" in state.layers:
        reg = _display(inputs.regions[inputs.regions.level.isin(["province", "city"])], state.basemap)
        geoms = _geometry_dict(reg.assign(_key=[f"r{i}" for i in range(len(reg))]), "_key")
        feats = [{"g": g, "p": {"tip": f"<b>{escape(r['name_zh'])} · {escape(r['name_en'])}</b><br>"
                                       f"{escape(t('map.quality.administrative', lang))}"}}
                 for r, g in zip(reg.to_dict("records"), geoms.values())]
        specs.append({"name": "jjj_regions",
                      "geojson": [{"features": feats, "style": _REGION_STYLE, "tip": True}]})

    if "districts" in state.layers:
        records = frame.to_dict("records")
        props = _district_props(frame, classes, state)
        feats = [{"id": p["code"], "p": p, "s": _district_style({"properties": p})} for p in props]
        specs.append({"name": "districts",
                      "geojson": [{"src": "d", "features": feats, "tip": True, "hl": {"weight": 3, "color": "#000"}}],
                      "markers": [{"at": r["code"], "icon": _icon(_label_html(r, lang), (60, 14), (30, 7),
                                                                  "atlas-label-icon")} for r in records]})

    if "strong" in state.layers:
        strong = frame[frame.strong.map(bool)]
        spec: dict = {"name": "strong"}
        if len(strong):
            rows = strong.to_dict("records")
            tips = [_district_tip(r, state) for r in rows]
            spec["geojson"] = [{"src": "d", "style": _STRONG_STYLE, "tip": True,
                                "features": [{"id": r["code"], "p": {"tip": tip}} for r, tip in zip(rows, tips)]}]
            spec["markers"] = [{"at": r["code"], "dy": -0.035, "tip": tip,
                                "icon": _icon("<div class='atlas-star'>★</div>", (18, 18), (9, 9), "atlas-star-icon")}
                               for r, tip in zip(rows, tips)]
        specs.append(spec)

    zones = zones_in_view(inputs.zones, state)
    if len(zones):
        spec = {"name": "zones", "geojson": [], "circles": []}
        polys = zones[zones.geom_type.isin(["Polygon", "MultiPolygon"])]
        if len(polys):
            inline = _display(polys[~polys.kind.isin(ASSET_ZONE_KINDS)], state.basemap)
            inline_geom = _geometry_dict(inline, "zone_id") if len(inline) else {}
            feats = []
            for z in polys.to_dict("records"):
                p = {"kind": z["kind"], "q": z["geometry_quality"], "tip": _zone_tip(z, lang)}
                f = {"id": z["zone_id"], "p": p, "s": _zone_style({"properties": p})}
                if z["zone_id"] in inline_geom:
                    f["g"] = inline_geom[z["zone_id"]]
                feats.append(f)
            spec["geojson"].append({"src": "z", "features": feats, "tip": True, "hl": {"weight": 4}})
        for z in _display(zones[zones.geom_type == "Point"], state.basemap).to_dict("records"):
            colour = ZONE_STYLE.get(z["kind"], ("#555", ""))[0]
            marker = folium.CircleMarker([z["geometry"].y, z["geometry"].x], radius=6, color=colour, weight=2,
                                         dash_array="3 3", fill=True, fill_opacity=0.3)
            spec["circles"].append({"ll": list(marker.location), "o": marker.options, "tip": _zone_tip(z, lang)})
        specs.append(spec)
    return specs


def select_districts(specs: list[dict], districts: tuple[str, ...]) -> list[dict]:
    """Return ``specs`` (built with no district selected) with ``districts`` highlighted and the rest dimmed.

    Selection changes only the district layer's styles, so the rest of a cached view is reused.
    """
    if not districts:
        return specs
    chosen = set(districts)
    out = []
    for spec in specs:
        if spec.get("name") != "districts":
            out.append(spec)
            continue
        layers = []
        for g in spec["geojson"]:
            feats = []
            for f in g["features"]:
                p = {**f["p"], "sel": f["p"]["code"] in chosen, "dim": f["p"]["code"] not in chosen}
                feats.append({**f, "p": p, "s": _district_style({"properties": p})})
            layers.append({**g, "features": feats})
        out.append({**spec, "geojson": layers})
    return out


def _pack_tips(spec: dict) -> dict:
    """Return ``spec`` with its tooltips packed: lines shared by several tooltips are sent once.

    A tooltip becomes a list of literal parts and indexes into ``spec["T"]``; ``atlasAddLayer``
    joins them back into the very same string. Districts' tooltips repeat the source, status
    and formula lines, and strong districts repeat the districts' tooltips.
    """
    tips: list[str] = []
    for g in spec.get("geojson", []):
        tips += [f["p"]["tip"] for f in g["features"] if isinstance(f["p"].get("tip"), str)]
    tips += [m["tip"] for key in ("markers", "circles") for m in spec.get(key, []) if m.get("tip")]
    counts: dict[str, int] = {}
    for tip in tips:
        for part in tip.split("<br>"):
            counts[part] = counts.get(part, 0) + 1
        counts[tip] = counts.get(tip, 0) + 1
    shared = [part for part, n in counts.items() if n > 1 and len(part) >= 24]
    if not shared:
        return spec
    index = {part: i for i, part in enumerate(shared)}

    def pack(tip: str) -> list:
        if tip in index:
            return [index[tip]]
        out: list = []
        for i, part in enumerate(tip.split("<br>")):
            literal = "<br>" if i else ""
            if part in index:
                if literal:
                    out.append(literal)
                out.append(index[part])
            else:
                literal += part
                if out and isinstance(out[-1], str):
                    out[-1] += literal
                else:
                    out.append(literal)
        return out

    packed = json.loads(json.dumps(spec))
    for g in packed.get("geojson", []):
        for f in g["features"]:
            if isinstance(f["p"].get("tip"), str):
                f["p"]["tip"] = pack(f["p"]["tip"])
    for key in ("markers", "circles"):
        for m in packed.get(key, []):
            if m.get("tip"):
                m["tip"] = pack(m["tip"])
    packed["T"] = shared
    return packed


class _SpecLayer(MacroElement):
    """One spec drawn into its parent feature group by ``atlasAddLayer`` (defined by the asset)."""

    _template = Template("{% macro script(this, kwargs) %}\natlasAddLayer({{ this._parent.get_name() }}, "
                         "{{ this.spec_json }});\n{% endmacro %}")

    def __init__(self, spec: dict) -> None:
        super().__init__()
        self._name = "AtlasLayer"
        self.spec_json = json.dumps(_pack_tips({k: v for k, v in spec.items() if k != "name"}),
                                    separators=(",", ":"), ensure_ascii=False)


def spec_layers(specs: list[dict]) -> list[folium.FeatureGroup]:
    """Return one feature group per spec (cheap: the specs are already computed)."""
    groups = []
    for spec in specs:
        g = folium.FeatureGroup(name=spec["name"])
        _SpecLayer(spec).add_to(g)
        groups.append(g)
    return groups


class _AssetTag(MacroElement):
    """A comment naming the geometry asset in the map script: a new asset remounts the map."""

    _template = Template("{% macro script(this, kwargs) %}/* {{ this.asset }} */{% endmacro %}")

    def __init__(self, asset: str) -> None:
        super().__init__()
        self._name = "AtlasAsset"
        self.asset = asset


def use_geometry_asset(m: folium.Map, url: str) -> folium.Map:
    """Make ``m`` load the geometry asset at ``url`` (after Leaflet, before the layers are drawn)."""
    m.default_js = [*m.default_js, ("atlas_geo", url)]
    _AssetTag(url.rsplit("/", 1)[-1]).add_to(m)
    return m
