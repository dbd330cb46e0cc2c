"""The first view: a still picture of a view's map, its legend and source, sent inside the page's HTML.

A shared link opened on a phone over a slow network waits seconds for Streamlit's JavaScript
before anything shows (the framework's own floor, ``bench/lighthouse.py``). The server can answer
the page's first request with the map of the link's view already in it: the districts coloured
for the view's year, the title, the legend, the demo warning and the source line, taken from the
same layer model the interactive map draws (:func:`geo.carto.model.layer_model`). The browser
paints that at once and swaps in the interactive map when it is drawn (``ui/firstview.py``).

Pure: no Streamlit, no I/O. Every text from data is escaped here (:func:`html.escape`).
"""

from __future__ import annotations

import html
import math
import re
from urllib.parse import quote

import numpy as np
import shapely

from geo.analysis.targets import POLICY_SOURCE, TargetStatus, headline, latest_source
from geo.carto.contract import LayerModel, LegendLine
from geo.text.i18n import format_value, t

__all__ = ["FIRST_VIEW_ID", "district_paths", "first_view_html", "map_svg", "targets_view_html", "waiting_html"]

#: The id of the first view's element in the page (the reveal script and the tests look for it).
FIRST_VIEW_ID = "atlas-first"

#: Width of the picture in its own units; the page scales it to the screen (a phone: ~360 px).
WIDTH = 480
#: Simplification in picture units (whole units, as written): a phone shows the picture ~360 px wide,
#: so a unit is ¾ of its pixel; the picture of the default view is ~10 KB compressed.
TOLERANCE = 0.8


