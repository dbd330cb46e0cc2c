"""Exports of a map view: PNG, PDF, standalone HTML, CSV and XLSX.

Every export carries the title, year, legend, sources, data status, boundary attribution and the
export date; when any demo value is shown it carries :data:`WATERMARK` as well. Colours and
classes are the map's own (:func:`geo.mapbuild.classes_for`, :meth:`geo.classify.Classes.color`).

PNG and PDF are drawn server-side with matplotlib (Agg) and need a CJK font: Debian's
``fonts-noto-cjk`` (found through ``matplotlib.font_manager``). Without one,
:func:`render_image` raises :class:`ExportFontError` with a message saying what to install,
rather than drawing Chinese as empty boxes; the HTML, CSV and XLSX exports need no font.

The HTML export is the folium map of :func:`geo.mapbuild.build_map` with Leaflet's JS and CSS
inlined from ``static/leaflet/``: it opens from disk with no server and no internet.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import escape

import pandas as pd

from geo.classify import NO_DATA_COLOR, Classes
from geo.i18n import t, unit_label
from geo.indicators import INDICATORS, hide_demo
from geo.mapbuild import (
    LEAFLET_CSS,
    LEAFLET_JS,
    ZONE_STYLE,
    MapInputs,
    build_map,
    classes_for,
    district_frame,
    source_line,
    strong_districts,
    view_bounds,
    zones_in_view,
)
from geo.paths import ROOT
from geo.safe import spreadsheet_safe
from geo.source_kind import source_kind, source_kind_label
from geo.state import ViewState, share_url

__all__ = ["WATERMARK", "ExportFontError", "LegendItem", "ExportView", "export_view", "legend_items",
           "find_cjk_font", "draw_figure", "render_image", "render_png", "render_pdf", "render_html",
           "data_table", "render_csv", "render_xlsx", "strings_not_formulas", "file_name", "FORMATS"]

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
STATIC_LEAFLET = ROOT / "static" / "leaflet"


class ExportFontError(RuntimeError):
    """No CJK font is installed, so a PNG/PDF would show Chinese as empty boxes."""


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


def _fmt_break(v: float) -> str:  # the map legend's format
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"


def _status_text(statuses: tuple[str, ...], lang: str) -> str:
    return " / ".join(t(f"status.{s}", lang) for s in statuses) or t("status.none", lang)


def legend_items(inputs: MapInputs, state: ViewState, frame: pd.DataFrame, classes: Classes) -> list[LegendItem]:
    """Return the legend of the view as items: the same entries, colours and texts as the map's legend."""
    lang = state.lang
    items: list[LegendItem] = []
    if "districts" in state.layers:
        ind = INDICATORS[state.indicator]
        statuses = tuple(sorted(set(frame.status) - {""}))
        name = ind.name_en if lang == "en" else ind.name_zh
        items.append(LegendItem(f"{name} ({unit_label(ind.unit, lang)}) · {state.year}", heading=True))
        items.append(LegendItem(f"{t('map.classification', lang)}: {t('cls.' + state.classification, lang)}"
                                f"{t('map.fixed_breaks', lang) if state.fixed_breaks else ''}", heading=True))
        items.append(LegendItem(f"{t('map.status', lang)}: {_status_text(statuses, lang)}", heading=True,
                                warn="demo" in statuses))
        for colour, label in zip(classes.colors, classes.labels(_fmt_break)):
            items.append(LegendItem(label, face=colour, edge="#999999"))
        items.append(LegendItem(t("status.none", lang), face=NO_DATA_COLOR, edge="#999999"))
        if "demo" in statuses:
            items.append(LegendItem(t("legend.demo_outline", lang), face="#ffffff", edge="#7a0000", dashed=True,
                                    width=1.6, warn=True))
    if "strong" in state.layers:
        items.append(LegendItem("★ " + t("legend.strong", lang), face="#ffffff", edge="#111111", width=2.5))
    shown = zones_in_view(inputs.zones, state)
    seen: list[str] = []
    for kind in shown.kind.unique():
        colour, key = ZONE_STYLE.get(kind, ("#555555", "legend.jjj"))
        if key in seen:
            continue
        seen.append(key)
        items.append(LegendItem(t(key, lang), face=colour, edge=colour, dashed=True, width=1.6, alpha=0.15))
    if len(shown) and (shown.geometry_quality == "schematic").any():
        items.append(LegendItem(t("legend.schematic", lang), heading=True))
    if "jjj" in state.layers:
        items.append(LegendItem(t("legend.jjj_regions", lang), face="#2ca02c", edge="#2ca02c", width=1.2,
                                alpha=0.05))
    return items


