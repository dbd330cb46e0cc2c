"""Exports of a map view: PNG, PDF, standalone HTML, CSV and XLSX.

Every export carries the title, year, legend, sources, data status, boundary attribution, the
export date and the view's share link; when any demo value is shown it carries :data:`WATERMARK`
as well. Everything drawn comes from the map's own layer model (:mod:`geo.carto.model`: classes,
legend items, labels with priorities) and style table (:mod:`geo.carto.styles`).

PNG and PDF are drawn server-side with matplotlib (Agg) and need a CJK font: Debian's
``fonts-noto-cjk`` (found through ``matplotlib.font_manager``). Without one,
:func:`render_image` raises :class:`ExportFontError` with a message saying what to install,
rather than drawing Chinese as empty boxes; the HTML, CSV and XLSX exports need no font.

The HTML export is a folium page (map, optional basemap, controls) into which the app's own
renderer (``static/atlasmap/``, :data:`geo.carto.contract.RENDERER_SCRIPTS`), its CSS, Leaflet, the
layer model and the geometry are inlined: it opens from disk with no server and no internet, and switches years by itself.
"""

from __future__ import annotations

import io
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING, cast

import pandas as pd
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from geo.carto import styles
from geo.carto.classify import Classes
from geo.carto.contract import RENDERER_SCRIPTS, Label, for_display, with_geometry
from geo.carto.model import (
    LegendItem,
    classes_for,
    district_frame,
    district_labels,
    fmt_break,
    geometry_asset,
    layer_model,
    legend_items,
    map_title,
    merge_geometry,
    region_labels,
    source_line,
    unique_labels,
    view_bounds,
    zone_labels,
    zones_in_view,
)
from geo.data.datasets import MapInputs
from geo.data.indicators import INDICATORS
from geo.data.paths import STATIC_DIR
from geo.data.source_kind import source_kind, source_kind_label
from geo.text.i18n import doc_lang, rounded, t, unit_label
from geo.text.labels import name_of, status_label, statuses_text
from geo.text.safe import spreadsheet_safe
from geo.view.state import ViewState, share_url

if TYPE_CHECKING:
    from branca.element import Figure

__all__ = [
    "FORMATS",
    "WATERMARK",
    "ExportFontError",
    "ExportView",
    "LegendItem",
    "data_table",
    "declare_pdf",
    "draw_figure",
    "export_view",
    "file_name",
    "find_cjk_font",
    "header_codes",
    "labelled_headers",
    "legend_items",
    "render_csv",
    "render_html",
    "render_image",
    "render_pdf",
    "render_png",
    "render_xlsx",
    "strings_not_formulas",
]

