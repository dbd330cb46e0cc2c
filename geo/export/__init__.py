"""Exports of a map view: PNG and PDF (matplotlib), a standalone HTML map, CSV and XLSX.

Everything is drawn from the map's own layer model and style table (:mod:`geo.carto`); every
export carries the title, year, legend, sources, status, boundary attribution, date and an
absolute link back to the view, and the demo watermark whenever a demo value is shown.
The functions live in :mod:`~geo.export.formats` and are re-exported here.
"""

from __future__ import annotations

from geo.export.formats import (
    FORMATS,
    WATERMARK,
    ExportFontError,
    ExportView,
    LegendItem,
    data_table,
    declare_pdf,
    draw_figure,
    export_view,
    file_name,
    find_cjk_font,
    header_codes,
    labelled_headers,
    legend_items,
    render_csv,
    render_html,
    render_image,
    render_pdf,
    render_png,
    render_xlsx,
    strings_not_formulas,
)

__all__ = ["FORMATS", "WATERMARK", "ExportFontError", "ExportView", "LegendItem", "data_table", "declare_pdf", "draw_figure", "export_view", "file_name", "find_cjk_font", "header_codes", "labelled_headers", "legend_items", "render_csv", "render_html", "render_image", "render_pdf", "render_png", "render_xlsx", "strings_not_formulas"]
