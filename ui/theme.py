"""The app's look for accessibility: contrast CSS and the document language, applied once per run by app.py.

``.streamlit/config.toml`` sets the theme colours Streamlit exposes (text, links, heading sizes). What
the theme cannot reach is patched here, in one place:

- Streamlit fades captions, blockquotes and widget help with ``opacity: 0.6`` (3.9:1 on white, links
  inside them 3.0:1); WCAG 2.2 AA needs 4.5:1 for body text. They get an opaque muted colour instead.
- Streamlit's ``index.html`` says ``<html lang="en">`` whatever the page language, so a screen
  reader reads Chinese pages with English rules. A zero-height component sets
  ``document.documentElement.lang`` (``zh-CN`` or ``en``) on every run.

Colours are checked by ``tests/test_theme.py`` (contrast ratios) and ``tests/test_a11y_browser.py`` (axe).
"""

from __future__ import annotations

import streamlit as st

from geo.text.i18n import doc_lang
from ui.layout import LINK, MUTED_TEXT, PAGE_CSS, THEME_CSS

__all__ = ["LINK", "MUTED_TEXT", "THEME_CSS", "apply_theme"]

_JS = """
function once(key, make) {
  const reg = (window.__atlasLoads = window.__atlasLoads || {});
  return reg[key] || (reg[key] = make());
}
function tag(name, attrs) {
  return new Promise((ok, fail) => {
    const e = document.createElement(name);
    Object.assign(e, attrs);
    e.onload = ok; e.onerror = () => fail(new Error('atlas: cannot load ' + (attrs.src || attrs.href)));
    document.head.appendChild(e);
  });
}
function onePageOneEntry() {
  // Streamlit pushes a history entry for every URL write of a run (the language, then the view):
  // Back from a page opened from the menu would land on that same page. A write that keeps the
  // page (same path) replaces the entry instead, so Back goes to the page before, in its view.
  if (window.__atlasHistory) return;
  window.__atlasHistory = true;
  const push = window.history.pushState.bind(window.history);
  window.history.pushState = function (state, title, url) {
    try {
      if (url !== undefined && new URL(url, window.location.href).pathname === window.location.pathname) {
        return window.history.replaceState(state, title, url);
      }
    } catch (e) { /* not a URL: as Streamlit asked */ }
    return push(state, title, url);
  };
}
export default function (component) {
  onePageOneEntry();
  const data = component.data || {};
  const lang = data.lang;
  if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
  const a = data.preload;  // the map's assets, fetched while the rest of the page loads
  if (a) {
    once(a.leafletCss, () => tag('link', {rel: 'stylesheet', href: a.leafletCss}).catch(() => {}));
    once(a.css, () => tag('link', {rel: 'stylesheet', href: a.css}).catch(() => {}));
    once(a.leaflet, () => tag('script', {src: a.leaflet})).catch(() => {});
    [].concat(a.renderer).forEach((u) => once(u, () => tag('script', {src: u})).catch(() => {}));
    if (a.geometry) {
      const geo = (window.__atlasGeo = window.__atlasGeo || {});
      if (!geo[a.geometry]) geo[a.geometry] = fetch(a.geometry, {credentials: 'same-origin'}).then((r) => {
        if (!r.ok) throw new Error('atlas: geometry ' + r.status);
        return r.json();
      });
    }
  }
}
"""

_doc_lang_component = st.components.v2.component("atlas_doc_lang", js=_JS, isolate_styles=False)


def apply_theme(lang: str, preload: dict | None = None) -> None:
    """Inject the contrast CSS and set the document language; call once per run, before the page.

    ``preload``: the map's asset URLs (``ui.atlasmap.preload_assets``), fetched by the browser as
    soon as this first element arrives, while the rest of the page is still loading.
    """
    st.html(f"<style>{PAGE_CSS}</style>")  # also in the page's head (ui.firstview): this copy is for a page without it
    data: dict = {"lang": doc_lang(lang)}
    if preload:
        data["preload"] = preload
    _doc_lang_component(key="atlas_doc_lang", data=data, height=0)