def _mercator(lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator in radians (the interactive map's projection), y growing to the north."""
    lat = np.clip(lat, -85.0, 85.0)
    return np.radians(lng), np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def frame_of(bounds: list[list[float]], width: int = WIDTH) -> tuple[float, float, float, float]:
    """Return ``(x0, y1, scale, height)`` mapping Mercator to picture units for ``[[south, west], [north, east]]``."""
    (south, west), (north, east) = bounds
    xs, ys = _mercator(np.array([west, east]), np.array([south, north]))
    scale = width / max(float(xs[1] - xs[0]), 1e-9)
    return float(xs[0]), float(ys[1]), scale, float(ys[1] - ys[0]) * scale


def _project(bounds: list[list[float]], width: int):
    x0, y1, scale, height = frame_of(bounds, width)

    def to_picture(coords: np.ndarray) -> np.ndarray:
        x, y = _mercator(coords[:, 0], coords[:, 1])
        return np.column_stack(((x - x0) * scale, (y1 - y) * scale))

    return to_picture, height


def _ring_path(points: np.ndarray) -> str:
    """Return a closed ring as a compact SVG path: whole units, the first point absolute, then steps.

    >>> _ring_path(np.array([[0.2, 0.4], [10.0, 0.0], [10.2, 5.6], [0.0, 6.0]]))
    'M0 0l10 0 0 6-10 0z'
    """
    pts = np.round(points).astype(int)
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)  # a step of nothing is dropped
    pts = pts[keep]
    if len(pts) < 3:
        return ""
    steps = np.diff(pts, axis=0).ravel()
    text = "".join(f"{v}" if v < 0 or i == 0 else f" {v}" for i, v in enumerate(steps))
    return f"M{pts[0][0]} {pts[0][1]}l{text}z"


def district_paths(geometries: dict[str, object], bounds: list[list[float]], width: int = WIDTH) -> dict[str, str]:
    """Return an SVG path (``d``) per key: projected to the picture, clipped to it, simplified, in whole units.

    A point becomes a small circle's path. Works for districts and zones alike.

    >>> square = shapely.box(116.0, 39.0, 117.0, 40.0)
    >>> district_paths({"a": square}, [[39.0, 116.0], [40.0, 117.0]], 100)["a"][:9]
    'M100 130l'
    """
    to_picture, height = _project(bounds, width)
    out: dict[str, str] = {}
    for code, geom in geometries.items():
        if geom is None or shapely.is_empty(geom):
            continue
        shape = shapely.transform(geom, to_picture)
        if shape.geom_type == "Point":
            x, y = round(shape.x, 1), round(shape.y, 1)
            if -4 <= x <= width + 4 and -4 <= y <= height + 4:
                out[str(code)] = f"M{x - 5:g} {y:g}a5 5 0 1 0 10 0a5 5 0 1 0-10 0Z"
            continue
        # clipped to the picture (a margin for the outline), then simplified
        shape = shapely.simplify(shapely.clip_by_rect(shape, -4, -4, width + 4, height + 4), TOLERANCE,
                                 preserve_topology=True)
        parts = []
        for poly in getattr(shape, "geoms", [shape]):
            if poly.geom_type != "Polygon":
                continue
            for ring in [poly.exterior, *poly.interiors]:
                ring_d = _ring_path(np.asarray(ring.coords)[:-1])
                if ring_d:
                    parts.append(ring_d)
        if parts:
            out[str(code)] = "".join(parts)
    return out


def _attrs(style: dict, default_fill: str = "none") -> str:
    """SVG presentation attributes of a Leaflet path style (``color``, ``weight``, ``fillColor``…)."""
    fill = style.get("fillColor", style.get("color")) if style.get("fill", True) else None
    out = [f'fill="{html.escape(fill or default_fill)}"',
           f'stroke="{html.escape(style.get("color", "none"))}"',
           f'stroke-width="{float(style.get("weight", 1)):g}"']
    if fill:
        out.append(f'fill-opacity="{float(style.get("fillOpacity", 0.2)):g}"')
    if style.get("dashArray"):
        out.append(f'stroke-dasharray="{html.escape(str(style["dashArray"]))}"')
    if "opacity" in style:
        out.append(f'stroke-opacity="{float(style["opacity"]):g}"')
    return " ".join(out)


def _labels(model: LayerModel, bounds_px, year_cells: dict, width: int, size: float) -> str:
    """District names at their anchors, most important first; a name that would overlap one placed gives way."""
    to_picture, height = bounds_px
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for label in sorted((lb for lb in model["labels"] if lb["kind"] == "district"), key=lambda lb: -lb["prio"]):
        (x, y), = to_picture(np.array([[label["at"][1], label["at"][0]]]))
        text = label["text"]
        w = sum(size if ord(ch) > 0x2E80 else size * 0.55 for ch in text)
        box = (x - w / 2 - 1, y - size / 2 - 1, x + w / 2 + 1, y + size / 2 + 1)
        if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
            continue
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        out.append(f'<text x="{x:.1f}" y="{y:.1f}">{html.escape(text)}</text>')
    return (f'<g font-size="{size:g}" font-weight="600" text-anchor="middle" dominant-baseline="central" '
            f'fill="#1a1a1a" stroke="#ffffff" stroke-width="3" paint-order="stroke" stroke-linejoin="round" '
            f'font-family="system-ui,sans-serif">{"".join(out)}</g>') if out else ""


def map_svg(model: LayerModel, paths: dict[str, str], year: int, width: int = WIDTH) -> str:
    """Return the SVG of ``year`` of ``model`` as the map draws it, without the basemap.

    ``paths``: from :func:`district_paths`, districts by code and zones as ``z:<id>``. Drawn: the
    districts' fills (the selection highlighted, the rest dimmed), demo values' dashed outlines,
    strong-IP districts' heavy outlines, the zones in force that year, the selection, district names.
    """
    frame = model["frames"][str(year)]
    style = model["style"]
    *_, height = frame_of(model["bounds"], width)
    selected = set(model["selected"])
    fills, demo, strong = [], [], []
    for code, d in paths.items():
        if code.startswith("z:"):
            continue
        cell = frame["d"].get(code)
        fill = cell["f"] if cell else style["noData"]
        dim = style["dimmedOpacity"] if selected and code not in selected else style["district"]["fillOpacity"]
        fills.append(f'<path d="{d}" fill="{html.escape(fill)}" fill-opacity="{dim:g}"/>')
        if cell and cell["s"] == "demo":
            demo.append(f'<path d="{d}"/>')
        if cell and cell.get("k") and model["layers"]["strong"]:
            strong.append(f'<path d="{d}"/>')
    zones = {z["id"]: z for z in model["zones"]}
    shown = [f'<path d="{paths["z:" + z]}" {_attrs(zones[z]["style"])}/>' for z in frame["zones"]
             if z in zones and "z:" + z in paths]
    outline = "".join(f'<path d="{paths[c]}"/>' for c in model["selected"] if c in paths)
    group = '<g {}>{}</g>'.format
    parts = [f'<rect width="{width}" height="{math.ceil(height)}" fill="{html.escape(style["background"])}"/>',
             f'<g stroke="{html.escape(style["district"]["color"])}" stroke-width="1">{"".join(fills)}</g>']
    if demo:
        parts.append(group(_attrs({**style["demo"], "fill": False}), "".join(demo)))
    if strong:
        parts.append(group(_attrs({**style["strong"], "fill": False}), "".join(strong)))
    parts += shown
    if outline:
        parts.append(group(_attrs({**style["selected"], "fill": False}), outline))
    parts.append(_labels(model, _project(model["bounds"], width), frame["d"], width, 13))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {math.ceil(height)}">'
            + "".join(parts) + "</svg>")


def _swatch(line: LegendLine) -> str:
    face = html.escape(line["face"] or "transparent")
    edge = html.escape(line["edge"] or "transparent")
    style = "dashed" if line["dashed"] else "solid"
    return f'<span class="af-sw" style="background:{face};border:2px {style} {edge}"></span>'


