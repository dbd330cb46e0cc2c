/* Beijing IP Atlas renderer, part 6 of 6: the Leaflet glue (SVG paths), AtlasMap.mount.
 *
 * Reads the layer model of geo/carto/model.py (typed in geo/carto/contract.py) and the geometry
 * asset (geometry_asset). Used by the page and presentation mode (the atlas_map Streamlit
 * component, static/atlasmap/loader.mjs, drawn in the page, no iframe) and by the standalone HTML
 * export (the six parts inlined into a folium page). The parts (atlas-model, -tooltip, -legend,
 * -labels, -controls) are pure and unit-tested with node (tests/js/); this file joins them to Leaflet.
 *
 * The model carries every year: a year change (slider, keys, play) restyles the paths, the
 * legend, the year label and the title in one synchronous step, with no server round trip, and
 * reports the year back through hooks.onYear. Every text from data is set with textContent.
 */
(function (global) {
  'use strict';
  var L, P, M;  // Leaflet and the parts may load after this file (all are fetched at once): taken at mount

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
  // A first draw runs in steps, each a task of its own: between them a slow phone handles a tap or a
  // scroll and paints (one 150-200 ms task at 4x slower CPU otherwise: Lighthouse's blocking time)
  function nextTask() {
    var s = global.scheduler;
    if (s && typeof s.yield === 'function') return s.yield();
    return new Promise(function (ok) { setTimeout(ok, 0); });
  }
  /** Run ``steps`` while ``live()``: one after another in this task, or each in a task of its own (``spread``:
   *  the first too, as the map's mount may have just taken one). Resolves true when all ran. */
  function runSteps(steps, spread, live) {
    var i = 0;
    function next() {
      while (i < steps.length) {
        if (!live()) return false;
        steps[i++]();
        if (spread && i < steps.length) return nextTask().then(next);
      }
      return live();
    }
    return (spread ? nextTask() : Promise.resolve()).then(next);
  }
  function pathsOf(layer, fn) { layer.eachLayer(function (l) { var p = l.getElement && l.getElement(); if (p) fn(p); }); }

  /* Where the parts sit. The page and presentation mode: title, map with the legend beside it, year
   * bar and source under it, in the root. The HTML export: folium made the map (hooks.map); the
   * same parts sit on it as Leaflet controls, and the districts are framed clear of them. */
  function frameIn(root, model, given) {
    var M_ = M, f = {given: given};
    f.head = M_.el('div', 'atlas-head', null, given ? null : root);
    f.title = M_.el('p', 'atlas-title', null, f.head);
    f.banner = M_.el('p', 'atlas-banner', null, f.head);
    f.banner.setAttribute('role', 'note');
    var body = given ? null : M_.el('div', 'atlas-body', null, root);
    f.mapEl = given ? given.getContainer() : M_.el('div', 'atlas-map', null, body);
    f.mapEl.classList.add('atlas-canvas');  // zones let the pointer through to the district (atlas-map.css)
    f.legend = M_.el('div', 'atlas-legend', null, body);
    f.timebarParent = given ? null : root;
    f.source = M_.el('p', 'atlas-source', null, given ? null : root);
    f.pad = given ? {paddingTopLeft: [300, 70], paddingBottomRight: [20, 60]} : {};
    return f;
  }
  function dock(map, f, timebar) {  // the export: the parts become controls on folium's map
    [['topleft', f.head], ['bottomright', timebar], ['bottomright', f.source], ['bottomleft', f.legend]].forEach(function (pc) {
      var ctl = L.control({position: pc[0]});
      ctl.onAdd = function () { L.DomEvent.disableClickPropagation(pc[1]); L.DomEvent.disableScrollPropagation(pc[1]); return pc[1]; };
      ctl.addTo(map);
    });
  }

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
    var self = this, root = this.root, C = P.controls;
    M.checkVersion(model);
    root.classList.add('atlas-root');
    if (model.mode) root.classList.add('atlas-mode-' + model.mode);
    root.setAttribute('lang', model.lang === 'en' ? 'en' : 'zh-CN');
    var given = this.hooks.map;
    var f = this.frame = frameIn(root, model, given);
    this.mapEl = f.mapEl;
    var tb = C.timebar(f.timebarParent, {
      play: function () { self.togglePlay(); },
      index: function (i) { self.setYear(self.model.years[i], true); },
      key: function (key) {
        var y = C.yearKey(key, self.model.years, self.year);
        if (y !== null) self.setYear(y, true);
        return y;
      }
    });
    if (f.timebarParent) f.timebarParent.insertBefore(tb.bar, f.source);  // the year control right under the map, the source below it
    this.timebar = tb.bar; this.playBtn = tb.play; this.slider = tb.slider; this.sliderYear = tb.year;
    this.summaryEl = M.el('p', 'atlas-sr-only', null, root);
    this.summaryEl.setAttribute('aria-live', 'polite');
    this.focusLive = M.el('p', 'atlas-sr-only', null, root);
    this.focusLive.setAttribute('aria-live', 'polite');

    this._size(model);
    var map = given || L.map(this.mapEl, {zoomSnap: 0.25, keyboard: false, attributionControl: true, zoomControl: true,
                                          preferCanvas: false, scrollWheelZoom: model.mode !== 'present'});
    this.map = map;
    if (given) { map.keyboard.disable(); dock(map, f, this.timebar); }
    L.control.scale({imperial: false}).addTo(map);
    this.yearCtl = L.control({position: 'topright'});
    this.yearCtl.onAdd = function () { var d = M.el('div', 'atlas-year-label'); d.setAttribute('aria-hidden', 'true'); return d; };
    this.yearCtl.addTo(map);
    this.onMove = function () { self.placeLabels(); };
    this.legendOpen = false;  // on a phone-sized map the legend starts folded (its title shows)
    this.onLegend = function (open) { self.legendOpen = open; P.legend.fold(self.frame.legend, self.onLegend, open); };
    map.on('zoomend moveend resize', this.onMove);
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
        var what = C.presentKey(e.key);
        if (what === 'exit' && self.hooks.onExit) { self.hooks.onExit(); e.preventDefault(); }
        else if ((what === 1 || what === -1) && self.hooks.onStep) { self.hooks.onStep(what); e.preventDefault(); }
      };
      document.addEventListener('keydown', this.docKeys);
    }
    this.update(model);
  };

  Atlas.prototype.update = function (model) {
    var old = this.model, self = this;
    M.checkVersion(model);
    this.model = model;
    var T = model.text;
    this._playLabel();
    this.slider.max = String(model.years.length - 1);
    this.slider.setAttribute('aria-label', T.slider);
    this.timebar.hidden = model.years.length < 2;
    this.mapEl.setAttribute('aria-label', T.map_label + ' — ' + T.keys_help);
    if (this._size(model) && old) this.map.invalidateSize({pan: false});
    var year = this.drawYear = M.yearToShow(model, old, this.year);  // a year set while a draw runs its steps wins
    if (!old || !M.same(old.bounds, model.bounds)) this._fit(model);
    if (!old || !M.same(old.basemap, model.basemap)) this._basemap(model.basemap);
    var structure = M.structureKey(model);
    if (structure !== this.structure) {
      this.structure = structure;
      // the first draw in steps, its paths and labels hidden until all are placed (atlas-map.css); a
      // later one (layers switched) in one step, so that nothing flickers
      var first = !this.root.hasAttribute('data-ready');
      var live = function () { return self.model === model && !self.destroyed; };  // else a newer model came, or the map is gone
      if (first) this.root.classList.add('atlas-drawing');
      loadGeometry(model).then(function (geo) {
        if (!live()) return false;
        mark('geometry');
        return runSteps(self._layers(geo).concat([
          function () { self._restyle(self.drawYear); },
          function () { self.placeLabels(); }
        ]), first, live);
      }).then(function (done) {
        if (!done) return;
        self.root.classList.remove('atlas-drawing');
        self.root.setAttribute('data-ready', '1');
        mark('drawn');
        if (self.hooks.onReady && !self.reportedReady) { self.reportedReady = true; self.hooks.onReady(); }
      }).catch(function (err) { self.root.setAttribute('data-error', String(err)); });
    } else {
      this.setYear(year, false, true);
    }
  };

  /** Frame the districts in the map; remember that view (``adopt`` frames again a map nobody moved). */
  Atlas.prototype._fit = function (model) {
    // a phone-sized map keeps Beijing clear of its folded legend (bottom left) and year (top right)
    var pad = this.compact && !this.frame.given ? {paddingTopLeft: [0, 36], paddingBottomRight: [0, 52]} : this.frame.pad;
    this.map.fitBounds(model.bounds, Object.assign({animate: false}, pad));
    this.fitted = {center: this.map.getCenter(), zoom: this.map.getZoom()};
  };

  /** Size the map: phone-sized (compact: smaller labels, height from the width) or as the model says. */
  Atlas.prototype._size = function (model) {
    var width = this.root.clientWidth || 0;
    this.compact = P.labels.isCompact(width);
    this.root.classList.toggle('atlas-compact', this.compact);
    if (this.frame.given) return false;
    var h = P.labels.height(model, width, global.innerHeight || 800);
    if (this.mapEl.style.height === h) return false;
    this.mapEl.style.height = h;
    return true;
  };

  Atlas.prototype._basemap = function (basemap) {
    if (this.tiles) { this.map.removeLayer(this.tiles); this.tiles = null; }
    if (!basemap) return;
    var opt = {attribution: basemap.attr, maxZoom: 18};
    if (basemap.subdomains) opt.subdomains = basemap.subdomains;
    this.tiles = L.tileLayer(basemap.url, opt).addTo(this.map);
  };

  Atlas.prototype._group = function () {
    var g = L.layerGroup().addTo(this.map);
    this.groups.push(g);
    return g;
  };

  /** Return the steps that draw ``geo``'s layers (``update`` runs them): regions, districts, zones, labels.
   *  The paths go into one SVG in the order the steps add them: that is the drawing order. */
  Atlas.prototype._layers = function (geo) {
    var self = this, model = this.model, S = model.style, map = this.map, T = P.tooltip;
    (this.groups || []).forEach(function (g) { map.removeLayer(g); });
    this.groups = [];
    this.paths = {}; this.overlays = {selected: {}, strong: {}, demo: {}}; this.zoneLayers = {}; this.labelMarkers = [];
    this.shapes = {};  // a district's geometry: its strong and demo outlines are made when first shown (_overlay)
    this.order = [];
    var steps = [];
    if (model.layers.regions && geo.r) {
      var rg = this._group();
      steps.push(function () {
        Object.keys(geo.r).forEach(function (code) {
          L.geoJSON(geo.r[code], {style: function () { return S.region; }, interactive: false}).addTo(rg);
        });
      });
    }
    var selected = {};
    model.selected.forEach(function (c) { selected[c] = true; });
    this.selectedSet = selected;
    var dg = this._group(), zg = this._group(), og = this._group(), fg = this._group();
    this.strongGroup = this._group();
    this.demoGroup = this._group();
    this.focusGroup = fg;
    map.removeLayer(fg); fg.addTo(map);  // the focus outline above everything: added last
    this.zoneGroup = zg;
    var lg = this._group();
    var fill = model.layers.districts ? {fillColor: S.noData, fillOpacity: S.district.fillOpacity, color: S.district.color, weight: S.district.weight}
                                      : {fill: false, color: S.outline, weight: 0.8};
    var half = Math.ceil(model.districts.length / 2);  // in two steps: each district's path is made and projected
    [model.districts.slice(0, half), model.districts.slice(half)].forEach(function (part) { steps.push(function () {
      part.forEach(function (d) {
        var g = geo.d[d.id];
        if (!g) return;
        self.shapes[d.id] = g;
        if (model.layers.districts || model.layers.strong) {
          var layer = L.geoJSON(g, {style: function () { return fill; }});
          layer.bindTooltip(function () { return T.tipBox(T.districtTip(self.model, self.year, d.id)); },
                            {sticky: true, className: 'atlas-tip', direction: 'auto'});
          layer.on('click', function () { self.focusDistrict(d.id, false); self._pick(d.id); });
          layer.addTo(dg);
          self.paths[d.id] = layer;
          self.order.push(d.id);
        }
        if (selected[d.id]) self.overlays.selected[d.id] = L.geoJSON(g, {style: function () { return S.selected; }, interactive: false}).addTo(og);
      });
    }); });
    steps.push(function () {
      model.zones.forEach(function (z) {
        var g = geo.z[z.id];
        if (!g) return;
        var layer;
        if (z.point) {
          var c = g.coordinates, st = S.point;
          layer = L.circleMarker([c[1], c[0]], {radius: st.radius, weight: st.weight, dashArray: st.dashArray,
                                                color: z.style.color, fillColor: z.style.color, fillOpacity: st.fillOpacity});
        } else {
          // a zone's outline answers the pointer, its inside lets it through to the district below
          // (中关村科学城 is the whole of 海淀: otherwise 海淀's value and profile could not be reached)
          layer = L.geoJSON(g, {style: function () { return Object.assign({className: 'atlas-zone'}, z.style); }});
        }
        layer.bindTooltip(function () { return T.tipBox(T.zoneTip(z)); }, {sticky: true, className: 'atlas-tip'});
        self.zoneLayers[z.id] = layer;
      });
    });
    steps.push(function () {
      P.labels.byPriority(model.labels).forEach(function (lb) {
        var wrap = M.el('div', 'atlas-label-wrap');
        var line = M.el('i', 'atlas-leader', null, wrap);
        line.hidden = true;
        var span = M.el('span', 'atlas-label atlas-label-' + lb.kind, lb.text, wrap);
        if (lb.color) { span.style.color = lb.color; line.style.borderTopColor = lb.color; }
        var icon = L.divIcon({html: wrap, className: 'atlas-label-icon', iconSize: null});
        var m = L.marker(lb.at, {icon: icon, interactive: false, keyboard: false}).addTo(lg);
        self.labelMarkers.push({m: m, lb: lb, span: span, line: line});
      });
      self._a11yPaths();
    });
    return steps;
  };

  /** A district's strong or demo outline (``kind``), made when first shown (undefined until then). */
  Atlas.prototype._overlay = function (kind, code, on) {
    var o = this.overlays[kind], S = this.model.style, g = this.shapes[code];
    if (!o[code] && on && g) o[code] = L.geoJSON(g, {style: function () { return S[kind]; }, interactive: false});
    return o[code];
  };

  Atlas.prototype._a11yPaths = function () {
    var self = this;
    this.order.forEach(function (code, i) {
      pathsOf(self.paths[code], function (p) {
        p.setAttribute('role', 'button');
        p.setAttribute('tabindex', i === Math.max(self.focusIndex, 0) ? '0' : '-1');
        p.setAttribute('data-code', code);
        p.addEventListener('focus', function () { self.focusDistrict(code, true); });
      });
    });
  };

  /** The tooltip lines of a district in the year shown (for tests and tools; the tooltip itself is P.tooltip). */
  Atlas.prototype.tipLines = function (code) { return P.tooltip.districtTip(this.model, this.year, code).lines; };
  Atlas.prototype.ariaLabel = function (code) { return P.tooltip.ariaLabel(this.model, this.year, code); };

  Atlas.prototype.setYear = function (year, report, force) {
    var m = this.model;
    if (!m || !M.frame(m, year)) return;
    if (year === this.year && !force) return;
    this.drawYear = year;
    this._restyle(year);
    this.placeLabels();
    if (report) this._report();
  };

  /** Show ``year``: fills, outlines, zones, legend, year label, title, banner, source (the labels: placeLabels). */
  Atlas.prototype._restyle = function (year) {
    var m = this.model;
    if (!m || !M.frame(m, year)) return;
    this.year = year;
    var f = M.frame(m, year), S = m.style, self = this;
    var anySel = m.selected.length > 0;
    Object.keys(this.paths || {}).forEach(function (code) {
      var c = M.cell(m, year, code);
      var layer = self.paths[code];
      if (m.layers.districts) {
        layer.setStyle({fillColor: c.f, fillOpacity: anySel && !self.selectedSet[code] ? S.dimmedOpacity : S.district.fillOpacity});
      }
      pathsOf(layer, function (p) { p.setAttribute('aria-label', self.ariaLabel(code)); });
      var strong = m.layers.strong && !!(c.k && c.k.length), demo = m.layers.districts && c.s === 'demo';
      self._toggle(self.strongGroup, self._overlay('strong', code, strong), strong);
      self._toggle(self.demoGroup, self._overlay('demo', code, demo), demo);
    });
    var shown = {};
    f.zones.forEach(function (id) { shown[id] = true; });
    Object.keys(this.zoneLayers || {}).forEach(function (id) { self._toggle(self.zoneGroup, self.zoneLayers[id], !!shown[id]); });
    this.shownZones = shown;
    // legend, year label, title, banner, source: the same synchronous step as the fills
    this.legendKey = P.legend.draw(this.frame.legend, m, f, this.legendKey, this.compact ? this.onLegend : null, this.legendOpen);
    this.yearCtl.getContainer().textContent = String(year);
    this.frame.title.textContent = f.title;
    this.frame.banner.textContent = f.banner ? '⚠ ' + f.banner : '';
    this.frame.banner.hidden = !f.banner;
    this.frame.source.textContent = f.source;
    this.summaryEl.textContent = f.summary;
    this.mapEl.setAttribute('aria-description', f.summary);
    this.slider.value = String(m.years.indexOf(year));
    this.slider.setAttribute('aria-valuetext', M.fmt(m.text.yearOf, {year: year}));
    this.sliderYear.textContent = String(year);
    this.root.setAttribute('data-year', String(year));
    if (this.focusIndex >= 0) this._drawFocus(this.order[this.focusIndex]);
  };

  Atlas.prototype._toggle = function (group, layer, on) {
    if (!group || !layer) return;
    var has = group.hasLayer(layer);
    if (on && !has) group.addLayer(layer);
    else if (!on && has) group.removeLayer(layer);
  };

  Atlas.prototype._report = function () {
    var self = this;
    if (!this.hooks.onYear) return;
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(function () { self.hooks.onYear(self.year); }, 250);
  };

  Atlas.prototype._playLabel = function () { P.controls.setPlay(this.playBtn, !!this.playing, this.model.text); };

  Atlas.prototype.togglePlay = function () {
    var self = this;
    if (this.playing) {
      clearInterval(this.playing); this.playing = null;
    } else {
      this.playing = setInterval(function () { self.setYear(P.controls.nextYear(self.model.years, self.year), true); },
                                 this.model.playMs || 1200);
    }
    this._playLabel();
  };

  // --- keyboard on the map: arrows move between districts, Enter opens the profile, +/- zoom
  Atlas.prototype.onKey = function (e) {
    if (!this.order || !this.order.length) return;
    if (this.model.mode === 'present') return;  // document keys step scenes (see _build)
    if (!P.controls.forMap(e.target)) return;  // the year slider and buttons on the export's map keep their keys
    var act = P.controls.districtKey(e.key, this.order.length, this.focusIndex);
    if (!act) return;
    if (act.zoom) { if (act.zoom > 0) this.map.zoomIn(); else this.map.zoomOut(); return; }
    e.preventDefault();
    if (act.pick) { if (this.focusIndex >= 0) this._pick(this.order[this.focusIndex]); return; }
    e.stopPropagation();
    this.focusDistrict(this.order[act.move], false, true);
  };

  Atlas.prototype.focusDistrict = function (code, fromFocusEvent, moveDomFocus) {
    var i = this.order.indexOf(code);
    if (i < 0) return;
    var self = this;
    this.focusIndex = i;
    this.order.forEach(function (c, k) { pathsOf(self.paths[c], function (p) { p.setAttribute('tabindex', k === i ? '0' : '-1'); }); });
    this._drawFocus(code);
    if (moveDomFocus) pathsOf(this.paths[code], function (p) { if (document.activeElement !== p) p.focus({preventScroll: true}); });
    this.focusLive.textContent = this.ariaLabel(code);
  };

  Atlas.prototype._drawFocus = function (code) {
    this.focusGroup.clearLayers();
    var geo = this.paths[code];
    if (!geo) return;
    var S = this.model.style;
    geo.eachLayer(function (l) {
      var g = l.toGeoJSON();
      L.geoJSON(g, {style: function () { return {color: S.halo, weight: S.focus.weight + 3, fill: false}; }, interactive: false}).addTo(this.focusGroup);
      L.geoJSON(g, {style: function () { return S.focus; }, interactive: false}).addTo(this.focusGroup);
    }, this);
  };

  Atlas.prototype._pick = function (code) {
    this.root.setAttribute('data-picked', code);
    if (this.hooks.onClick) this.hooks.onClick(code);
  };

  // --- labels: texts and visibility written first, then one read of every box, then placements
  Atlas.prototype.placeLabels = function () {
    if (!this.labelMarkers) return;
    var self = this, zoom = this.map.getZoom(), m = this.model, f = M.frame(m, this.year) || {d: {}, zones: []}, LB = P.labels;
    var shown = this.shownZones || {}, todo = [];
    this.labelMarkers.forEach(function (x) {
      var s = x.span, text = LB.text(x.lb, m, f);
      if (s.textContent !== text) s.textContent = text;
      s.style.transform = '';
      x.line.hidden = true;
      s.classList.remove('atlas-hidden');
      if (!LB.visible(x.lb, zoom, m, shown, self.compact)) { s.classList.add('atlas-hidden'); s.setAttribute('data-hidden', 'zoom'); return; }
      todo.push(x);
    });
    var rects = todo.map(function (x) { return {kind: x.lb.kind, rect: x.span.getBoundingClientRect()}; });
    LB.place(rects, this.mapEl.getBoundingClientRect()).forEach(function (at, i) {
      var s = todo[i].span, r = rects[i].rect;
      if (!at) { s.classList.add('atlas-hidden'); s.setAttribute('data-hidden', 'overlap'); return; }
      if (at[0] || at[1]) s.style.transform = 'translate(' + at[0] + 'px,' + at[1] + 'px)';
      s.removeAttribute('data-hidden');
      var lead = LB.leader(at[0], at[1], r.width, r.height);  // moved off its place: a line back to it
      if (lead) {
        todo[i].line.style.width = lead.length + 'px';
        todo[i].line.style.transform = 'rotate(' + lead.angle + 'rad)';
        todo[i].line.hidden = false;
      }
    });
  };

  /** Take over a map drawn before the page's component existed (the first view's, static/atlasmap/early.js).
   *
   * ``model`` is the component's: the same link, so usually the same layers (nothing is drawn again)
   * and the same year. If the user chose another year meanwhile it stays, and is reported
   * (hooks.onYear), as is that the map is drawn (hooks.onReady); a different model is drawn as ``update``
   * draws it. */
  Atlas.prototype.adopt = function (model, hooks) {
    mark('adopt');
    var drawn = this.root.getAttribute('data-ready') === '1' && M.structureKey(model) === this.structure;
    var f = this.fitted, untouched = !!f && this.map.getZoom() === f.zoom && this.map.getCenter().equals(f.center);
    if (this.model && this.model.year === model.year) this.model.yearToken = model.yearToken;  // the link's year, shown already
    this.hooks = hooks || {};
    this.reportedReady = false;
    this.update(model);
    this.map.invalidateSize({pan: false});  // moved into the page: its size may differ
    if (untouched) this._fit(this.model);  // framed for the new size, unless the user has moved the map
    if (drawn) {
      this.reportedReady = true;
      if (this.hooks.onReady) this.hooks.onReady();
    }
    if (this.year !== model.year && this.hooks.onYear) this.hooks.onYear(this.year);
    mark('adopted');
  };

  /** Remove the map, its listeners and timers (the component's cleanup calls it). */
  Atlas.prototype.destroy = function () {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.playing) clearInterval(this.playing);
    clearTimeout(this.reportTimer);
    if (this.resizer) this.resizer.disconnect();
    if (this.docKeys) document.removeEventListener('keydown', this.docKeys);
    if (this.frame.given) this.map.off('zoomend moveend resize', this.onMove);
    else this.map.remove();
    if (this.root.__atlas === this) delete this.root.__atlas;
  };

  global.AtlasMap = {
    /** Draw ``model`` into ``container`` (or update the map already there); return the instance. */
    mount: function (container, model, hooks) {
      L = global.L; P = global.AtlasMapParts; M = P.model;
      var inst = container.__atlas;
      if (inst && !inst.destroyed) { inst.hooks = hooks || inst.hooks; inst.update(model); return inst; }
      inst = new Atlas(container, model, hooks);
      container.__atlas = inst;
      return inst;
    },
    /** Take over the map drawn in ``container`` before (``Atlas.adopt``), or draw one if there is none. */
    adopt: function (container, model, hooks) {
      var inst = container.__atlas;
      if (!inst || inst.destroyed) return global.AtlasMap.mount(container, model, hooks);
      inst.adopt(model, hooks);
      return inst;
    },
    Atlas: Atlas
  };
})(globalThis);
