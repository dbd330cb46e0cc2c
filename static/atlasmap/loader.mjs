// Beijing IP Atlas: the atlas_map Streamlit component (v2, drawn in the page, no iframe).
//
// Loads Leaflet, the renderer's parts and its CSS once per browser tab (static files the app
// serves, cached), then mounts or updates the map in this element. Streamlit runs it again whenever
// the data changes, and calls the function it returns when the component leaves the page: that
// destroys the map (its listeners, timers and Leaflet's own). ui/atlasmap.py sends `data`:
// {assets: {leaflet, leafletCss, css, renderer: [urls]}, model} (geo/carto/contract.py).

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

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  const a = data.assets;
  let host = parentElement.querySelector(':scope > .atlas-host');
  if (!host) {
    host = document.createElement('div');
    host.className = 'atlas-host';
    host.setAttribute('data-testid', 'atlas-map');
    parentElement.appendChild(host);
  }
  const loads = [css(a.leafletCss), css(a.css), script(a.leaflet), ...a.renderer.map(script)];
  Promise.all(loads).then(() => {
    if (host.__gone) return;  // left the page while loading
    window.AtlasMap.mount(host, data.model, {
      onYear: (y) => setStateValue('year', y),
      onClick: (code) => setTriggerValue('click', code),
      onExit: () => setTriggerValue('exit', Date.now()),
      onStep: (d) => setTriggerValue('step', d),
      onReady: () => setStateValue('ready', true),
    });
  }).catch((err) => { host.textContent = String(err); });
  return () => {  // the component left the page
    host.__gone = true;
    if (host.__atlas) host.__atlas.destroy();
    host.remove();
  };
}
