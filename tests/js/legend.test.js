'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {P, golden, fakeDocument} = require('./helpers.js');

const LG = P.legend;

test('the selection line goes where Python says: after the district classes and outlines', () => {
  const m = golden.change, f = m.frames['2020'];
  const lines = LG.items(m, f);
  const at = m.selectionAt[f.legend];
  assert.equal(lines.length, m.legends[f.legend].length + 1);
  assert.deepEqual(lines[at], m.selectionLegend);
  assert.ok(lines[at - 1].label.includes('演示') || lines[at - 1].face === m.style.noData, lines[at - 1].label);
  assert.equal(lines[at + 1].label.startsWith(m.text.strongMark), true, 'before the strong-district line');
});

test('without a selection the legend is the model\'s', () => {
  const m = {...golden.change};
  delete m.selectionLegend;
  const f = m.frames['2020'];
  assert.deepEqual(LG.items(m, f), m.legends[f.legend]);
});

test('a swatch: fill, dashed or solid outline, faint fills stay visible', () => {
  assert.deepEqual(LG.swatch({face: '#fff', edge: '#a50f15', dashed: true, width: 1.6, alpha: 1}),
    {background: '#fff', border: '1.6px dashed #a50f15'});
  assert.equal(LG.swatch({face: '#2b8a3e', edge: null, dashed: false, width: 1, alpha: 0.05}).opacity, '0.35');
});

test('the legend is a labelled group with the title first, drawn again only when it changed', () => {
  globalThis.document = fakeDocument();
  try {
    const m = golden.change, f = m.frames['2020'];
    const box = document.createElement('div');
    const key = LG.draw(box, m, f, null);
    assert.equal(box.attributes.role, 'group');
    assert.equal(box.attributes['aria-label'], m.text.legend);
    assert.equal(box.children[0].className, 'lg-title');
    assert.equal(box.children[0].textContent, f.legendTitle);
    assert.ok(f.legendTitle.includes('2019') && f.legendTitle.includes('2020'), f.legendTitle);
    box.children = [];
    assert.equal(LG.draw(box, m, f, key), key);
    assert.equal(box.children.length, 0);
  } finally { delete globalThis.document; }
});

test('on a phone-sized map the legend folds to its title and a button, and opens again', () => {
  globalThis.document = fakeDocument();
  try {
    const m = golden.change, f = m.frames['2020'];
    const box = document.createElement('div');
    const folded = new Set();
    box.classList = {toggle: (c, on) => (on ? folded.add(c) : folded.delete(c))};
    let asked = null;
    const key = LG.draw(box, m, f, null, (open) => { asked = open; }, false);
    const button = box.children[0];
    assert.equal(button.className, 'lg-toggle');
    assert.equal(button.textContent, m.text.legend);
    assert.equal(button.attributes['aria-expanded'], 'false');
    assert.ok(folded.has('lg-folded'));
    assert.equal(box.children[1].className, 'lg-title', 'the title shows while folded');
    LG.draw(box, m, f, key, () => {}, true);  // the same legend, opened: no redraw, unfolded
    assert.equal(button.attributes['aria-expanded'], 'true');
    assert.ok(!folded.has('lg-folded'));
    assert.notEqual(LG.draw(box, m, f, key, null, false), key, 'without the button it is another legend');
    assert.equal(asked, null);
  } finally { delete globalThis.document; }
});
