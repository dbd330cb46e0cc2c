'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {P, golden} = require('./helpers.js');

const C = P.controls;

test('the year slider takes ←/→/Home/End (and stops at the ends)', () => {
  const years = golden.change.years;
  assert.equal(C.yearKey('ArrowRight', years, 2019), 2020);
  assert.equal(C.yearKey('ArrowRight', years, 2020), 2020);
  assert.equal(C.yearKey('ArrowLeft', years, 2020), 2019);
  assert.equal(C.yearKey('Home', [2015, 2016, 2017], 2016), 2015);
  assert.equal(C.yearKey('End', [2015, 2016, 2017], 2015), 2017);
  assert.equal(C.yearKey('a', years, 2019), null);
});

test('play goes round the years', () => {
  assert.equal(C.nextYear([2019, 2020], 2019), 2020);
  assert.equal(C.nextYear([2019, 2020], 2020), 2019);
});

test('on the map arrows move between districts, Enter picks, +/- zoom', () => {
  assert.deepEqual(C.districtKey('ArrowRight', 16, -1), {move: 0});
  assert.deepEqual(C.districtKey('ArrowLeft', 16, -1), {move: 15});
  assert.deepEqual(C.districtKey('ArrowDown', 16, 15), {move: 0});
  assert.deepEqual(C.districtKey('End', 16, 3), {move: 15});
  assert.deepEqual(C.districtKey('Enter', 16, 3), {pick: true});
  assert.deepEqual(C.districtKey('-', 16, 3), {zoom: -1});
  assert.equal(C.districtKey('x', 16, 3), null);
  assert.equal(C.districtKey('ArrowRight', 0, -1), null);
});

test('keys on the controls inside the map are the controls\' (the export\'s year slider)', () => {
  assert.equal(C.forMap({tagName: 'INPUT'}), false);
  assert.equal(C.forMap({tagName: 'BUTTON'}), false);
  assert.equal(C.forMap({tagName: 'path'}), true);
  assert.equal(C.forMap({tagName: 'DIV'}), true);
});

test('presentation keys: Esc leaves, PageDown / PageUp step', () => {
  assert.equal(C.presentKey('Escape'), 'exit');
  assert.equal(C.presentKey('PageDown'), 1);
  assert.equal(C.presentKey('PageUp'), -1);
  assert.equal(C.presentKey('ArrowRight'), null);
});

test('the play button shows a drawn glyph (no font glyph) and says what it does', () => {
  globalThis.document = require('./helpers.js').fakeDocument();
  try {
    const text = golden.change.text;
    const button = document.createElement('button');
    C.setPlay(button, false, text);
    assert.equal(button.children[0].tagName, 'SVG');
    assert.equal(button.children[0].attributes['aria-hidden'], 'true');
    assert.equal(button.children[0].children.length, 1, 'play: one triangle');
    assert.equal(button.attributes['aria-label'], text.play);
    assert.equal(button.attributes['aria-pressed'], 'false');
    C.setPlay(button, true, text);
    assert.equal(button.children[0].children.length, 2, 'pause: two bars');
    assert.equal(button.textContent, text.pause);
    assert.equal(button.attributes['aria-pressed'], 'true');
    assert.ok(!/[\u23f8\u25b6]/.test(text.play + text.pause), 'no ⏸/▶ in the words: the glyph is drawn');
  } finally { delete globalThis.document; }
});
