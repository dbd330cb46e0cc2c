"""Presentation mode's Streamlit glue: the scene list in session state and the URL, full-screen styling,
keyboard stepping, and the save / load / share panel. Scene logic itself is pure (``geo.view.scenes``).
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from geo.data.datasets import MapInputs
from geo.data.indicators import best_year
from geo.text.i18n import LANGS, t
from geo.view.scenes import (
    Scene,
    SceneError,
    decode_scenes,
    encode_scenes,
    project_scenes,
    scene_from_link,
    scene_link,
    scenes_from_json,
    scenes_to_json,
    step,
)
from geo.view.state import ViewState, from_query, to_query
from ui import atlasmap, keys, mapview
from ui.common import upload_hint
from ui.links import app_base_url
from ui.tables import dataframe

__all__ = [
    "current",
    "draw_exit",
    "draw_header",
    "draw_lang_switch",
    "draw_manager",
    "draw_map",
    "draw_style",
    "exit_to_map",
    "init_scenes",
    "view_key",
]

_SCENES, _INDEX, _SEEN = "p_scenes", "p_index", "p_scenes_param_seen"

FULLSCREEN_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"] {display: none !important;}
.block-container, [data-testid="stMainBlockContainer"] {padding: 0.5rem 1.2rem 0.2rem 1.2rem !important;
 max-width: 100% !important;}
.st-key-present_title h1 {font-size: 2.0rem !important; line-height: 1.15; padding: 0 !important;}
.st-key-present_header p, .st-key-present_header button p {font-size: 1.05rem !important; white-space: nowrap;}
.st-key-present_header [data-testid="stVerticalBlock"] {gap: 0.35rem;}
.st-key-present_map .atlas-head {display: none;}
/* nothing cut: the scene list's button and the link/keys line may take two lines rather than lose words */
.st-key-present_header [data-testid="stPopover"] button p,
.st-key-present_header [data-testid="stCaptionContainer"] p {white-space: normal !important; line-height: 1.25;}
.st-key-present_header [data-testid="stPopover"] button div {overflow: visible; text-overflow: clip;}
.st-key-present_header [data-testid="stCaptionContainer"] p {font-size: .95rem !important;}
/* a phone: the controls stay one wrapping row (not one button a line), the keyboard hint goes (no
   keyboard), and the map takes the rest of the screen */
@media (max-width: 760px) {
  .block-container, [data-testid="stMainBlockContainer"] {padding: 0.3rem 0.4rem 0.2rem 0.4rem !important;}
  .st-key-present_title h1 {font-size: 1.2rem !important;}
  .st-key-present_header p, .st-key-present_header button p {font-size: .9rem !important;}
  .st-key-present_header [data-testid="stHorizontalBlock"] {flex-direction: row !important; flex-wrap: wrap !important;
    gap: .3rem !important; align-items: center;}
  .st-key-present_header [data-testid="stColumn"] {width: auto !important; flex: 0 1 auto !important; min-width: 0 !important;}
  .st-key-present_header [data-testid="stColumn"] button {min-height: 2.1rem; padding: 0 .55rem;}
  .st-key-present_header .atlas-keys-hint {display: none;}
  .st-key-present_map {--atlas-present-h: max(300px, calc(100dvh - 255px));}
  .st-key-present_title {margin-bottom: .2rem;}
}
</style>"""

#: The map's height in presentation mode: the window less the header row, the time bar and the source line.
MAP_HEIGHT = "var(--atlas-present-h, max(320px, calc(100vh - 205px)))"  # a phone sets its own (FULLSCREEN_CSS)


def _query_value(key: str) -> str | None:
    value = st.query_params.get(key)
    return None if value is None else str(value)


def init_scenes() -> list[str]:
    """Load the scene list once per session or when the URL's ``scenes`` changes; return error messages."""
    errors: list[str] = []
    param = _query_value("scenes")
    if _SCENES not in st.session_state or st.session_state.get(_SEEN) != param:
        scenes = project_scenes()
        if param:
            try:
                scenes = decode_scenes(param)
            except SceneError as e:
                message = e.message(_lang())
                errors.append(message if e.key == "present.err.bad_param"
                              else t("present.link_failed", _lang(), error=message))
        st.session_state[_SCENES] = scenes
        st.session_state[_SEEN] = param
        st.session_state[_INDEX] = 0
        raw = _query_value("scene")
        if raw and raw.isascii() and raw.isdigit() and len(raw) <= 6:  # int() of 5,000 digits raises
            st.session_state[_INDEX] = step(int(raw) - 1, len(scenes), 0)
    st.session_state[_INDEX] = step(st.session_state.get(_INDEX, 0), len(st.session_state[_SCENES]), 0)
    return errors