#: Shown on every export that shows any demo value.
WATERMARK = "演示数据 — 非官方 / DEMO DATA — NOT OFFICIAL"
#: format -> (file extension, MIME type)
FORMATS = {
    "png": ("png", "image/png"),
    "pdf": ("pdf", "application/pdf"),
    "html": ("html", "text/html"),
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei")


class ExportFontError(RuntimeError):
    """No CJK font is installed, so a PNG/PDF would show Chinese as empty boxes."""


@dataclass(frozen=True)
class ExportView:
    """Everything an export shows besides the geometry, computed once per view."""

    state: ViewState
    title: str
    subtitle: str
    frame: pd.DataFrame
    classes: Classes
    legend: tuple[LegendItem, ...]
    source: str
    boundary: str
    demo: bool
    statuses: tuple[str, ...]
    exported: str
    link: str

    @property
    def watermark(self) -> str | None:
        """Return :data:`WATERMARK` when any shown value is demo, else None."""
        return WATERMARK if self.demo else None


def export_view(inputs: MapInputs, state: ViewState, today: date | None = None, base_url: str = "") -> ExportView:
    """Return the texts, classes and legend of ``state`` as every export shows them.

    ``base_url`` is the address the user opened the app at (e.g. ``http://atlas.intra:8501``):
    the export's link back is then absolute, so it opens the same view from the file.
    """
    lang = state.lang
    frame = district_frame(inputs, state)
    classes = classes_for(inputs, state)
    shows_values = "districts" in state.layers
    statuses = tuple(sorted(set(frame.status) - {""})) if shows_values else ()
    subtitle = t("export.status_line", lang, status=statuses_text(statuses, lang)) if shows_values else ""
    return ExportView(
        state=state,
        title=f"{t('app.title', lang)} · {map_title(state, frame)}",
        subtitle=subtitle,
        frame=frame,
        classes=classes,
        legend=tuple(legend_items(inputs, state, frame, classes)),
        source=source_line(inputs, state, frame),
        boundary=t("source.boundaries", lang),
        demo="demo" in statuses,
        statuses=statuses,
        exported=(today or date.today()).isoformat(),
        link=share_url(state, base_url),
    )


def file_name(state: ViewState, fmt: str) -> str:
    """Return the download file name of an export, e.g. ``beijing-ip-atlas_invention_patents_per_10k_2024.png``.

    >>> file_name(ViewState(year=2020), "csv")
    'beijing-ip-atlas_invention_patents_per_10k_2020_zh.csv'
    """
    return f"beijing-ip-atlas_{state.indicator}_{state.year}_{state.lang}.{FORMATS[fmt][0]}"


# --- PNG and PDF (matplotlib) ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """Return the family name of an installed CJK sans font (Noto Sans CJK SC preferred), or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    return None


def _font(size: float, weight: str = "normal", color: str = "#222222") -> dict:
    family = find_cjk_font()
    if family is None:
        raise ExportFontError("PNG/PDF export needs a CJK font: install the Debian package fonts-noto-cjk "
                              "(apt-get install fonts-noto-cjk), then restart the app. "
                              "HTML, CSV and XLSX exports work without it.")
    return {"fontfamily": [family, "DejaVu Sans"], "fontsize": size, "fontweight": weight, "color": color}


def _wrap(text: str, width: int) -> str:
    """Wrap ``text`` at about ``width`` characters (CJK counts double), breaking at spaces where possible."""
    lines, line, n = [], "", 0
    for word in text.split(" "):
        w = sum(2 if ord(c) > 0x2E80 else 1 for c in word) + 1
        if n + w > width and line:
            lines.append(line.rstrip())
            line, n = "", 0
        while w > width:  # a long word (a URL or Chinese sentence): hard break
            cut, k = 0, 0
            while cut < len(word) and k < width - n:
                k += 2 if ord(word[cut]) > 0x2E80 else 1
                cut += 1
            lines.append((line + word[:cut]).rstrip())
            word, line, n = word[cut:], "", 0
            w = sum(2 if ord(c) > 0x2E80 else 1 for c in word) + 1
        line += word + " "
        n += w
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def _fit(renderer, text: str, width_px: float, size: float, weight: str = "normal") -> str:
    """Wrap ``text`` so that no line is wider than ``width_px`` in this font (measured, not counted).

    Breaks at spaces, and between any two Chinese characters; a piece wider than the line (a URL) is
    broken where it must.
    """
    from matplotlib.font_manager import FontProperties

    font = _font(size, weight)
    props = FontProperties(family=font["fontfamily"], size=size, weight=weight)

    def width(piece: str) -> float:
        return renderer.get_text_width_height_descent(piece, props, ismath=False)[0] if piece else 0.0

    tokens: list[str] = []
    for word in text.split(" "):
        run = ""
        for c in word:
            if ord(c) > 0x2E80:  # CJK: a break is allowed before and after each character
                if run:
                    tokens.append(run)
                    run = ""
                tokens.append(c)
            else:
                run += c
        tokens.append(run + " ")
    lines, line = [], ""
    for tok in tokens:
        if width((line + tok).rstrip()) <= width_px or not line.strip():
            line += tok
            while width(line.rstrip()) > width_px and len(line.rstrip()) > 1:  # a long URL: hard break
                cut = len(line)
                while cut > 1 and width(line[:cut]) > width_px:
                    cut -= 1
                lines.append(line[:cut].rstrip())
                line = line[cut:]
        else:
            lines.append(line.rstrip())
            line = tok
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def _bottom(fig, text, renderer) -> float:
    """Return the bottom of ``text`` in figure coordinates."""
    return fig.transFigure.inverted().transform((0, text.get_window_extent(renderer).y0))[1]


def _top(fig, text, renderer) -> float:
    """Return the top of ``text`` in figure coordinates."""
    return fig.transFigure.inverted().transform((0, text.get_window_extent(renderer).y1))[1]


def _map_axes_limits(inputs: MapInputs, state: ViewState) -> tuple[float, float, float, float]:
    (s, w), (n, e) = view_bounds(inputs, state)
    pad_x, pad_y = (e - w) * 0.03, (n - s) * 0.03
    return w - pad_x, e + pad_x, s - pad_y, n + pad_y


def _draw_layers(ax, inputs: MapInputs, state: ViewState, view: ExportView) -> None:
    """Draw regions, districts, outlines and zones with the map's style table, bottom to top."""
    districts = inputs.districts.merge(view.frame[["code", "value", "status"]], on="code", how="left")
    selected = set(state.districts)
    if "jjj" in state.layers:
        reg = inputs.regions[inputs.regions.level.isin(["province", "city"])]
        reg.plot(ax=ax, facecolor=styles.REGION["fillColor"], alpha=styles.REGION["fillOpacity"], edgecolor="none")
        reg.boundary.plot(ax=ax, color=styles.REGION["color"], linewidth=styles.REGION["weight"] * 0.7)
    if "districts" in state.layers:
        faces = [_blend(view.classes.color(v), styles.DISTRICT_DIMMED_OPACITY if selected and c not in selected
                        else styles.DISTRICT["fillOpacity"]) for v, c in zip(districts.value, districts.code, strict=False)]
        districts.plot(ax=ax, color=faces, edgecolor="none")
        districts.boundary.plot(ax=ax, color=styles.DISTRICT["color"], linewidth=styles.DISTRICT["weight"] * 0.75)
    else:
        districts.boundary.plot(ax=ax, color=styles.OUTLINE, linewidth=0.6)
    zones = zones_in_view(inputs.zones, state)
    for z in zones.itertuples():
        style = styles.zone_style(z.kind, z.geometry_quality)
        part = zones.loc[[z.Index]]
        if z.geometry.geom_type in ("Polygon", "MultiPolygon"):
            part.plot(ax=ax, facecolor=style["fillColor"], alpha=style["fillOpacity"], edgecolor="none", zorder=3)
            part.boundary.plot(ax=ax, color=style["color"], linewidth=style["weight"] * 0.72,
                               linestyle=styles.mpl_dashes(style.get("dashArray")), zorder=5)
        elif z.geometry.geom_type == "Point":
            ax.plot([z.geometry.x], [z.geometry.y], marker="o", markersize=styles.POINT_ZONE["radius"] + 1,
                    markerfacecolor=style["color"] + "55", markeredgecolor=style["color"], linestyle="none", zorder=5)
    if selected and "districts" in state.layers:
        districts[districts.code.isin(selected)].boundary.plot(ax=ax, color=styles.SELECTED["color"],
                                                                linewidth=styles.SELECTED["weight"] * 0.6, zorder=6)
    if "strong" in state.layers:
        strong = districts[districts.code.isin([c for c, s in zip(view.frame.code, view.frame.strong, strict=False) if s])]
        if len(strong):
            strong.boundary.plot(ax=ax, color=styles.STRONG["color"], linewidth=styles.STRONG["weight"] * 0.8, zorder=7)
    if "districts" in state.layers:
        demo = districts[districts.status == "demo"]
        if len(demo):
            demo.boundary.plot(ax=ax, color=styles.DEMO_OUTLINE["color"], linewidth=styles.DEMO_OUTLINE["weight"] * 0.6,
                               linestyle=styles.mpl_dashes(styles.DEMO_OUTLINE["dashArray"]), zorder=8)


def _labels_for(inputs: MapInputs, state: ViewState, view: ExportView, zoom: float) -> list[Label]:
    """Return the labels the map would show at ``zoom``, highest priority first, strong ones starred."""
    labels: list[Label] = []
    strong = {c for c, s in zip(view.frame.code, view.frame.strong, strict=False) if s} if "strong" in state.layers else set()
    if "districts" in state.layers or "strong" in state.layers:
        for lb in district_labels(inputs, state.lang):
            if lb["id"] in strong:
                lb = lb.copy()
                lb["text"] = f"{lb['text']} {styles.STRONG_MARK}"
            labels.append(lb)
    labels += zone_labels(zones_in_view(inputs.zones, state), state.lang)
    if "jjj" in state.layers:
        labels += region_labels(inputs.regions, state.lang)
    # paper cannot zoom in: the parks' names (shown from zoom 11 in the browser) are set too, next to
    # their parks or with a leader line (see _draw_labels), after everything of higher priority
    return [lb for lb in unique_labels(labels)
            if (lb.get("minZoom", 0) <= zoom or lb["kind"] == "zone") and zoom <= lb.get("maxZoom", 99)]


def _draw_labels(fig, ax, labels: list[Label], present: float = 1.0) -> int:
    """Draw labels with a halo inside the map frame; a label that would overlap a kept one is dropped.

    Returns the number drawn. Labels are clipped to the axes: nothing lands in the legend or footer.
    """
    from matplotlib import patheffects

    renderer = fig.canvas.get_renderer()
    frame_box = ax.get_window_extent(renderer)
    # the halo is a copy of the label drawn as an outline under it: the label itself stays text (a path
    # effect would turn it into curves, and a PDF reader could no longer find the name)
    halo = [patheffects.Stroke(linewidth=styles.LABEL["halo_px"], foreground=styles.HALO)]
    kept: list = []
    for lb in labels:
        lat, lng = lb["at"]
        size = styles.LABEL[lb["kind"]]["size"] * 0.72 * present * (0.85 if lb.get("minZoom", 0) > 10 else 1)
        colour = styles.INK if lb["kind"] != "zone" else lb.get("color", styles.INK)
        text = ax.text(lng, lat, lb["text"], ha="center", va="center", zorder=9, clip_on=True,
                       gid=f"label-{lb['kind']}", **_font(size, "bold", colour))
        box0 = text.get_window_extent(renderer)
        w, h = box0.width, box0.height
        offsets = [(0, 0)] if lb["kind"] == "district" else [(0, 0), (0, -h), (0, h), (w * .55, 0), (-w * .55, 0),
                                                             (0, -2 * h), (0, 2 * h)]
        for dx, dy in offsets:  # display pixels; the same candidates the browser tries
            box = box0.translated(dx, dy)
            inside = (box.x0 >= frame_box.x0 and box.x1 <= frame_box.x1 and box.y0 >= frame_box.y0
                      and box.y1 <= frame_box.y1)
            if inside and not any(box.overlaps(k) for k in kept):
                if dx or dy:
                    px, py = ax.transData.transform((lng, lat))  # the label's anchor in display pixels
                    x, y = ax.transData.inverted().transform((px + dx, py + dy))
                    text.set_position((x, y))
                kept.append(box.expanded(1.04, 1.08))
                break
        else:
            # paper cannot zoom: a district that has no room for its name gets a callout, its name set
            # outside the crowd and a leader line to the district (the small core districts)
            if not _callout(ax, text, box0, frame_box, kept, (lng, lat)):
                text.remove()
                continue
        ax.text(*text.get_position(), text.get_text(), ha="center", va="center", path_effects=halo, zorder=8.9,
                clip_on=True, gid="label-halo", **_font(size, "bold", styles.HALO))
    return len(kept)


def _callout(ax, text, box0, frame_box, kept: list, anchor: tuple[float, float]) -> bool:
    """Move ``text`` to the nearest free spot around ``anchor`` (outward first) and draw a leader line."""
    from matplotlib import patheffects

    px, py = ax.transData.transform(anchor)
    h = box0.height
    # outward: away from the crowd of names around the district (else from the map's centre)
    near = [((k.x0 + k.x1) / 2, (k.y0 + k.y1) / 2) for k in kept]
    near = [(x, y) for x, y in near if math.hypot(x - px, y - py) < 8 * h] or [
        ((frame_box.x0 + frame_box.x1) / 2, (frame_box.y0 + frame_box.y1) / 2)]
    cx, cy = sum(x for x, _ in near) / len(near), sum(y for _, y in near) / len(near)
    out = math.atan2(py - cy, px - cx)
    angles = sorted((math.radians(a) for a in range(0, 360, 15)),
                    key=lambda a: abs(math.atan2(math.sin(a - out), math.cos(a - out))))
    for radius in (3.0, 4.2, 5.6, 7.5, 10.0):
        for a in angles:
            dx, dy = math.cos(a) * radius * h + math.cos(a) * box0.width / 2, math.sin(a) * radius * h
            box = box0.translated(dx, dy)
            inside = (box.x0 >= frame_box.x0 and box.x1 <= frame_box.x1 and box.y0 >= frame_box.y0
                      and box.y1 <= frame_box.y1)
            if inside and not any(box.overlaps(k) for k in kept):
                x, y = ax.transData.inverted().transform((px + dx, py + dy))
                text.set_position((x, y))
                # the line stops at the label's edge nearest the district
                ex = min(max(px, box.x0), box.x1)
                ey = min(max(py, box.y0), box.y1)
                lx, ly = ax.transData.inverted().transform((ex, ey))
                ax.plot([anchor[0], lx], [anchor[1], ly], color=styles.INK, linewidth=0.9, zorder=8.6,
                        gid="leader-line", solid_capstyle="round",
                        path_effects=[patheffects.withStroke(linewidth=2.6, foreground=styles.HALO)])
                ax.plot([anchor[0]], [anchor[1]], marker="o", markersize=2.2, color=styles.INK, zorder=8.7,
                        gid="leader-dot")
                kept.append(box.expanded(1.04, 1.08))
                return True
    return False


def _scale_bar(ax, lat: float) -> None:
    """Draw a metric scale bar in the map's lower right corner (a round length near a fifth of the width)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km_per_deg = 111.32 * math.cos(math.radians(lat))
    target = (x1 - x0) * km_per_deg / 5
    length = next(v for v in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if v >= target * 0.6)
    deg = length / km_per_deg
    x_end = x1 - (x1 - x0) * 0.04
    y = y0 + (y1 - y0) * 0.04
    ax.plot([x_end - deg, x_end], [y, y], color=styles.INK, linewidth=2.2, solid_capstyle="butt", zorder=10,
            gid="scale-bar")
    for x in (x_end - deg, x_end):
        ax.plot([x, x], [y, y + (y1 - y0) * 0.012], color=styles.INK, linewidth=1.4, zorder=10)
    ax.text(x_end - deg / 2, y + (y1 - y0) * 0.016, f"{length} km", ha="center", va="bottom", zorder=10,
            gid="scale-label", **_font(8.5, "bold"))


def _draw_legend(fig, view: ExportView, top: float = 0.88, bottom: float = 0.14) -> None:
    """Draw the legend right of the map, between ``top`` and ``bottom``; on a crowded map it goes smaller."""
    from matplotlib.patches import Rectangle

    lines = sum(1 + _wrap(i.label, 46 if i.heading else 40).count("\n") for i in view.legend)
    scale = min(1.0, (top - bottom) / max(0.034 * len(view.legend) + 0.019 * (lines - len(view.legend)), 1e-6))
    y, x = top, 0.70
    for item in view.legend:
        colour = styles.WARN if item.warn else (styles.INK if item.heading else "#333333")
        text = _wrap(item.label, 46 if item.heading else 40)
        if item.heading:
            fig.text(x, y, text, va="top", gid="legend",
                     **_font(10 * max(scale, 0.75), "bold" if item.title else "normal", colour))
        else:
            face = _blend(item.face, item.alpha) if item.face and item.alpha < 1 else item.face
            fig.add_artist(Rectangle((x, y - 0.018 * scale), 0.028, 0.016 * scale, transform=fig.transFigure,
                                     gid="legend-swatch",
                                     facecolor=face or "none", edgecolor=item.edge or "none", linewidth=item.width,
                                     linestyle=(0, (2, 2)) if item.dashed else "solid"))
            fig.text(x + 0.036, y - 0.003, text, va="top", gid="legend",
                     **_font(9.5 * max(scale, 0.75), "bold" if item.warn else "normal", colour))
        y -= (0.034 + 0.019 * text.count("\n")) * scale


def draw_figure(inputs: MapInputs, state: ViewState, today: date | None = None, base_url: str = ""):
    """Return the export as a matplotlib Figure (map, title, legend, sources, status, date, link, watermark).

    Raises :class:`ExportFontError` when no CJK font is installed.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    view = export_view(inputs, state, today, base_url)
    lang = state.lang
    _font(10)  # fail early, with the clear message, when no CJK font is there
    fig = Figure(figsize=(13.0, 9.0), dpi=150, facecolor="white")
    renderer = FigureCanvasAgg(fig).get_renderer()  # wrapping and label placement measure text extents
    fig_w = fig.bbox.width
    # the header from the top down and the footer from the bottom up, each wrapped to the frame's width
    # (measured, in both languages); the map takes the height left between them
    top = 0.975
    title = fig.text(0.02, top, _fit(renderer, view.title, 0.96 * fig_w, 17, "bold"), va="top", gid="title",
                     linespacing=1.15, **_font(17, "bold"))
    top = _bottom(fig, title, renderer) - 0.008
    banner = None
    if view.demo:
        banner = fig.text(0.98, top, "⚠ " + WATERMARK, ha="right", va="top", gid="watermark-banner",
                          bbox={"facecolor": "#fff3f3", "edgecolor": styles.WARN, "boxstyle": "round,pad=0.3"},
                          **_font(10, "bold", styles.WARN))
    if view.subtitle:
        room = 0.96 * fig_w - (banner.get_window_extent(renderer).width + 0.02 * fig_w if banner else 0)
        sub = fig.text(0.02, top, _fit(renderer, view.subtitle, room, 11, "bold" if view.demo else "normal"),
                       va="top", **_font(11, "bold" if view.demo else "normal", styles.WARN if view.demo else "#333333"))
        top = _bottom(fig, sub, renderer)
    if banner is not None:
        top = min(top, _bottom(fig, banner, renderer) - 0.004)
    top -= 0.015
    footer = [view.source, f"{t('export.exported', lang, date=view.exported)} · "
                           f"{t('export.link', lang, link=view.link)}"]
    ind = INDICATORS[state.indicator]
    if "districts" in state.layers:
        footer.insert(0, f"{t('export.definition', lang)}: {name_of(ind, lang, 'definition')}")
    # the footer's last line (the view's link) keeps a clear margin above the paper's edge
    foot = fig.text(0.02, 0.03, "\n".join(_fit(renderer, line, 0.96 * fig_w, 8) for line in footer), va="bottom",
                    gid="source", linespacing=1.5, **_font(8, "normal", "#333333"))
    bottom = _top(fig, foot, renderer) + 0.012
    ax = fig.add_axes((0.02, bottom, 0.66, max(top - bottom, 0.3)))
    ax.set_axis_off()
    x0, x1, y0, y1 = _map_axes_limits(inputs, state)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    _draw_layers(ax, inputs, state, view)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    # the zoom a 900 px wide browser map would use for these bounds: the same labels show
    zoom = math.log2(900 * 360 / (256 * max(x1 - x0, 1e-6)))
    _draw_labels(fig, ax, _labels_for(inputs, state, view, zoom))
    _scale_bar(ax, (y0 + y1) / 2)
    if view.demo:
        ax.text(0.5, 0.5, WATERMARK.replace(" / ", "\n"), transform=ax.transAxes, ha="center", va="center",
                rotation=28, alpha=0.28, zorder=10, gid="watermark", **_font(30, "bold", styles.WARN))
    _draw_legend(fig, view, top, bottom)
    return fig


def _blend(colour: str, alpha: float) -> str:
    """Return ``colour`` at ``alpha`` over white, as an opaque hex colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * alpha) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def render_image(inputs: MapInputs, state: ViewState, fmt: str = "png", today: date | None = None,
                 base_url: str = "") -> bytes:
    """Return the view as PNG or PDF bytes (raises ExportFontError when no CJK font is installed)."""
    if fmt not in ("png", "pdf"):
        raise ValueError(f"unknown image format {fmt!r}")
    fig = draw_figure(inputs, state, today, base_url)
    out = io.BytesIO()
    view = export_view(inputs, state, today, base_url)
    # the view's link in the file's own metadata too: PDF Subject, PNG Source (the footer shows it as well)
    metadata = ({"Title": view.title, "Subject": view.link} if fmt == "pdf"
                else {"Software": "Beijing IP Atlas", "Source": view.link, "Title": view.title})
    fig.savefig(out, format=fmt, dpi=150, metadata=metadata)
    return out.getvalue()


def render_png(inputs: MapInputs, state: ViewState, today: date | None = None, base_url: str = "") -> bytes:
    """Return the view as a PNG (1950 × 1350 px)."""
    return render_image(inputs, state, "png", today, base_url)


def render_pdf(inputs: MapInputs, state: ViewState, today: date | None = None, base_url: str = "") -> bytes:
    """Return the view as a one-page PDF (fonts embedded; title and language declared, see :func:`declare_pdf`)."""
    return declare_pdf(render_image(inputs, state, "pdf", today, base_url), state.lang)


def declare_pdf(pdf: bytes, lang: str) -> bytes:
    """Return ``pdf`` with its document language (catalog ``/Lang``, zh-CN or en) and its title shown by viewers.

    WCAG 2.2 (PDF techniques PDF16, PDF18) asks a PDF to declare its language, so a screen reader reads
    it with the right voice, and to show its title (``/DisplayDocTitle``) rather than the file name.
    matplotlib writes the title into the document information but neither of these; pypdf adds them.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.root_object[NameObject("/Lang")] = TextStringObject(doc_lang(lang))
    # pypdf builds this property at runtime and so types the attribute as a bare `property`
    writer.create_viewer_preferences().display_doctitle = True  # type: ignore[assignment]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- standalone HTML ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _inline_assets() -> dict[str, str]:
    read = lambda p: (STATIC_DIR / p).read_text(encoding="utf-8")  # noqa: E731
    return {"leaflet_js": read("leaflet/leaflet.js"), "leaflet_css": read("leaflet/leaflet.css"),
            "renderer_js": "\n".join(read(f"atlasmap/{name}") for name in RENDERER_SCRIPTS),
            "renderer_css": read("atlasmap/atlas-map.css")}


def _script(text: str) -> str:
    return "<script>" + text.replace("</script", "<\\/script") + "</script>"


def _json_for_script(obj: object) -> str:
    """Return ``obj`` as JSON safe inside a <script> element (no ``</``, no HTML comment openers)."""
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render_html(inputs: MapInputs, state: ViewState, today: date | None = None, base_url: str = "") -> bytes:
    """Return the view as one self-contained HTML file: folium's page with the app's renderer inlined.

    Leaflet, the renderer, the layer model (every year) and the geometry are in the file: it opens
    from disk with no server and no internet, with the same legend, labels and year slider.
    """
    import folium

    offline = state.with_(basemap="none")
    view = export_view(inputs, offline, today, base_url)
    lang = state.lang
    geometry = merge_geometry(json.loads(geometry_asset(inputs, "none")[1]),
                              json.loads(geometry_asset(inputs, "none", "regions")[1]))
    model = for_display(with_geometry(layer_model(inputs, offline, None), geometry), mode="export", year=state.year)
    (s, w), (n, e) = view_bounds(inputs, offline)
    m = folium.Map(location=[(s + n) / 2, (w + e) / 2], zoom_start=9, tiles=None, control_scale=False, zoom_snap=0.25)
    m.default_js = []
    m.default_css = []
    assets = _inline_assets()
    root = cast("Figure", m.get_root())  # a Map's root is its Figure; branca types get_root() as Element
    root.header.add_child(folium.Element(
        f"<title>{escape(view.title)}</title><meta name='generator' content='Beijing IP Atlas'>"
        f"<style>{assets['leaflet_css']}</style><style>{assets['renderer_css']}</style>"
        + _script(assets["leaflet_js"]) + _script(assets["renderer_js"])), name="atlas_head")
    links = (f"<div class='atlas-export-note'>{escape(t('export.exported', lang, date=view.exported))} · "
             f"{escape(t('export.html_note', lang))} · <a href='{escape(view.link)}'>{escape(t('export.link', lang, link=view.link))}</a></div>")
    watermark = ("<div class='atlas-watermark' aria-hidden='true'>" + escape(WATERMARK).replace(" / ", "<br>")
                 + "</div>") if view.demo else ""
    root.html.add_child(folium.Element(f"<div id='atlas-export-root' class='atlas-root'>{links}{watermark}</div>"))
    root.script.add_child(folium.Element(  # after folium's own script has made the map
        f"window.addEventListener('load', function () {{ AtlasMap.mount(document.getElementById('atlas-export-root'), "
        f"{_json_for_script(model)}, {{map: {m.get_name()}}}); }});"))
    html = root.render()
    html = html.replace("<html>", f'<html lang="{doc_lang(lang)}">', 1)
    css = (".atlas-export-note{position:fixed;bottom:2px;left:110px;z-index:1000;font-size:11px;"
           "background:#ffffffdd;padding:1px 4px}")
    if view.demo:
        css += (".atlas-watermark{position:fixed;top:50%;left:50%;z-index:999;transform:translate(-50%,-50%) "
                "rotate(-20deg);pointer-events:none;color:#a50f1540;font:700 44px/1.3 'Noto Sans CJK SC',sans-serif;"
                "text-align:center;white-space:nowrap}")
    html = html.replace("</head>", f"<style>{css}</style></head>", 1)
    return html.encode("utf-8")


# --- data: CSV and XLSX ---------------------------------------------------------------------------

def data_table(inputs: MapInputs, state: ViewState, today: date | None = None, base_url: str = "") -> pd.DataFrame:
    """Return the data behind the view: one row per district with value, status and sources.

    Column names are stable identifiers (the same in both languages); labels are columns of their own.
    ``source_kind`` says where each figure was read (government / official_media / repost / other /
    generated) and ``source_kind_label`` says it in words (官方数据 · 转载来源). With ``state.demo``
    False no demo value is in the table (the cells read "no official figure yet").
    """
    view = export_view(inputs, state, today, base_url)
    f = view.frame  # demo cells already hidden when state.demo is False (geo.carto.model.district_frame)
    kinds = [source_kind(u) if s else "" for u, s in zip(f["source_url"], f["status"], strict=False)]
    ind = INDICATORS[state.indicator]
    lang = state.lang
    selected = set(state.districts)
    return pd.DataFrame({
        "code": f["code"].astype(str),
        "name_zh": f["name_zh"],
        "name_en": f["name_en"],
        "indicator": state.indicator,
        "indicator_name": name_of(ind, lang),
        "year": state.year,
        "value": [rounded(v, 1 if state.compare is not None else 6) for v in f["value"]],  # as shown, not 128.0965…
        "unit": f["unit"],
        "rank": f["rank"],
        "class_color": [view.classes.color(v) for v in f["value"]],
        "status": f["status"].replace("", "none"),
        "status_label": [status_label(s, lang) for s in f["status"]],  # '' reads 暂无官方数据
        "source_kind": kinds,
        "source_kind_label": [source_kind_label(k, s, lang) if s else "" for k, s in zip(kinds, f["status"], strict=False)],
        "source_note": f["source_note"],
        "source_url": f["source_url"],
        "formula": f["formula"],
        "strong_designations": ["; ".join(str(name_of(d, lang, "designation"))
                                          for d in s) for s in f["strong"]],
        "selected": [(c in selected) if selected else True for c in f["code"]],
        "boundary_source": view.boundary,
        "watermark": view.watermark or "",
        "exported": view.exported,
        "view_link": view.link,
    })


def render_csv(inputs: MapInputs, state: ViewState, today: date | None = None, base_url: str = "") -> bytes:
    """Return the data behind the view as CSV, UTF-8 with BOM (Excel then reads Chinese correctly).

    Text cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) get a
    leading ``'`` (:func:`geo.text.safe.spreadsheet_safe`).
    """
    table = labelled_headers(data_table(inputs, state, today, base_url), state.lang)
    return spreadsheet_safe(table).to_csv(index=False).encode("utf-8-sig")


def labelled_headers(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return ``df`` with each column headed ``label (code)``: the label in the export's language, the code for machines.

    >>> list(labelled_headers(pd.DataFrame(columns=["code", "value"]), "zh").columns)
    ['区代码 (code)', '数值 (value)']
    """
    return df.rename(columns=lambda c: f"{t(f'export.col.{c}', lang)} ({c})")


def header_codes(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` (a CSV/XLSX export read back) with its columns named by their codes again.

    >>> list(header_codes(pd.DataFrame(columns=["区代码 (code)", "数值 (value)"])).columns)
    ['code', 'value']
    """
    return df.rename(columns=lambda c: re.sub(r"^.*\(([A-Za-z_0-9]+)\)$", r"\1", str(c)))


def _about_rows(view: ExportView) -> list[tuple[str, str]]:
    lang = view.state.lang
    ind = INDICATORS[view.state.indicator]
    rows = [
        (t("export.about.title", lang), view.title),
        (t("export.about.indicator", lang), f"{name_of(ind, lang)} "
                                            f"({unit_label(ind.unit, lang)})"),
        (t("export.definition", lang), name_of(ind, lang, "definition")),
        (t("export.about.year", lang), str(view.state.year)),
        (t("export.about.status", lang), statuses_text(view.statuses, lang)),
    ]
    if view.demo:
        rows.append((t("export.about.watermark", lang), WATERMARK))
    rows += [
        (t("export.about.classes", lang), " | ".join(f"{c} {label}" for c, label in
                                                      zip(view.classes.colors, view.classes.labels(fmt_break), strict=False))),
        (t("export.about.sources", lang), view.source),
        (t("export.about.boundaries", lang), view.boundary),
        (t("export.about.date", lang), view.exported),
        (t("export.about.link", lang), view.link),
    ]
    return rows


def render_xlsx(inputs: MapInputs, state: ViewState, today: date | None = None, base_url: str = "") -> bytes:
    """Return an Excel workbook: the data (sources on every row), the zones in view, and an 'about' sheet."""
    lang = state.lang
    view = export_view(inputs, state, today, base_url)
    table = data_table(inputs, state, today, base_url)
    zones = zones_in_view(inputs.zones, state)
    zone_cols = [c for c in ("zone_id", "name_zh", "name_en", "kind", "geometry_quality", "area_km2", "year",
                             "source_url") if c in zones.columns]
    zone_table = pd.DataFrame(zones[zone_cols]).reset_index(drop=True)
    about = pd.DataFrame(_about_rows(view), columns=[t("export.about.item", lang), t("export.about.value", lang)])
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        labelled_headers(table, lang).to_excel(writer, sheet_name=t("export.sheet.data", lang), index=False)
        labelled_headers(zone_table, lang).to_excel(writer, sheet_name=t("export.sheet.zones", lang), index=False)
        about.to_excel(writer, sheet_name=t("export.sheet.about", lang), index=False)
        strings_not_formulas(writer.book)
        links_clickable(writer.book)
    return out.getvalue()


def links_clickable(book) -> int:
    """Make every cell holding a web address (the view link, sources) a hyperlink; return how many.

    Excel shows a URL written as text as text: the view link must open the same map with one click.
    """
    n = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(("http://", "https://")) and " " not in value:
                    cell.hyperlink = value
                    cell.style = "Hyperlink"
                    n += 1
    return n


def strings_not_formulas(book) -> int:
    """Make every cell openpyxl took for a formula (text starting with ``=``) a plain string; return how many.

    Nothing an export writes is meant as a formula: a source note or name that starts with ``=``
    (e.g. ``=HYPERLINK(…)`` from an upload) must reach Excel as text, never run.
    """
    n = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    n += 1
    return n
