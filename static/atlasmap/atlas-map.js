/* Beijing IP Atlas — the one map renderer (Leaflet, SVG paths).
 *
 * Reads the layer model of geo/carto/model.py (layer_model) and the geometry asset
 * (geometry_asset). Used by the page and presentation mode (the atlas_map Streamlit component,
 * drawn in the page, no iframe) and by the standalone HTML export (inlined into a folium page).
 *
 * The model carries every year: a year change (slider, keys, play) restyles the paths, the
 * legend, the year label and the title in one synchronous step, with no server round trip, and
 * reports the year back through hooks.onYear. Every text from data is set with textContent.
 */
(function (global) {
  'use strict';
  var L = global.L;  // Leaflet may load after this file (both are fetched at once): taken again at mount

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? '' : values[k]; });
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  var geometryCache = {};
  function fetchJson(url) {
    var preloaded = global.__atlasGeo && global.__atlasGeo[url];  // fetched early by the page (ui/theme.py)
    if (preloaded && !geometryCache[url]) geometryCache[url] = preloaded;
    if (!geometryCache[url]) {
      geometryCache[url] = fetch(url, {credentials: 'same-origin'}).then(function (r) {
        if (!r.ok) throw new Error('atlas: geometry ' + r.status);
        return r.json();
      });
    }
    return geometryCache[url];
  }
  function loadGeometry(model) {
    if (model.geometryData) return Promise.resolve(model.geometryData);
    // the Jing-Jin-Ji regions are a file of their own, fetched only when that layer is shown
    var parts = [fetchJson(model.geometry)];
    if (model.regionsGeometry) parts.push(fetchJson(model.regionsGeometry));
    return Promise.all(parts).then(function (got) {
      var extra = got[1] || {};
      return {d: got[0].d, z: Object.assign({}, got[0].z, extra.z || {}), r: extra.r};
    });
  }
  function mark(name) { try { performance.mark('atlas:' + name); } catch (e) { /* old browser */ } }

  function Atlas(root, model, hooks) {
    mark('mount');
    this.root = root;
    this.hooks = hooks || {};
    this.model = null;
    this.year = null;
    this.focusIndex = -1;
    this.playing = null;
    this.reportTimer = null;
    this._build(model);
  }

  Atlas.prototype._build = function (model) {
    var self = this, root = this.root;
    root.classList.add('atlas-root');
    if (model.mode) root.classList.add('atlas-mode-' + model.mode);
    root.setAttribute('lang', model.lang === 'en' ? 'en' : 'zh-CN');
    var given = this.hooks.map;  // the HTML export: folium made the map, its basemap and controls
    this.head = el('div', 'atlas-head', null, given ? null : root);
    this.titleEl = el('p', 'atlas-title', null, this.head);
    this.bannerEl = el('p', 'atlas-banner', null, this.head);
    this.bannerEl.setAttribute('role', 'note');
    this.body = given ? null : el('div', 'atlas-body', null, root);
    this.mapEl = given ? given.getContainer() : el('div', 'atlas-map', null, this.body);
    if (!given) this.mapEl.style.height = model.height || '620px';
    this.timebar = el('div', 'atlas-timebar', null, given ? null : root);
    this.playBtn = el('button', 'atlas-play', null, this.timebar);
    this.playBtn.type = 'button';
    this.playBtn.addEventListener('click', function () { self.togglePlay(); });
    this.slider = el('input', 'atlas-slider', null, this.timebar);
    this.slider.type = 'range';
    this.slider.step = '1';
    this.slider.addEventListener('input', function () { self.setYear(self.model.years[+self.slider.value], true); });
    this.sliderYear = el('span', 'atlas-slider-year', null, this.timebar);
    this.sliderYear.setAttribute('aria-hidden', 'true');
    this.sourceEl = el('p', 'atlas-source', null, given ? null : root);
    this.summaryEl = el('p', 'atlas-sr-only', null, root);
    this.summaryEl.setAttribute('aria-live', 'polite');
    this.focusLive = el('p', 'atlas-sr-only', null, root);
    this.focusLive.setAttribute('aria-live', 'polite');

    var map = given || L.map(this.mapEl, {zoomSnap: 0.25, keyboard: false, attributionControl: true, zoomControl: true,
                                          preferCanvas: false, scrollWheelZoom: model.mode !== 'present'});
    this.map = map;
    if (given) {
      map.keyboard.disable();
      [['topleft', this.head], ['bottomright', this.timebar], ['bottomright', this.sourceEl]].forEach(function (pc) {
        var ctl = L.control({position: pc[0]});
        ctl.onAdd = function () { L.DomEvent.disableClickPropagation(pc[1]); return pc[1]; };
        ctl.addTo(map);
      });
      root.appendChild(this.summaryEl);
    }
    L.control.scale({imperial: false}).addTo(map);
    this.yearCtl = L.control({position: 'topright'});
    this.yearCtl.onAdd = function () { var d = el('div', 'atlas-year-label'); d.setAttribute('aria-hidden', 'true'); return d; };
    this.yearCtl.addTo(map);
    if (given) {  // the export: the legend sits on the map
      this.legendCtl = L.control({position: 'bottomleft'});
      this.legendCtl.onAdd = function () { var d = el('div', 'atlas-legend'); L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d); return d; };
      this.legendCtl.addTo(map);
      this.legendEl = this.legendCtl.getContainer();
    } else {  // the page: beside the map, never over it
      this.legendEl = el('aside', 'atlas-legend', null, this.body);
    }
    map.on('zoomend moveend resize', function () { self.placeLabels(); });
    this.mapEl.addEventListener('keydown', function (e) { self.onKey(e); });
    if (global.ResizeObserver) {
      this.resizer = new ResizeObserver(function () { map.invalidateSize({pan: false}); });
      this.resizer.observe(this.mapEl);
    }
    if (model.mode === 'present') {
      this.docKeys = function (e) {
        if (!document.body.contains(self.root)) { document.removeEventListener('keydown', self.docKeys); return; }
        var tag = (e.target && e.target.tagName) || '';
        if (tag === 'INPUT' || tag === 'TEXTAREA') return;
        if (e.key === 'Escape' && self.hooks.onExit) { self.hooks.onExit(); e.preventDefault(); }
        else if (e.key === 'PageDown' && self.hooks.onStep) { self.hooks.onStep(1); e.preventDefault(); }
        else if (e.key === 'PageUp' && self.hooks.onStep) { self.hooks.onStep(-1); e.preventDefault(); }
      };
      document.addEventListener('keydown', this.docKeys);
    }
    this.update(model);
  };

  Atlas.prototype.update = function (model) {
    var old = this.model, self = this;
    this.model = model;
    var T = model.text;
    this.playBtn.textContent = this.playing ? T.pause : T.play;
    this.playBtn.setAttribute('aria-label', this.playing ? T.pause : T.play);
    this.slider.min = '0';
    this.slider.max = String(model.years.length - 1);
    this.slider.setAttribute('aria-label', T.slider);
    this.timebar.hidden = model.years.length < 2 || model.mode === 'export-static';
    this.mapEl.setAttribute('aria-label', T.map_label + ' — ' + T.keys_help);
    if (!this.hooks.map) this.mapEl.style.height = model.height || '620px';
    if (model.yearToken !== undefined && (!old || old.yearToken !== model.yearToken)) this.year = null;
    var year = this.year !== null && model.frames[String(this.year)] ? this.year : model.year;
    if (!old || !same(old.bounds, model.bounds)) {
      // on the export's map the legend and title boxes sit over it: keep the districts clear of them
      var pad = this.hooks.map ? {paddingTopLeft: [300, 70], paddingBottomRight: [20, 60]} : {};
      this.map.fitBounds(model.bounds, Object.assign({animate: false}, pad));
    }
    if (!old || !same(old.basemap, model.basemap)) this._basemap(model.basemap);
    var geoKey = model.geometry || 'inline';
    var structure = JSON.stringify([geoKey, model.layers, model.zones.map(function (z) { return z.id; }),
                                    model.labels.length, model.selected, model.lang]);
    if (structure !== this.structure) {
      this.structure = structure;
      loadGeometry(model).then(function (geo) {
        if (self.model !== model) return;  // a newer model arrived meanwhile
        mark('geometry');
        self._layers(geo);
        self.setYear(year, false, true);
        self.root.setAttribute('data-ready', '1');
        mark('drawn');
        if (self.hooks.onReady && !self.reportedReady) { self.reportedReady = true; self.hooks.onReady(); }
      }).catch(function (err) { self.root.setAttribute('data-error', String(err)); });
    } else {
      this.setYear(year, false, true);
    }
  };

  Atlas.prototype._basemap = function (basemap) {
    if (this.tiles) { this.map.removeLayer(this.tiles); this.tiles = null; }
    if (!basemap) return;
    var opt = {attribution: basemap.attr, maxZoom: 18};
    if (basemap.subdomains) opt.subdomains = basemap.subdomains;
    this.tiles = L.tileLayer(basemap.url, opt).addTo(this.map);
  };

  Atlas.prototype._clear = function () {
    var map = this.map;
    (this.groups || []).forEach(function (g) { map.removeLayer(g); });
    this.groups = [];
  };

  Atlas.prototype._group = function () {
    var g = L.layerGroup().addTo(this.map);
    this.groups.push(g);
    return g;
  };

  Atlas.prototype._layers = function (geo) {
    var self = this, model = this.model, S = model.style, map = this.map;
    this._clear();
    this.paths = {}; this.overlays = {selected: {}, strong: {}, demo: {}}; this.zoneLayers = {}; this.labelMarkers = [];
    if (model.layers.regions && geo.r) {
      var rg = this._group();
      Object.keys(geo.r).forEach(function (code) {
        L.geoJSON(geo.r[code], {style: function () { return S.region; }, interactive: false}).addTo(rg);
      });
    }
    var selected = {};
    model.selected.forEach(function (c) { selected[c] = true; });
    this.selectedSet = selected;
    var dg = this._group(), zg = this._group(), og = this._group(), fg = this._group();
    this.order = [];
    model.districts.forEach(function (d) {
      var g = geo.d[d.id];
      if (!g) return;
      if (model.layers.districts || model.layers.strong) {
        var layer = L.geoJSON(g, {style: function () {
          return model.layers.districts ? {fillColor: S.noData, fillOpacity: S.district.fillOpacity, color: S.district.color, weight: S.district.weight}
                                        : {fill: false, color: '#888888', weight: 0.8};
        }});
        layer.bindTooltip(function () { return self._tip(d.id); }, {sticky: true, className: 'atlas-tip', direction: 'auto'});
        layer.on('click', function () { self.focusDistrict(d.id, false); self._pick(d.id); });
        layer.addTo(dg);
        self.paths[d.id] = layer;
        self.order.push(d.id);
      }
      if (selected[d.id]) self.overlays.selected[d.id] = L.geoJSON(g, {style: function () { return S.selected; }, interactive: false}).addTo(og);
      self.overlays.strong[d.id] = L.geoJSON(g, {style: function () { return S.strong; }, interactive: false});
      self.overlays.demo[d.id] = L.geoJSON(g, {style: function () { return S.demo; }, interactive: false});
    });
    this.strongGroup = this._group();
    this.demoGroup = this._group();
    this.focusGroup = fg;
    // move the focus group above everything: re-add last
    map.removeLayer(fg); fg.addTo(map);
    model.zones.forEach(function (z) {
      var g = geo.z[z.id];
      if (!g) return;
      var layer;
      if (z.point) {
        var c = g.coordinates;
        var st = S.point;
        layer = L.circleMarker([c[1], c[0]], {radius: st.radius, weight: st.weight, dashArray: st.dashArray,
                                              color: z.style.color, fillColor: z.style.color, fillOpacity: st.fillOpacity});
      } else {
        // a zone's outline answers the pointer, its inside lets it through to the district below
        // (中关村科学城 is the whole of 海淀: otherwise 海淀's value and profile could not be reached)
        layer = L.geoJSON(g, {style: function () { return Object.assign({className: 'atlas-zone'}, z.style); }});
      }
      layer.bindTooltip(function () { return self._lines(z.tip, z.warn ? 1 : -1); }, {sticky: true, className: 'atlas-tip'});
      self.zoneLayers[z.id] = layer;
    });
    this.zoneGroup = zg;
    // labels
    var lg = this._group();
    model.labels.slice().sort(function (a, b) { return b.prio - a.prio; }).forEach(function (lb) {
      var span = el('span', 'atlas-label atlas-label-' + lb.kind, lb.text);
      if (lb.color) span.style.color = lb.color;
      var icon = L.divIcon({html: span, className: 'atlas-label-icon', iconSize: null});
      var m = L.marker(lb.at, {icon: icon, interactive: false, keyboard: false}).addTo(lg);
      self.labelMarkers.push({m: m, lb: lb, span: span});
    });
    this._a11yPaths();
  };

  Atlas.prototype._a11yPaths = function () {
    var self = this;
    this.order.forEach(function (code, i) {
      self.paths[code].eachLayer(function (l) {
        var p = l.getElement && l.getElement();
        if (!p) return;
        p.setAttribute('role', 'button');
        p.setAttribute('tabindex', i === Math.max(self.focusIndex, 0) ? '0' : '-1');
        p.setAttribute('data-code', code);
        p.addEventListener('focus', function () { self.focusDistrict(code, true); });
        p.addEventListener('keydown', function (e) { self.onKey(e); });
      });
    });
  };

  Atlas.prototype._lines = function (lines, warnLine) {
    var box = el('div', 'atlas-tip-box');
    lines.forEach(function (line, i) {
      el('div', i === 0 ? 'atlas-tip-name' : (i === warnLine ? 'atlas-tip-warn' : 'atlas-tip-line'), line, box);
    });
    return box;
  };

  Atlas.prototype.cell = function (code) {
    var f = this.model.frames[String(this.year)];
    return (f && f.d[code]) || {f: this.model.style.noData, s: '', v: '—'};
  };

  Atlas.prototype.tipLines = function (code) {
    var m = this.model, T = m.text, c = this.cell(code);
    var d = m.districts.filter(function (x) { return x.id === code; })[0];
    var lines = [d.names, (c.v + ' ' + (T.marks[c.s] || '')).trim()];
    var rank = c.r ? fmt(T.rank, {rank: c.r}) : '';
    lines.push([rank, fmt(T.yearOf, {year: this.year})].filter(Boolean).join(' · '));
    if (c.s) lines.push(T.source + ': ' + m.sources[c.src]);
    (c.k || []).forEach(function (k) { lines.push(T.strongMark + ' ' + m.designations[k]); });
    return lines;
  };

  Atlas.prototype.ariaLabel = function (code) {
    var m = this.model, T = m.text, c = this.cell(code);
    var d = m.districts.filter(function (x) { return x.id === code; })[0];
    var parts = [d.name, c.v, T.status[c.s] || T.status['']];
    if (c.r) parts.push(fmt(T.rank, {rank: c.r}));
    if (c.k && c.k.length) parts.push(T.strong);
    return parts.join(', ');
  };

  Atlas.prototype._tip = function (code) {
    var c = this.cell(code);
    return this._lines(this.tipLines(code), c.s === 'demo' ? 1 : -1);
  };

  Atlas.prototype.setYear = function (year, report, force) {
    var m = this.model;
    if (!m || !m.frames[String(year)]) return;
    if (year === this.year && !force) return;
    this.year = year;
    var f = m.frames[String(year)], S = m.style, self = this;
    var anySel = m.selected.length > 0;
    Object.keys(this.paths || {}).forEach(function (code) {
      var c = f.d[code] || {f: S.noData, s: ''};
      var layer = self.paths[code];
      if (m.layers.districts) {
        layer.setStyle({fillColor: c.f, fillOpacity: anySel && !self.selectedSet[code] ? S.dimmedOpacity : S.district.fillOpacity});
      }
      layer.eachLayer(function (l) { var p = l.getElement && l.getElement(); if (p) p.setAttribute('aria-label', self.ariaLabel(code)); });
      self._toggle(self.strongGroup, self.overlays.strong[code], m.layers.strong && !!(c.k && c.k.length));
      self._toggle(self.demoGroup, self.overlays.demo[code], m.layers.districts && c.s === 'demo');
    });
    var shown = {};
    f.zones.forEach(function (id) { shown[id] = true; });
    Object.keys(this.zoneLayers || {}).forEach(function (id) { self._toggle(self.zoneGroup, self.zoneLayers[id], !!shown[id]); });
    this.shownZones = shown;
    // legend, year label, title, banner, source: the same synchronous step as the fills
    this._legend(f);
    this.yearCtl.getContainer().textContent = String(year);
    this.titleEl.textContent = f.title;
    this.bannerEl.textContent = f.banner ? '⚠ ' + f.banner : '';
    this.bannerEl.hidden = !f.banner;
    this.sourceEl.textContent = f.source;
    this.summaryEl.textContent = f.summary;
    this.mapEl.setAttribute('aria-description', f.summary);
    var idx = m.years.indexOf(year);
    this.slider.value = String(idx);
    this.slider.setAttribute('aria-valuetext', fmt(m.text.yearOf, {year: year}));
    this.sliderYear.textContent = String(year);
    this.root.setAttribute('data-year', String(year));
    if (this.focusIndex >= 0) this._drawFocus(this.order[this.focusIndex]);
    this.placeLabels();
    if (report) this._report();
  };

  Atlas.prototype._toggle = function (group, layer, on) {
    if (!group || !layer) return;
    var has = group.hasLayer(layer);
    if (on && !has) group.addLayer(layer);
    else if (!on && has) group.removeLayer(layer);
  };

  Atlas.prototype._legend = function (f) {
    var items = (this.model.legends[f.legend] || []).slice();
    if (this.model.selectionLegend) {  // the selection's line goes after the classes (see select_districts)
      var at = items.findIndex(function (it) { return it.warn && !it.heading; });
      items.splice(at < 0 ? items.length : at + 1, 0, this.model.selectionLegend);
    }
    var key = JSON.stringify([items, f.legendTitle]);
    if (key === this.legendKey) return;
    this.legendKey = key;
    var box = this.legendEl;
    box.textContent = '';
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', this.model.text.legend);
    if (f.legendTitle) el('div', 'lg-title', f.legendTitle, box);
    items.forEach(function (it) {
      if (it.heading) { el('div', 'lg-sub' + (it.warn ? ' lg-warn' : ''), it.label, box); return; }
      var row = el('div', 'lg-row' + (it.warn ? ' lg-warn' : ''), null, box);
      var sw = el('span', 'sw', null, row);
      sw.setAttribute('aria-hidden', 'true');
      if (it.face) { sw.style.background = it.face; if (it.alpha < 1) sw.style.opacity = String(Math.max(it.alpha * 3, 0.35)); }
      if (it.edge) sw.style.border = Math.max(it.width, 1) + 'px ' + (it.dashed ? 'dashed ' : 'solid ') + it.edge;
      el('span', 'lg-label', it.label, row);
    });
  };

  Atlas.prototype._report = function () {
    var self = this;
    if (!this.hooks.onYear) return;
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(function () { self.hooks.onYear(self.year); }, 250);
  };

  Atlas.prototype.togglePlay = function () {
    var self = this, T = this.model.text;
    if (this.playing) {
      clearInterval(this.playing); this.playing = null;
    } else {
      this.playing = setInterval(function () {
        var ys = self.model.years, i = ys.indexOf(self.year);
        self.setYear(ys[(i + 1) % ys.length], true);
      }, this.model.playMs || 1200);
    }
    this.playBtn.textContent = this.playing ? T.pause : T.play;
    this.playBtn.setAttribute('aria-label', this.playing ? T.pause : T.play);
    this.playBtn.setAttribute('aria-pressed', this.playing ? 'true' : 'false');
  };

  // --- keyboard: arrows move between districts (administrative-code order), Enter opens the profile
  Atlas.prototype.onKey = function (e) {
    if (!this.order || !this.order.length) return;
    if (this.model.mode === 'present') return;  // document keys step scenes (see _build)
    var n = this.order.length, i = this.focusIndex;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') i = (i + 1 + n) % n;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') i = i < 0 ? n - 1 : (i - 1 + n) % n;
    else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = n - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      if (i >= 0) this._pick(this.order[i]);
      e.preventDefault();
      return;
    } else if (e.key === '+' || e.key === '=') { this.map.zoomIn(); return; }
    else if (e.key === '-') { this.map.zoomOut(); return; }
    else return;
    e.preventDefault();
    e.stopPropagation();
    this.focusDistrict(this.order[i], false, true);
  };

  Atlas.prototype.focusDistrict = function (code, fromFocusEvent, moveDomFocus) {
    var i = this.order.indexOf(code);
    if (i < 0) return;
    var self = this;
    this.focusIndex = i;
    this.order.forEach(function (c, k) {
      self.paths[c].eachLayer(function (l) { var p = l.getElement && l.getElement(); if (p) p.setAttribute('tabindex', k === i ? '0' : '-1'); });
    });
    this._drawFocus(code);
    if (moveDomFocus) {
      this.paths[code].eachLayer(function (l) { var p = l.getElement && l.getElement(); if (p && document.activeElement !== p) p.focus({preventScroll: true}); });
    }
    this.focusLive.textContent = this.ariaLabel(code);
  };

  Atlas.prototype._drawFocus = function (code) {
    this.focusGroup.clearLayers();
    var geo = this.paths[code];
    if (!geo) return;
    var S = this.model.style;
    geo.eachLayer(function (l) {
      var g = l.toGeoJSON();
      L.geoJSON(g, {style: function () { return {color: '#ffffff', weight: S.focus.weight + 3, fill: false}; }, interactive: false}).addTo(this.focusGroup);
      L.geoJSON(g, {style: function () { return S.focus; }, interactive: false}).addTo(this.focusGroup);
    }, this);
  };

  Atlas.prototype._pick = function (code) {
    this.root.setAttribute('data-picked', code);
    if (this.hooks.onClick) this.hooks.onClick(code);
  };

  // --- labels: halo (CSS), priority, candidates around the anchor, hidden when no room is left
  Atlas.prototype.placeLabels = function () {
    if (!this.labelMarkers) return;
    var zoom = this.map.getZoom(), m = this.model, f = m.frames[String(this.year)] || {d: {}, zones: []};
    var shown = this.shownZones || {}, placed = [], box = this.mapEl.getBoundingClientRect();
    // write phase: texts and visibility; then one read phase (all boxes at once, one layout), then
    // the placements: no layout is forced per label
    var todo = [];
    this.labelMarkers.forEach(function (x) {
      var lb = x.lb, s = x.span;
      // presentation mode names every zone it shows; overlaps still give way by priority
      var minZoom = m.mode === 'present' && lb.kind === 'zone' ? 0 : (lb.minZoom || 0);
      var visible = zoom >= minZoom && zoom <= (lb.maxZoom === undefined ? 99 : lb.maxZoom);
      if (lb.kind === 'zone') visible = visible && !!shown[lb.id];
      if (lb.kind === 'district') {
        var c = f.d[lb.id] || {};
        var text = lb.text + (m.layers.strong && c.k && c.k.length ? ' ' + m.text.strongMark : '');
        if (s.textContent !== text) s.textContent = text;
      }
      s.style.transform = '';
      s.classList.remove('atlas-hidden');
      if (!visible) { s.classList.add('atlas-hidden'); s.setAttribute('data-hidden', 'zoom'); return; }
      todo.push(x);
    });
    var rects = todo.map(function (x) { return x.span.getBoundingClientRect(); });
    todo.forEach(function (x, i) {
      var lb = x.lb, s = x.span, r0 = rects[i];
      var w = r0.width, h = r0.height;
      var cands = lb.kind === 'district' ? [[0, 0], [0, -h * 0.9], [0, h * 0.9]]
        : [[0, 0], [0, h], [0, -h], [w * 0.55, 0], [-w * 0.55, 0], [0, 2 * h], [0, -2 * h], [w * 0.55, h], [-w * 0.55, h],
           [w * 0.55, -h], [-w * 0.55, -h], [0, 3 * h]];
      for (var k = 0; k < cands.length; k++) {
        var dx = cands[k][0], dy = cands[k][1];
        var r = {left: r0.left + dx - 1, right: r0.right + dx + 1, top: r0.top + dy - 1, bottom: r0.bottom + dy + 1};
        if (r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom) continue;
        var hit = placed.some(function (p) { return !(r.right < p.left || r.left > p.right || r.bottom < p.top || r.top > p.bottom); });
        if (!hit) {
          if (dx || dy) s.style.transform = 'translate(' + dx + 'px,' + dy + 'px)';
          placed.push(r);
          s.removeAttribute('data-hidden');
          return;
        }
      }
      s.classList.add('atlas-hidden');
      s.setAttribute('data-hidden', 'overlap');
    });
  };

  Atlas.prototype.destroy = function () {
    if (this.playing) clearInterval(this.playing);
    if (this.resizer) this.resizer.disconnect();
    if (this.docKeys) document.removeEventListener('keydown', this.docKeys);
    this.map.remove();
  };

  global.AtlasMap = {
    /** Draw ``model`` into ``container`` (or update the map already there); return the instance. */
    mount: function (container, model, hooks) {
      L = global.L;
      var inst = container.__atlas;
      if (inst) { inst.hooks = hooks || inst.hooks; inst.update(model); return inst; }
      inst = new Atlas(container, model, hooks);
      container.__atlas = inst;
      return inst;
    },
    Atlas: Atlas
  };
})(window);