def export_view(inputs: MapInputs, state: ViewState, today: date | None = None) -> ExportView:
    """Return the texts, classes and legend of ``state`` as every export shows them."""
    lang = state.lang
    frame = district_frame(inputs, state)
    classes = classes_for(inputs, state)
    ind = INDICATORS[state.indicator]
    shows_values = "districts" in state.layers
    statuses = tuple(sorted(set(frame.status) - {""})) if shows_values else ()
    if shows_values:
        subject = t("export.title", lang, indicator=ind.name_en if lang == "en" else ind.name_zh, year=state.year)
    else:
        subject = t("export.layers_only", lang, year=state.year)
    subtitle = t("export.status_line", lang, status=_status_text(statuses, lang)) if shows_values else ""
    return ExportView(
        state=state,
        title=f"{t('app.title', lang)} · {subject}",
        subtitle=subtitle,
        frame=frame,
        classes=classes,
        legend=tuple(legend_items(inputs, state, frame, classes)),
        source=source_line(inputs, state, frame),
        boundary=t("source.boundaries", lang),
        demo="demo" in statuses,
        statuses=statuses,
        exported=(today or date.today()).isoformat(),
        link=share_url(state),
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


def draw_figure(inputs: MapInputs, state: ViewState, today: date | None = None):
    """Return the export as a matplotlib Figure (map, title, legend, sources, status, date, watermark).

    Raises :class:`ExportFontError` when no CJK font is installed.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import patheffects
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    view = export_view(inputs, state, today)
    lang = state.lang
    _font(10)  # fail early, with the clear message, when no CJK font is there
    fig = Figure(figsize=(13.0, 9.0), dpi=150, facecolor="white")
    ax = fig.add_axes((0.02, 0.14, 0.66, 0.74))
    ax.set_axis_off()

    # title and status
    fig.text(0.02, 0.965, view.title, va="top", **_font(17, "bold"))
    if view.subtitle:
        fig.text(0.02, 0.925, view.subtitle, va="top",
                 **_font(11, "bold" if view.demo else "normal", "#b30000" if view.demo else "#333333"))

    # map
    (s, w), (n, e) = view_bounds(inputs, state)
    pad_x, pad_y = (e - w) * 0.03, (n - s) * 0.03
    ax.set_xlim(w - pad_x, e + pad_x)
    ax.set_ylim(s - pad_y, n + pad_y)
    ax.set_aspect(1 / math.cos(math.radians((s + n) / 2)))
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    districts = inputs.districts.merge(view.frame[["code", "value", "status"]], on="code", how="left")
    selected = set(state.districts)
    if "jjj" in state.layers:
        reg = inputs.regions[inputs.regions.level.isin(["province", "city"])]
        reg.plot(ax=ax, facecolor="#2ca02c", alpha=0.05, edgecolor="none")
        reg.boundary.plot(ax=ax, color="#2ca02c", linewidth=0.8)
    if "districts" in state.layers:
        faces = [_blend(view.classes.color(v), 0.35 if selected and c not in selected else 0.9)
                 for v, c in zip(districts.value, districts.code)]
        districts.plot(ax=ax, color=faces, edgecolor="none")
        real = districts[districts.status != "demo"]
        demo = districts[districts.status == "demo"]
        if len(real):
            real.boundary.plot(ax=ax, color="white", linewidth=0.9)
        if len(demo):
            demo.boundary.plot(ax=ax, color="#7a0000", linewidth=0.9, linestyle=(0, (2, 3)))
        if selected:
            districts[districts.code.isin(selected)].boundary.plot(ax=ax, color="black", linewidth=2.2)
        for row in districts.itertuples() if e - w < 3 else ():  # no labels at Jing-Jin-Ji scale
            p = row.geometry.representative_point()
            label = row.name_en if lang == "en" else row.name_zh.removesuffix("区")
            ax.text(p.x, p.y, label, ha="center", va="center", path_effects=halo, zorder=6, **_font(8, "bold"))
    else:
        districts.boundary.plot(ax=ax, color="#888888", linewidth=0.6)
    if "strong" in state.layers:
        strong = districts[districts.code.isin(list(strong_districts(inputs.designations, state.year)))]
        if len(strong):
            strong.boundary.plot(ax=ax, color="#111111", linewidth=2.6, zorder=4)
            for geom in strong.geometry:
                p = geom.representative_point()
                ax.text(p.x, p.y - 0.035, "★", ha="center", va="center", path_effects=halo, zorder=6,
                        **_font(12, "normal", "#111111"))
    zones = zones_in_view(inputs.zones, state)
    for z in zones.itertuples():
        colour = ZONE_STYLE.get(z.kind, ("#555555", ""))[0]
        style = (0, (5, 4)) if z.geometry_quality == "schematic" else "solid"
        part = zones.loc[[z.Index]]
        if z.geometry.geom_type in ("Polygon", "MultiPolygon"):
            part.plot(ax=ax, facecolor=colour, alpha=0.06 if z.kind in ("jjj_zone", "other") else 0.12,
                      edgecolor="none", zorder=3)
            part.boundary.plot(ax=ax, color=colour, linewidth=1.6, linestyle=style, zorder=5)
        elif z.geometry.geom_type == "Point":
            ax.plot([z.geometry.x], [z.geometry.y], marker="o", markersize=7, markerfacecolor=colour + "55",
                    markeredgecolor=colour, linestyle="none", zorder=5)

    # watermark over the map
    if view.demo:
        ax.text(0.5, 0.5, WATERMARK.replace(" / ", "\n"), transform=ax.transAxes, ha="center", va="center",
                rotation=28, alpha=0.28, zorder=10, gid="watermark", **_font(30, "bold", "#b30000"))
        fig.text(0.98, 0.925, "⚠ " + WATERMARK, ha="right", va="top", gid="watermark-banner",
                 bbox={"facecolor": "#fff3f3", "edgecolor": "#b30000", "boxstyle": "round,pad=0.3"},
                 **_font(10, "bold", "#b30000"))

    # legend
    y = 0.88
    x = 0.70
    for item in view.legend:
        colour = "#b30000" if item.warn else ("#222222" if item.heading else "#333333")
        text = _wrap(item.label, 46 if item.heading else 40)
        if item.heading:
            fig.text(x, y, text, va="top", gid="legend", **_font(10, "bold" if item is view.legend[0] else "normal",
                                                                   colour))
        else:
            face = _blend(item.face, item.alpha) if item.face and item.alpha < 1 else item.face
            fig.add_artist(Rectangle((x, y - 0.018), 0.028, 0.016, transform=fig.transFigure, gid="legend-swatch",
                                     facecolor=face or "none", edgecolor=item.edge or "none", linewidth=item.width,
                                     linestyle=(0, (2, 2)) if item.dashed else "solid"))
            fig.text(x + 0.036, y - 0.003, text, va="top", gid="legend",
                     **_font(9.5, "bold" if item.warn else "normal", colour))
        y -= 0.034 + 0.019 * text.count("\n")

    # sources, boundaries, status, date
    footer = [view.source, f"{t('export.exported', lang, date=view.exported)} · "
                           f"{t('export.link', lang, link=view.link)}"]
    ind = INDICATORS[state.indicator]
    if "districts" in state.layers:
        footer.insert(0, f"{t('export.definition', lang)}: {ind.definition_en if lang == 'en' else ind.definition_zh}")
    fig.text(0.02, 0.125, "\n".join(_wrap(line, 190) for line in footer), va="top", gid="source",
             linespacing=1.5, **_font(8, "normal", "#333333"))
    return fig


def _blend(colour: str, alpha: float) -> str:
    """Return ``colour`` at ``alpha`` over white, as an opaque hex colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * alpha) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def render_image(inputs: MapInputs, state: ViewState, fmt: str = "png", today: date | None = None) -> bytes:
    """Return the view as PNG or PDF bytes (raises ExportFontError when no CJK font is installed)."""
    if fmt not in ("png", "pdf"):
        raise ValueError(f"unknown image format {fmt!r}")
    fig = draw_figure(inputs, state, today)
    out = io.BytesIO()
    metadata = {"Title": export_view(inputs, state, today).title} if fmt == "pdf" else {"Software": "Beijing IP Atlas"}
    fig.savefig(out, format=fmt, dpi=150, metadata=metadata)
    return out.getvalue()


