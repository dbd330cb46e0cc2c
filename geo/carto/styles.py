"""The map's one style table: every colour, outline, dash and label size the renderers use.

The page (``static/atlasmap/atlas-map.js``), presentation mode, the standalone HTML export and the
PNG/PDF export (matplotlib) all read these constants, through :func:`style_table` (JSON for the
browser) or directly (matplotlib). Change a colour here and every map changes; a test checks it.

Styles use Leaflet's path option names (``color``, ``weight``, ``fillColor``, ``fillOpacity``,
``dashArray``); :func:`mpl_dashes` turns a dash array into matplotlib's form. A style's values
mix strings, numbers and booleans, so its type is ``dict[str, Any]``.
"""

from __future__ import annotations

from typing import Any

from geo.carto.classify import NO_DATA_COLOR

__all__ = [
    "DEMO_OUTLINE",
    "DISTRICT",
    "DISTRICT_DIMMED_OPACITY",
    "FOCUS",
    "HALO",
    "INK",
    "LABEL",
    "LAYER_ZONE_KINDS",
    "MAP_BACKGROUND",
    "NO_DATA_COLOR",
    "OUTLINE",
    "POINT_ZONE",
    "REGION",
    "SELECTED",
    "STRONG",
    "WARN",
    "ZONE_KINDS",
    "ZONE_SCHEMATIC_DASH",
    "mpl_dashes",
    "style_table",
    "zone_colour",
    "zone_style",
]

#: Text on the map: near-black, with a white halo so it reads on every fill (≥ 4.5:1 on white).
INK = "#1a1a1a"
HALO = "#ffffff"
#: Warnings (demo data): dark red, 7.6:1 on white.
WARN = "#a50f15"
#: Map background when no basemap is shown (the no-data grey must differ from it).
MAP_BACKGROUND = "#f4f6f8"

#: The thin grey outline of district swatches and of districts drawn without a fill (strong layer only).
OUTLINE = "#888888"
#: District polygons: class fill, thin white borders between neighbours.
DISTRICT: dict[str, Any] = {"fillOpacity": 0.88, "color": "#ffffff", "weight": 1.2}
DISTRICT_DIMMED_OPACITY = 0.35
#: Outline of a district whose value is demo: dark red dashes, drawn above selection and strong outlines.
DEMO_OUTLINE: dict[str, Any] = {"color": WARN, "weight": 1.6, "dashArray": "3 4", "fill": False}
#: Selected districts (district filter): a wide orange band, no dashes; distinct from strong and focus.
SELECTED: dict[str, Any] = {"color": "#e8590c", "weight": 5.0, "fill": False, "opacity": 0.95}
#: Strong-IP districts: a solid black outline and a star.
STRONG: dict[str, Any] = {"color": "#111111", "weight": 3.0, "fill": False}
STRONG_MARK = "★"
#: The district that has the keyboard focus: a blue outline with a white casing.
FOCUS: dict[str, Any] = {"color": "#0b4f9c", "weight": 4.5, "fill": False}

#: Zone kinds: colour and legend key. Colours reach 3:1 against white and the map background.
ZONE_KINDS = {
    "science_city": {"color": "#c92a2a", "legend": "legend.science_cities"},
    "zgc_park": {"color": "#7048b6", "legend": "legend.zgc_parks"},
    "etda": {"color": "#c2410c", "legend": "legend.etda"},
    "jjj_zone": {"color": "#2b8a3e", "legend": "legend.jjj"},
    "other": {"color": "#2b8a3e", "legend": "legend.jjj"},
}
#: Which zone kinds each switchable layer shows.
LAYER_ZONE_KINDS = {"science_cities": ("science_city",), "zgc_parks": ("zgc_park",), "etda": ("etda",),
                    "jjj": ("jjj_zone", "other")}
ZONE_SCHEMATIC_DASH = "6 5"
ZONE_LINE: dict[str, Any] = {"weight": 2.2, "fillOpacity": 0.12}
ZONE_JJJ_FILL_OPACITY = 0.06
#: Point-only zones (no area published): a small dashed ring.
POINT_ZONE: dict[str, Any] = {"radius": 6, "weight": 2, "dashArray": "3 3", "fillOpacity": 0.3}
#: Tianjin, Hebei's cities and Beijing's outline in the Jing-Jin-Ji view.
REGION: dict[str, Any] = {"color": "#2b8a3e", "weight": 1.2, "fillColor": "#2b8a3e", "fillOpacity": 0.04}

#: Label sizes (px in the browser, pt × 1.33 in matplotlib), per kind and mode.
LABEL: dict[str, Any] = {
    "district": {"size": 12, "weight": 600},
    "zone": {"size": 11, "weight": 600},
    "region": {"size": 12, "weight": 600},
    "present_scale": 1.35,
    "halo_px": 3,
}


def zone_colour(kind: str) -> str:
    """Return the colour of a zone kind (grey for an unknown kind)."""
    return ZONE_KINDS.get(kind, {"color": "#555555"})["color"]


def zone_style(kind: str, quality: str) -> dict:
    """Return the Leaflet path style of a zone polygon: its kind's colour, dashed when schematic."""
    colour = zone_colour(kind)
    style = {"color": colour, "fillColor": colour, **ZONE_LINE}
    if quality == "schematic":
        style["dashArray"] = ZONE_SCHEMATIC_DASH
    if kind in ("jjj_zone", "other"):
        style["fillOpacity"] = ZONE_JJJ_FILL_OPACITY
    return style


def mpl_dashes(dash_array: str | None):
    """Return matplotlib's linestyle for a Leaflet dash array (``"3 4"`` → ``(0, (3, 4))``).

    >>> mpl_dashes("6 5"), mpl_dashes(None)
    ((0, (6.0, 5.0)), 'solid')
    """
    if not dash_array:
        return "solid"
    return (0, tuple(float(x) for x in dash_array.split()))


def style_table() -> dict:
    """Return the style table as JSON-able data for the browser renderer."""
    return {
        "ink": INK, "halo": HALO, "warn": WARN, "background": MAP_BACKGROUND, "noData": NO_DATA_COLOR,
        "district": DISTRICT, "dimmedOpacity": DISTRICT_DIMMED_OPACITY, "demo": DEMO_OUTLINE,
        "selected": SELECTED, "strong": STRONG, "strongMark": STRONG_MARK, "focus": FOCUS,
        "point": POINT_ZONE, "region": REGION, "label": LABEL, "outline": OUTLINE,
    }
