'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {P, golden} = require('./helpers.js');

const M = P.model;

test('the renderer reads the version of the model Python writes', () => {
  for (const model of Object.values(golden)) {
    assert.equal(model.v, M.VERSION);
    assert.doesNotThrow(() => M.checkVersion(model));
  }
  assert.throws(() => M.checkVersion({...golden.change, v: M.VERSION + 1}), /version/);
});

test('every district has a cell in every year: fill, status, value text', () => {
  for (const model of Object.values(golden)) {
    assert.deepEqual(model.years, [2019, 2020]);
    for (const year of model.years) {
      for (const d of model.districts) {
        const c = M.cell(model, year, d.id);
        assert.match(c.f, /^#[0-9a-f]{6}$/i, `${year} ${d.id} fill`);
        assert.ok(['official', 'derived', 'demo', ''].includes(c.s), `${year} ${d.id} status ${c.s}`);
        assert.equal(typeof c.v, 'string');
        if (c.s) assert.ok(c.r >= 1 && c.r <= 16 && Number.isInteger(c.src), `${year} ${d.id} rank and source`);
      }
    }
  }
});

test('a district without a cell reads as no data', () => {
  const c = M.cell(golden.change, 2020, 'nowhere');
  assert.deepEqual(c, {f: golden.change.style.noData, s: '', v: '—'});
  assert.equal(M.frame(golden.change, 1999), null);
});

test('the model year applies on a new token only; otherwise the year shown stays', () => {
  const m = golden.change;
  assert.equal(M.yearToShow(m, null, null), 2020);
  assert.equal(M.yearToShow(m, m, 2019), 2019);  // same token: the browser's own year stays
  assert.equal(M.yearToShow({...m, yearToken: m.yearToken + 1}, m, 2019), 2020);  // a new link or visit
  assert.equal(M.yearToShow(m, m, 1999), 2020);  // a year the model lacks
});

test('a selection changes the structure (layers rebuilt), a year does not', () => {
  const m = golden.change;
  assert.notEqual(M.structureKey(m), M.structureKey({...m, selected: []}));
  assert.equal(M.structureKey(m), M.structureKey({...m, year: 2019}));
});

test('fmt fills placeholders and leaves no braces', () => {
  assert.equal(M.fmt('第{rank}名', {rank: 3}), '第3名');
  assert.equal(M.fmt('{a}-{b}', {a: 1}), '1-');
});