def view_key(lang: str) -> tuple:
    """Return what identifies the view shown (scene, scene list, language): link notes stay while it is the same."""
    return ("present", st.session_state[_INDEX], st.session_state.get(_SEEN), lang)


def _lang() -> str:
    from ui.common import lang
    return lang()


def scenes() -> list[Scene]:
    return st.session_state[_SCENES]


def current() -> tuple[int, Scene]:
    i = st.session_state[_INDEX]
    return i, scenes()[i]


def _sync_url() -> None:
    """Keep ``scene`` (1-based) and, for a custom list, ``scenes`` in the URL: the address bar shares the deck."""
    i = st.session_state[_INDEX]
    st.query_params["scene"] = str(i + 1)
    encoded = None if scenes() == project_scenes() else encode_scenes(scenes())
    if encoded:
        st.query_params["scenes"] = encoded
    elif "scenes" in st.query_params:
        del st.query_params["scenes"]
    st.session_state[_SEEN] = encoded


def _go(delta: int) -> None:
    st.session_state[_INDEX] = step(st.session_state[_INDEX], len(scenes()), delta)
    _sync_url()


def _set_lang(code: str) -> None:
    st.query_params["lang"] = code


def draw_style() -> None:
    """Hide the sidebar and header, enlarge type (CSS only; nothing external)."""
    st.html(FULLSCREEN_CSS)


def draw_lang_switch(lang: str) -> None:
    """A compact language switch (the sidebar's is hidden here); it sets the same ``lang`` parameter."""
    labels = {"zh": "中文", "en": "English"}
    cols = st.columns(len(LANGS))
    for col, code in zip(cols, LANGS, strict=False):
        with col:
            st.button(labels[code], key=f"present_lang_{code}", on_click=_set_lang, args=(code,),
                      type="primary" if code == lang else "tertiary", disabled=code == lang)


def draw_header(lang: str) -> None:
    """Draw the scene title and position, then one row of controls: previous/next, language, scenes, exit, link."""
    i, scene = current()
    n = len(scenes())
    with st.container(key="present_header"):
        left, pos_col = st.columns([8, 1.4], vertical_alignment="center")
        with left:
            with st.container(key="present_title"):
                st.title(scene.title(lang))
        with pos_col:
            st.markdown(f"**{escape(t('present.scene_of', lang, i=i + 1, n=n))}**")
        prev_col, next_col, lang_col, manage_col, exit_col, link_col = st.columns(
            [1.3, 1.3, 1.7, 1.6, 1.1, 3.4], vertical_alignment="center")
        with prev_col:
            st.button(t("present.prev", lang), key="present_prev", on_click=_go, args=(-1,), shortcut="Left",
                      disabled=i == 0, width="stretch")
        with next_col:
            st.button(t("present.next", lang), key="present_next", on_click=_go, args=(1,), shortcut="Right",
                      disabled=i == n - 1, width="stretch")
        with lang_col:
            draw_lang_switch(lang)
        with manage_col:
            with st.popover(t("present.manage", lang), width="stretch"):
                draw_manager(lang)
        with exit_col:
            draw_exit(mapview.map_inputs(), lang)
        with link_col:
            link = scene_link(scene, lang, app_base_url())
            st.caption(f"[{t('present.share_scene', lang)}]({link})"
                       f"<span class='atlas-keys-hint'> · {escape(t('present.keys', lang))}</span>", unsafe_allow_html=True)


def _shown_state(inputs: MapInputs, scene: Scene, lang: str) -> ViewState:
    state = scene.state.with_(lang=lang)
    years = mapview.years_for(inputs, state.indicator)
    if state.year not in years:
        state = state.with_(year=best_year(inputs.indicators, state.indicator) or max(years))
    return state


def draw_map(inputs: MapInputs, lang: str) -> None:
    """Draw the current scene's map (the page's own component, larger type) as large as the window allows."""
    i, scene = current()
    state = _shown_state(inputs, scene, lang)
    with st.container(key="present_map"):
        events = atlasmap.draw_atlas_map(inputs, state, key=keys.PRESENT_COMPONENT, year_token=(i, state.year),
                                         mode="present", height=MAP_HEIGHT, play_ms=1500)
    if events.step:
        _go(events.step)
        st.rerun()
    if events.exit:
        exit_to_map(state)


def exit_to_map(state: ViewState) -> None:
    """Leave presentation mode for the map page, showing the same view."""
    st.switch_page("views/map.py", query_params=to_query(state))