def render_png(inputs: MapInputs, state: ViewState, today: date | None = None) -> bytes:
    """Return the view as a PNG (1950 × 1350 px)."""
    return render_image(inputs, state, "png", today)


def render_pdf(inputs: MapInputs, state: ViewState, today: date | None = None) -> bytes:
    """Return the view as a one-page PDF (fonts embedded)."""
    return render_image(inputs, state, "pdf", today)


# --- standalone HTML ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _leaflet_assets() -> tuple[str, str]:
    return ((STATIC_LEAFLET / "leaflet.js").read_text(encoding="utf-8"),
            (STATIC_LEAFLET / "leaflet.css").read_text(encoding="utf-8"))


def render_html(inputs: MapInputs, state: ViewState, today: date | None = None) -> bytes:
    """Return the view as one self-contained HTML file: Leaflet inlined, no tiles, nothing external."""
    offline = state.with_(basemap="none")
    view = export_view(inputs, offline, today)
    lang = state.lang
    html = build_map(inputs, offline).get_root().render()
    js, css = _leaflet_assets()
    script_tag = f'<script src="{LEAFLET_JS}"></script>'
    link_tag = f'<link rel="stylesheet" href="{LEAFLET_CSS}"/>'
    if script_tag not in html or link_tag not in html:
        raise RuntimeError("folium's Leaflet tags changed: cannot inline Leaflet for the offline HTML")
    html = html.replace(script_tag, "<script>" + js.replace("</script", "<\\/script") + "</script>", 1)
    html = html.replace(link_tag, "<style>" + css.replace("</style", "<\\/style") + "</style>", 1)
    title_box = (
        "<div class='atlas-export-title' style='position:absolute;top:10px;right:10px;z-index:1000;max-width:420px;"
        "background:#ffffffee;border:1px solid #bbb;border-radius:4px;padding:6px 10px;"
        "font:13px/1.45 \"Noto Sans CJK SC\",sans-serif;color:#222'>"
        f"<div style='font-weight:700;font-size:15px'>{escape(view.title)}</div>"
        + (f"<div style='color:{'#b30000' if view.demo else '#333'}'>{escape(view.subtitle)}</div>" if view.subtitle
           else "")
        + f"<div style='color:#555;font-size:12px'>{escape(t('export.exported', lang, date=view.exported))} · "
          f"{escape(t('export.html_note', lang))}</div></div>")
    if view.demo:
        title_box += ("<div class='atlas-watermark' style='position:absolute;top:50%;left:50%;z-index:999;"
                      "transform:translate(-50%,-50%) rotate(-20deg);pointer-events:none;color:#b3000040;"
                      "font:700 44px/1.3 \"Noto Sans CJK SC\",sans-serif;text-align:center;white-space:nowrap'>"
                      f"{escape(WATERMARK).replace(' / ', '<br>')}</div>")
    head = (f"<title>{escape(view.title)}</title><meta name='generator' content='Beijing IP Atlas'>"
            "<style>div:has(> .atlas-legend){bottom:56px !important}"
            ".leaflet-control-scale{margin-bottom:22px !important}</style>")  # clear of the scale bar
    html = html.replace("<head>", "<head>" + head, 1)
    marker = "</body>"
    html = html[::-1].replace(marker[::-1], (title_box + marker)[::-1], 1)[::-1] if marker in html else \
        html + title_box
    return html.encode("utf-8")


