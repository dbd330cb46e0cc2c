// Shared by the renderer's unit tests (node --test tests/js/): the renderer's parts and the golden models.
//
// The parts are the browser's own files (static/atlasmap/atlas-*.js), loaded as they are. The golden
// models are what Python writes (tests/golden_model.py): tests/test_contract.py runs these tests on a
// model it has just built (ATLAS_GOLDEN), so a key renamed in Python fails here in the same run.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
for (const name of ['atlas-model.js', 'atlas-tooltip.js', 'atlas-legend.js', 'atlas-labels.js', 'atlas-controls.js']) {
  require(path.join(ROOT, 'static', 'atlasmap', name));
}
const P = globalThis.AtlasMapParts;
const GOLDEN = process.env.ATLAS_GOLDEN || path.join(ROOT, 'tests', 'golden', 'model.json');
const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8'));

/** A minimal document: elements with a class, text, children, attributes and style (what the parts use). */
function fakeDocument() {
  function element(tag) {
    return {
      tagName: tag.toUpperCase(), className: '', children: [], attributes: {}, style: {}, _text: '',
      get textContent() { return this._text + this.children.map((c) => c.textContent).join(''); },
      set textContent(v) { this._text = String(v); this.children = []; },
      appendChild(c) { this.children.push(c); return c; },
      setAttribute(k, v) { this.attributes[k] = String(v); },
      addEventListener() {},
    };
  }
  return {createElement: element, createElementNS: (ns, tag) => ({...element(tag), namespaceURI: ns})};
}

module.exports = {P, golden, GOLDEN, ROOT, fakeDocument};
