// Beijing IP Atlas: the interactive map of the page's first view, drawn before Streamlit has started.
//
// The map page's HTML (ui/firstview.py) carries the link's map as the page's map component will get it:
// <script type="application/json" id="atlas-live">{assets, model, key}</script>. A cookie names the model
// (atlas_live=key): the page's Streamlit session then sends its key instead of the model (ui/atlasmap.py). Once the first view is
// painted (as Streamlit's own scripts), this loads Leaflet and the renderer through the registry the
// component's loader uses (window.__atlasLoads, static/atlasmap/loader.mjs: each file is fetched and run
// once), starts the geometry's fetch (window.__atlasGeo, read by atlas-map.js), and draws the map in the
// first view. When it is drawn it replaces the picture, title, legend and source line there: the map
// pans, zooms, shows tooltips and switches years while Streamlit's JavaScript is still arriving.
//
// The component then takes this map over (loader.mjs: AtlasMap.adopt) instead of drawing its own, and the
// year chosen meanwhile is kept. If Streamlit's page comes first, the component draws as before and this
// gives up (window.__atlasEarly.state: loading → drawn → adopted, or gone / failed). Leaving "loading", it
// dispatches an "atlas-early" event on the document: the page's loader then asks for Streamlit's modules.
(function () {
  'use strict';
  var d = document, w = window, src = d.getElementById('atlas-live');
  if (!src || !w.Promise || !w.fetch || w.__atlasEarly) return;
  var cfg;
  try { cfg = JSON.parse(src.textContent); } catch (e) { return; }
  src.parentNode.removeChild(src);
  var a = cfg.assets, model = cfg.model;
  var early = w.__atlasEarly = {state: 'loading', host: null, inst: null, model: model, key: cfg.key};
  // this browser holds the model now: the page's session is sent its key, not the model again (ui/atlasmap.py)
  d.cookie = 'atlas_live=' + encodeURIComponent(cfg.key) + '; path=/; SameSite=Lax';

  function once(key, make) {
    var reg = (w.__atlasLoads = w.__atlasLoads || {});
    return reg[key] || (reg[key] = make());
  }
  function load(tag, attrs) {  // the map's files come before Streamlit's on a slow network: high priority
    return new Promise(function (ok, fail) {
      var e = d.createElement(tag);
      for (var k in attrs) e[k] = attrs[k];
      e.fetchPriority = 'high';
      e.onload = ok;
      e.onerror = function () { (tag === 'link' ? ok : fail)(new Error('atlas: cannot load ' + (attrs.src || attrs.href))); };
      d.head.appendChild(e);
    });
  }
  function geometry(url) {
    var geo = (w.__atlasGeo = w.__atlasGeo || {});
    if (url && !geo[url]) {
      geo[url] = fetch(url, {credentials: 'same-origin'}).then(function (r) {
        if (!r.ok) throw new Error('atlas: geometry ' + r.status);
        return r.json();
      });
    }
  }
  // the page's loader (ui/firstview.py) asks for Streamlit's modules once this map is drawn or has given up
  function settled() {
    try { d.dispatchEvent(new Event('atlas-early')); } catch (e) { /* an old browser: the loader's own timer */ }
  }
  function give_up(state) {
    var was = early.state;
    if (was === 'loading' || was === 'drawn') early.state = state;
    if (early.inst) early.inst.destroy();
    if (early.host && early.host.parentNode) early.host.parentNode.removeChild(early.host);
    if (was === 'loading') settled();
  }

  function draw() {
    var first = d.getElementById('atlas-first');
    if (early.state !== 'loading') return;
    if (!first) return give_up('gone');
    geometry(model.geometry);
    geometry(model.regionsGeometry);
    var loads = [once(a.leafletCss, function () { return load('link', {rel: 'stylesheet', href: a.leafletCss}); }),
                 once(a.css, function () { return load('link', {rel: 'stylesheet', href: a.css}); }),
                 once(a.leaflet, function () { return load('script', {src: a.leaflet}); })];
    a.renderer.forEach(function (u) { loads.push(once(u, function () { return load('script', {src: u}); })); });
    // laid out in the first view (the map takes its width) but not shown until drawn (ui/firstview.py's style)
    var host = early.host = d.createElement('div');
    host.className = 'atlas-host af-live';
    host.setAttribute('data-testid', 'atlas-map');
    first.appendChild(host);
    Promise.all(loads).then(function () {  // in a task of its own, not in that of the last file's run
      return new Promise(function (ok) { setTimeout(ok, 0); });
    }).then(function () {
      if (early.state !== 'loading' || !first.isConnected) return give_up('gone');  // Streamlit's map came first
      early.inst = w.AtlasMap.mount(host, model, {onReady: function () { show(first, host); }});
    }).catch(function () { give_up('failed'); });  // the picture stays; the component loads and reports
  }

  function show(first, host) {
    if (early.state !== 'loading' || !first.isConnected) return;
    early.state = 'drawn';
    // one step, so nothing that stays moves: the picture and its words out, the map in their place
    [].forEach.call(first.querySelectorAll('.af-title,.af-banner,.af-body,.af-source,.af-wait'), function (e) {
      e.parentNode.removeChild(e);
    });
    host.classList.add('af-live-on');
    first.removeAttribute('aria-busy');
    first.removeAttribute('role');
    settled();
  }

  // after the first view's first paint (as ui/firstview.py's LOADER_SCRIPT; this runs before it, so the
  // map's files are asked for first); at once in a tab opened in the background; at the latest after 5 s
  var started = 0;
  function go() { if (!started) { started = 1; draw(); } }
  if (d.visibilityState !== 'visible') go();
  else {
    setTimeout(go, 5000);
    try {
      new PerformanceObserver(function (p) {
        if (p.getEntriesByName('first-contentful-paint').length) setTimeout(go, 0);
      }).observe({type: 'paint', buffered: true});
    } catch (e) { go(); }
  }
})();
