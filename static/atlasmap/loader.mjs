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
