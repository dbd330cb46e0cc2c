"""The map page's export panel: download buttons that never rerun or reset the app.

Each button gets a callable that ``geo.export`` runs only when it is clicked (Streamlit runs it on
its own thread), and ``on_click="ignore"`` so the download does not rerun the page.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from geo import export
from geo.carto.model import district_frame
from geo.data.datasets import MapInputs
from geo.text.i18n import t
from geo.view.state import ViewState
from ui.links import app_base_url

__all__ = ["draw_export_panel"]

_BUTTONS = (  # format, label key, renderer
    ("png", "export.png", export.render_png),
    ("pdf", "export.pdf", export.render_pdf),
    ("html", "export.html", export.render_html),
    ("csv", "export.csv", export.render_csv),
    ("xlsx", "export.xlsx", export.render_xlsx),
)


def _deferred(render, inputs: MapInputs, state: ViewState, base_url: str):
    def make() -> bytes:
        return render(inputs, state, date.today(), base_url)
    return make


def draw_export_panel(inputs: MapInputs, state: ViewState, frame: pd.DataFrame | None = None,
                      compact: bool = False) -> None:
    """Draw the export buttons for ``state`` (the map's current view; ``frame`` if the page has it).

    In a row; on a phone (``compact``) in a popover that opens as a sheet (``ui.layout``): the browser
    builds the buttons only when it is opened (~0.2 s of blocking at 4x CPU saved on load, README)."""
    lang = state.lang
    has_font = export.find_cjk_font() is not None
    st.header(t("export.heading", lang))
    frame = district_frame(inputs, state) if frame is None else frame
    view_demo = "districts" in state.layers and (frame.status == "demo").any()
    st.caption(t("export.note", lang))
    if view_demo:
        st.caption("⚠ " + t("export.demo_note", lang))
    base = app_base_url()
    if compact:
        sheet = st.popover(t("export.open", lang), icon=":material/download:", width="stretch", key="export_sheet")
        cols = [sheet] * len(_BUTTONS)
    else:
        cols = st.columns(len(_BUTTONS))
    for col, (fmt, label, render) in zip(cols, _BUTTONS, strict=False):
        needs_font = fmt in ("png", "pdf")
        with col:
            st.download_button(
                t(label, lang), data=_deferred(render, inputs, state, base), file_name=export.file_name(state, fmt),
                mime=export.FORMATS[fmt][1], key=f"export_{fmt}", on_click="ignore", icon=":material/download:",
                disabled=needs_font and not has_font, width="stretch",
            )
    if not has_font:
        st.warning(t("export.no_font", lang))