# --- data: CSV and XLSX ---------------------------------------------------------------------------

def data_table(inputs: MapInputs, state: ViewState, today: date | None = None) -> pd.DataFrame:
    """Return the data behind the view: one row per district with value, status and sources.

    Column names are stable identifiers (the same in both languages); labels are columns of their own.
    ``source_kind`` says where each figure was read (government / official_media / repost / other /
    generated) and ``source_kind_label`` says it in words (官方数据 · 转载来源). With ``state.demo``
    False no demo value is in the table (the cells read "no official figure yet").
    """
    view = export_view(inputs, state, today)
    f = view.frame if state.demo else hide_demo(view.frame)
    kinds = [source_kind(u) if s else "" for u, s in zip(f["source_url"], f["status"])]
    ind = INDICATORS[state.indicator]
    lang = state.lang
    selected = set(state.districts)
    return pd.DataFrame({
        "code": f["code"].astype(str),
        "name_zh": f["name_zh"],
        "name_en": f["name_en"],
        "indicator": state.indicator,
        "indicator_name": ind.name_en if lang == "en" else ind.name_zh,
        "year": state.year,
        "value": f["value"],
        "unit": f["unit"],
        "rank": f["rank"],
        "class_color": [view.classes.color(v) for v in f["value"]],
        "status": f["status"].replace("", "none"),
        "status_label": [t(f"status.{s}", lang) if s else
                         t("status.no_official" if not state.demo and state.indicator == "invention_patents_per_10k"
                           else "status.none", lang) for s in f["status"]],
        "source_kind": kinds,
        "source_kind_label": [source_kind_label(k, s, lang) if s else "" for k, s in zip(kinds, f["status"])],
        "source_note": f["source_note"],
        "source_url": f["source_url"],
        "formula": f["formula"],
        "strong_designations": ["; ".join(str(d["designation_en"] if lang == "en" else d["designation_zh"])
                                          for d in s) for s in f["strong"]],
        "selected": [(c in selected) if selected else True for c in f["code"]],
        "boundary_source": view.boundary,
        "watermark": (view.watermark or "") if state.demo else "",
        "exported": view.exported,
    })


