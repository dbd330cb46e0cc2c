/* Beijing IP Atlas renderer, part 1 of 6: reading the layer model (geo/carto/contract.py).
 *
 * The renderer is a few classic scripts (no modules: the HTML export opens from disk, where module
 * scripts cannot load) that each add one part to globalThis.AtlasMapParts; atlas-map.js, the
 * Leaflet glue, takes the parts when it mounts a map. Node's test runner loads the same files
 * (tests/js/). The parts may run in any order (the page fetches them at once): each takes
 * another part only when called. This part is the one place a frame or a cell of the model is read.
 */
(function (P) {
  'use strict';
  /** The model version this renderer reads (geo.carto.contract.MODEL_VERSION). */
  var VERSION = 2;

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? '' : values[k]; });
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function el(tag, cls, text, parent) {  // every text is set as text, never as HTML
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function checkVersion(model) {
    if (!model || model.v !== VERSION) throw new Error('atlas: layer model version ' + (model && model.v) + ', this renderer reads ' + VERSION);
  }
  function frame(model, year) { return model.frames[String(year)] || null; }
  function cell(model, year, code) {
    var f = frame(model, year);
    return (f && f.d[code]) || {f: model.style.noData, s: '', v: '—'};
  }
  function district(model, code) {
    for (var i = 0; i < model.districts.length; i++) if (model.districts[i].id === code) return model.districts[i];
    return null;
  }
  /** The year to show: the one shown so far if the model has it (and no new yearToken says otherwise), else the model's. */
  function yearToShow(model, old, current) {
    if (model.yearToken !== undefined && (!old || old.yearToken !== model.yearToken)) current = null;
    return current !== null && current !== undefined && frame(model, current) ? current : model.year;
  }
  /** What, when it changes, needs the layers built again (otherwise a restyle is enough). */
  function structureKey(model) {
    return JSON.stringify([model.geometry || 'inline', model.regionsGeometry || null, model.layers,
                           model.zones.map(function (z) { return z.id; }), model.labels.length, model.selected, model.lang]);
  }

  P.model = {VERSION: VERSION, fmt: fmt, same: same, el: el, checkVersion: checkVersion, frame: frame, cell: cell,
             district: district, yearToShow: yearToShow, structureKey: structureKey};
})(globalThis.AtlasMapParts = globalThis.AtlasMapParts || {});