def draw_exit(inputs: MapInputs, lang: str) -> None:
    """Draw the exit button (Esc does the same): back to the map with the scene's view."""
    _, scene = current()
    if st.button(t("present.exit", lang), key="present_exit", icon=":material/close:", width="stretch"):
        exit_to_map(_shown_state(inputs, scene, lang))


# --- save / load / share --------------------------------------------------------------------------

def _replace(new: list[Scene]) -> None:
    st.session_state[_SCENES] = new
    st.session_state[_INDEX] = 0
    _sync_url()


def _on_upload() -> None:
    lang = _lang()
    file = st.session_state.get("present_upload")
    if file is None:
        return
    try:
        new = scenes_from_json(file.getvalue())
    except SceneError as e:
        st.session_state["present_msg"] = ("error", e.message(lang) + " " + t("present.kept", lang))
        return
    _replace(new)
    st.session_state["present_msg"] = ("success", t("present.loaded", lang, n=len(new)))


def _add(scene: Scene) -> None:
    st.session_state[_SCENES] = [*scenes(), scene]
    st.session_state[_INDEX] = len(scenes()) - 1
    _sync_url()
    st.session_state["present_msg"] = ("success", t("present.added", _lang(), title=scene.title(_lang())))


def _on_add_link() -> None:
    lang = _lang()
    title = st.session_state.get("present_add_title", "").strip() or t("present.saved_view", lang, i=len(scenes()) + 1)
    try:
        scene = scene_from_link(st.session_state.get("present_add_link", ""), title, title)
    except SceneError as e:
        st.session_state["present_msg"] = ("error", e.message(lang) + " " + t("present.kept", lang))
        return
    _add(scene)
    st.session_state["present_add_link"] = ""
    st.session_state["present_add_title"] = ""


def _on_add_current() -> None:
    lang = _lang()
    query = mapview.last_map_query()
    if not query:
        st.session_state["present_msg"] = ("error", t("present.no_current", lang))
        return
    title = t("present.saved_view", "zh", i=len(scenes()) + 1), t("present.saved_view", "en", i=len(scenes()) + 1)
    _add(Scene(title[0], title[1], from_query(dict(query))))


def _on_remove() -> None:
    if len(scenes()) > 1:
        i = st.session_state[_INDEX]
        st.session_state[_SCENES] = [s for k, s in enumerate(scenes()) if k != i]
        st.session_state[_INDEX] = step(i, len(scenes()), 0)
        _sync_url()


def _on_reset() -> None:
    _replace(project_scenes())


def draw_manager(lang: str) -> None:
    """Draw the scene list with its links, and save / load / share / add / remove (in the header's popover)."""
    with st.container(key="present_manager"):
        kind, text = st.session_state.pop("present_msg", (None, None))
        if kind == "error":
            st.error(text)
        elif kind == "success":
            st.success(text)
        base = app_base_url()
        table = pd.DataFrame({
            t("present.col.no", lang): range(1, len(scenes()) + 1),
            t("present.col.title", lang): [s.title(lang) for s in scenes()],
            t("present.col.link", lang): [scene_link(s, lang, base) for s in scenes()],
        })
        st.markdown(f"**{escape(t('present.scene_list', lang))}**")
        dataframe(table, hide_index=True, width="stretch")
        c1, c2 = st.columns(2)
        with c1:
            st.download_button(t("present.save", lang), data=scenes_to_json(scenes()).encode("utf-8"),
                               file_name="beijing-ip-atlas-scenes.json", mime="application/json",
                               key="present_save", on_click="ignore", icon=":material/download:")
            upload_hint(lang)  # Streamlit's own uploader text in the page's language (ui.common)
            st.file_uploader(t("present.load", lang), type=["json"], key="present_upload", on_change=_on_upload)
        with c2:
            share = f"{base}/present?" + urlencode({"scenes": encode_scenes(scenes()), "lang": lang})
            st.markdown(f"**{escape(t('present.share_list', lang))}**")
            st.code(share, language=None, wrap_lines=True)
            st.button(t("present.add_current", lang), key="present_add_current", on_click=_on_add_current)
            st.text_input(t("present.add_link", lang), key="present_add_link")
            st.text_input(t("present.add_title", lang), key="present_add_title")
            st.button(t("present.add", lang), key="present_add", on_click=_on_add_link)
        c3, c4 = st.columns(2)
        with c3:
            st.button(t("present.remove", lang), key="present_remove", on_click=_on_remove, disabled=len(scenes()) < 2)
        with c4:
            st.button(t("present.reset", lang), key="present_reset", on_click=_on_reset)