def render_csv(inputs: MapInputs, state: ViewState, today: date | None = None) -> bytes:
    """Return the data behind the view as CSV, UTF-8 with BOM (Excel then reads Chinese correctly).

    Text cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) get a
    leading ``'`` (:func:`geo.safe.spreadsheet_safe`).
    """
    return spreadsheet_safe(data_table(inputs, state, today)).to_csv(index=False).encode("utf-8-sig")


def _about_rows(view: ExportView) -> list[tuple[str, str]]:
    lang = view.state.lang
    ind = INDICATORS[view.state.indicator]
    rows = [
        (t("export.about.title", lang), view.title),
        (t("export.about.indicator", lang), f"{ind.name_en if lang == 'en' else ind.name_zh} "
                                            f"({unit_label(ind.unit, lang)})"),
        (t("export.definition", lang), ind.definition_en if lang == "en" else ind.definition_zh),
        (t("export.about.year", lang), str(view.state.year)),
        (t("export.about.status", lang), _status_text(view.statuses, lang)),
    ]
    if view.demo:
        rows.append((t("export.about.watermark", lang), WATERMARK))
    rows += [
        (t("export.about.classes", lang), " | ".join(f"{c} {label}" for c, label in
                                                      zip(view.classes.colors, view.classes.labels(_fmt_break)))),
        (t("export.about.sources", lang), view.source),
        (t("export.about.boundaries", lang), view.boundary),
        (t("export.about.date", lang), view.exported),
        (t("export.about.link", lang), view.link),
    ]
    return rows


def render_xlsx(inputs: MapInputs, state: ViewState, today: date | None = None) -> bytes:
    """Return an Excel workbook: the data (sources on every row), the zones in view, and an 'about' sheet."""
    lang = state.lang
    view = export_view(inputs, state, today)
    table = data_table(inputs, state, today)
    zones = zones_in_view(inputs.zones, state)
    zone_cols = [c for c in ("zone_id", "name_zh", "name_en", "kind", "geometry_quality", "area_km2", "year",
                             "source_url") if c in zones.columns]
    zone_table = pd.DataFrame(zones[zone_cols]).reset_index(drop=True)
    about = pd.DataFrame(_about_rows(view), columns=[t("export.about.item", lang), t("export.about.value", lang)])
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=t("export.sheet.data", lang), index=False)
        zone_table.to_excel(writer, sheet_name=t("export.sheet.zones", lang), index=False)
        about.to_excel(writer, sheet_name=t("export.sheet.about", lang), index=False)
        strings_not_formulas(writer.book)
    return out.getvalue()


def strings_not_formulas(book) -> int:  # noqa: ANN001 - an openpyxl Workbook
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