def _legend(model: LayerModel, year: int) -> str:
    frame = model["frames"][str(year)]
    items = []
    for line in model["legends"][frame["legend"]]:
        label = html.escape(line["label"])
        if line["heading"] or line["title"]:
            items.append(f'<li class="af-h">{label}</li>')
        else:
            items.append(f"<li>{_swatch(line)}{label}</li>")
    title = html.escape(frame["legendTitle"])
    return f'<div class="af-legend"><b>{title}</b><ul>{"".join(items)}</ul></div>'


def _shell(lang: str, body: str, page: str = "", side: str = "") -> str:
    """The first view's frame: the app's title, ``body``, and the words saying the interactive page follows.

    ``page`` names the page whose look the first view copies (``targets``: class ``af-targets``); its
    content runs past a phone's screen, so the words that the page loads go under the app's title.
    ``side``: what stands where Streamlit's sidebar will be on a wide screen (the pages' links).
    """
    wait = f'<p class="af-wait">{html.escape(t("firstview.loading", lang))}</p>'
    title = f'<div class="af-app">{html.escape(t("app.title", lang))}</div>'
    kind = f' class="af-{page}"' if page else ""
    head, tail = (f'<div class="af-top">{title}{wait}</div>', "") if page else (title, wait)
    return (f'<div id="{FIRST_VIEW_ID}"{kind} role="status" aria-busy="true" lang="{html.escape(lang)}">'
            f"{side}{head}{body}{tail}</div>")


def first_view_html(model: LayerModel, svg: str, side: str = "") -> str:
    """Return the first view of the map page: title, demo warning, the map picture, legend, source line."""
    lang, year = model["lang"], model["year"]
    frame = model["frames"][str(year)]
    width, height = WIDTH, math.ceil(frame_of(model["bounds"])[3])
    banner = f'<p class="af-banner">{html.escape(frame["banner"])}</p>' if frame["banner"] else ""
    picture = (f'<img class="af-map" src="data:image/svg+xml,{quote(svg, safe=" =:/,.-")}" '
               f'width="{width}" height="{height}" alt="{html.escape(frame["summary"])}">')
    body = (f'<h1 class="af-title">{html.escape(frame["title"])}</h1>{banner}'
            f'<div class="af-body">{picture}{_legend(model, year)}</div>'
            f'<p class="af-source">{html.escape(frame["source"])}</p>')
    return _shell(lang, body, side=side)


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _markdown_bold(text: str) -> str:
    """Return ``text`` escaped, its ``**bold**`` (the page's markdown) as ``<b>``."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text))


def targets_view_html(statuses: list[TargetStatus], this_year: int, lang: str, side: str = "") -> str:
    """Return the first view of the Targets page: its title, the policy's source and caveat, each target's headline.

    ``statuses``: :func:`geo.analysis.targets.all_statuses` of the indicators the page reads. Each
    target shows its name, the target, and the three figures of :func:`geo.analysis.targets.headline`
    (latest actual, gap, outlook), the latest actual's source and the target's definition note as
    the page's cards do, or the
    page's "no data" words; in the page's type sizes (``ui/firstview.py``'s style), so the page
    replacing it does not jump.
    """
    publisher = POLICY_SOURCE.publisher_en if lang == "en" else POLICY_SOURCE.publisher_zh
    parts = [f'<h1 class="af-title">{html.escape(t("an.targets.title", lang))}</h1>',
             '<p class="af-source">' + html.escape(t("an.targets.policy_source", lang, publisher=publisher,
                                                      title=POLICY_SOURCE.title_zh, date=POLICY_SOURCE.date))
             + "</p>",
             f'<p class="af-note">{html.escape(t("an.targets.policy_caveat", lang))}</p>']
    for status in statuses:
        tg = status.target
        line = t("an.targets.target_line", lang, target=format_value(tg.value, tg.unit, lang),
                 kind=t(f"an.kind.{tg.kind}", lang))
        figures = headline(status, this_year, lang)
        if figures:
            body = '<div class="af-figures">' + "".join(
                f'<div><div class="af-fl">{html.escape(f.label)}</div><div class="af-fv">{html.escape(f.value)}</div></div>'
                for f in figures) + "</div>"
            body += f'<p class="af-src">{html.escape(latest_source(status, lang))}</p>'
        else:
            body = f'<p class="af-banner">{html.escape(t("an.targets.no_data", lang))}</p>'
        if figures and tg.caveat:  # the page's definition note, right under the figures
            body += "<p>" + _markdown_bold("**" + t("an.targets.definition", lang) + "** "
                                           + t(f"an.target.{tg.key}.caveat", lang)) + "</p>"
        parts.append(f'<section class="af-card"><h2>{html.escape(t(f"an.target.{tg.key}.name", lang))}</h2>'
                     f"<p>{_markdown_bold(line)}</p>{body}</section>")
    return _shell(lang, "".join(parts), "targets", side)


def waiting_html(lang: str, side: str = "", page: str = "") -> str:
    """Return the first view of a page without a map picture: the app's title and the words that it loads.

    ``page``: a page whose frame differs (``present``: full screen, no sidebar; class ``af-present``).
    """
    return _shell(lang, "", page, side)
