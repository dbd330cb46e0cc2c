// Beijing IP Atlas: the atlas_map Streamlit component (v2, drawn in the page, no iframe).
//
// Loads Leaflet, the renderer's parts and its CSS once per browser tab (static files the app
// serves, cached), then mounts or updates the map in this element. Streamlit runs it again whenever
// the data changes, and calls the function it returns when the component leaves the page: that
// destroys the map (its listeners, timers and Leaflet's own). ui/atlasmap.py sends `data`:
// {assets: {leaflet, leafletCss, css, renderer: [urls]}, model} (geo/carto/contract.py), or instead of the
// model its key when the browser holds it (`live`, `yearToken`: the first view's, below). On the map page
// the first view may have drawn this map already (static/atlasmap/early.js): it is taken over, not redrawn.

function once(key, make) {
  const reg = (window.__atlasLoads = window.__atlasLoads || {});
  return reg[key] || (reg[key] = make());
}

function css(url) {
  return once(url, () => new Promise((ok) => {
    const l = document.createElement('link');
    l.rel = 'stylesheet'; l.href = url; l.onload = ok; l.onerror = ok;
    document.head.appendChild(l);
  }));
}

function script(url) {
  return once(url, () => new Promise((ok, fail) => {
    const s = document.createElement('script');
    s.src = url; s.onload = ok; s.onerror = () => fail(new Error('atlas: cannot load ' + url));
    document.head.appendChild(s);
  }));
}

// The map the page's first view drew before Streamlit started (static/atlasmap/early.js), if it is
// drawn: taken over once, by the first map component of the page. One still loading is stopped.
function takeEarly() {
  const early = window.__atlasEarly;
  if (!early || early.state === 'adopted' || early.state === 'gone' || early.state === 'failed') return null;
  if (early.state === 'drawn' && early.host && early.host.isConnected) {
    early.state = 'adopted';
    early.host.classList.remove('af-live', 'af-live-on');
    return early.host;
  }
  early.state = 'gone';  // still loading: this component draws its own map (early.js stops when its files arrive)
  if (early.inst) early.inst.destroy();
  if (early.host) early.host.remove();
  return null;
}

// On a phone the map's controls, the export buttons and the sidebar open as a sheet over the lower half of
// the screen (ui/layout.py, below 761 px). A tap outside an open sheet only closes it, as a phone's sheets
// do: the map above does not take that tap as well (it opened a district's profile under the closing
// sheet); the page is sent a click outside the sheet in its place. Whether a sheet is open is read when
// the tap begins (the sheet closes before the tap's click), once per tap, not by a style rule on the whole
// page: a `body:has(…)` rule had the browser restyle every element of the page at each element Streamlit
// added (issue 22).
export const SHEETS = '[data-testid="stPopoverBody"] .st-key-m_indicator, [data-testid="stPopoverBody"] .st-key-export_png,'
  + ' section[data-testid="stSidebar"][data-collapsed="false"]';
export const PHONE = '(max-width: 760px)';

export function guardSheets(win, host) {
  if (host.__sheetGuard) return;
  host.__sheetGuard = true;
  let seen = win.__atlasSheet;
  if (!seen) {  // one listener per tab, on the window, capturing: it runs before any of the page's own
    seen = win.__atlasSheet = {open: false, pointer: null};
    win.addEventListener('pointerdown', (e) => {
      seen.open = !!(win.matchMedia && win.matchMedia(PHONE).matches && win.document.querySelector(SHEETS));
      seen.pointer = e.pointerId;
    }, true);
  }
  host.addEventListener('click', (e) => {
    // that tap's click (a click from the keyboard has no pointer: never taken)
    if (!seen.open || (e.pointerId !== undefined && e.pointerId !== seen.pointer)) return;
    seen.open = false;
    e.stopPropagation(); e.preventDefault();  // the map's own listeners, below this element, never see it
    // nor does the page: Streamlit closes a popover on a click outside it, the sidebar on the tap's mousedown
    win.document.body.dispatchEvent(new win.MouseEvent('click', {bubbles: true}));
  }, true);
}

// The model: sent, or named by its key when the page's first view brought it (ui/atlasmap.py `_data`).
function modelOf(data) {
  if (data.model) return data.model;
  const early = window.__atlasEarly;
  if (data.live && early && early.key === data.live && early.model) {
    return Object.assign({}, early.model, {yearToken: data.yearToken});
  }
  return null;
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  const a = data.assets;
  const model = modelOf(data);
  if (!model) {  // named but not held here (a cookie from an earlier page): ask for the model itself
    setStateValue('need', data.live || true);
    return () => {};
  }
  let host = parentElement.querySelector(':scope > .atlas-host');
  let adopt = false;
  if (!host) {
    host = takeEarly();
    adopt = !!host;
  }
  if (!host) {
    host = document.createElement('div');
    host.className = 'atlas-host';
    host.setAttribute('data-testid', 'atlas-map');
  }
  if (host.parentElement !== parentElement) parentElement.appendChild(host);
  guardSheets(window, host);
  const loads = [css(a.leafletCss), css(a.css), script(a.leaflet), ...a.renderer.map(script)];
  Promise.all(loads).then(() => {
    if (host.__gone) return;  // left the page while loading
    window.AtlasMap[adopt ? 'adopt' : 'mount'](host, model, {
      onYear: (y) => setStateValue('year', y),
      onClick: (code) => setTriggerValue('click', code),
      onExit: () => setTriggerValue('exit', Date.now()),
      onStep: (d) => setTriggerValue('step', d),
      // drawn; 'compact' when the map is phone-sized (the page then puts its controls under the map)
      onReady: () => setStateValue('ready', host.__atlas && host.__atlas.compact ? 'compact' : true),
    });
  }).catch((err) => { host.textContent = String(err); });
  return () => {  // the component left the page
    host.__gone = true;
    if (host.__atlas) host.__atlas.destroy();
    host.remove();
  };
}
