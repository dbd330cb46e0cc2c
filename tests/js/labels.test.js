'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {P, golden} = require('./helpers.js');

const LB = P.labels;

test('district labels show from their minimum zoom; zones only in the years they are in force', () => {
  const m = golden.change;
  const district = m.labels.find((l) => l.kind === 'district');
  const zone = m.labels.find((l) => l.kind === 'zone');
  assert.ok(district && zone, 'the golden model has a district and a zone label');
  assert.equal(LB.visible(district, district.minZoom, m, {}), true);
  assert.equal(LB.visible(district, district.minZoom - 1, m, {}), false);
  assert.equal(LB.visible(zone, 10, m, {}), false);
  assert.equal(LB.visible(zone, 10, m, {[zone.id]: true}), true);
});

test('presentation mode names every zone it shows at any zoom', () => {
  const park = {id: 'p', kind: 'zone', minZoom: 11, prio: 40, text: 'x', at: [0, 0]};
  assert.equal(LB.visible(park, 9, {mode: 'page'}, {p: true}), false);
  assert.equal(LB.visible(park, 9, {mode: 'present'}, {p: true}), true);
});

test('a strong district is starred on the strong layer', () => {
  const m = golden.level, f = m.frames['2020'];
  const haidian = m.labels.find((l) => l.id === '110108');
  assert.equal(LB.text(haidian, m, f), '海淀 ' + m.text.strongMark);
  assert.equal(LB.text(haidian, {...m, layers: {...m.layers, strong: false}}, f), '海淀');
});

test('labels claim room by priority: an overlapping one moves to a candidate or hides', () => {
  const box = {left: 0, top: 0, right: 200, bottom: 100};
  const rect = (l, t) => ({left: l, top: t, right: l + 40, bottom: t + 14, width: 40, height: 14});
  const out = LB.place([{kind: 'district', rect: rect(50, 40)}, {kind: 'district', rect: rect(55, 50)},
                        {kind: 'region', rect: rect(195, 41)}, {kind: 'zone', rect: rect(180, 40)}], box);
  assert.deepEqual(out[0], [0, 0]);
  assert.ok(out[1] && out[1][1] !== 0, 'the second district moves above or below');
  assert.equal(out[2], null, 'no room left (a region has no far places): hidden');
  assert.ok(out[3] && out[3][0] < 0, 'a zone label at the edge moves inside the map');
});

test('labels sort by priority, highest first', () => {
  const sorted = LB.byPriority(golden.change.labels);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1].prio >= sorted[i].prio);
});

test('a phone-sized map: its height from its width (within the screen), district names a zoom level sooner', () => {
  const m = golden.change;
  assert.equal(LB.isCompact(358), true);
  assert.equal(LB.isCompact(1200), false);
  assert.equal(LB.height(m, 1200, 900), m.height);
  assert.equal(LB.height(m, 358, 844), '465px');
  assert.equal(LB.height(m, 358, 500), '400px');
  const district = m.labels.find((l) => l.kind === 'district');
  assert.equal(LB.visible(district, district.minZoom - 0.5, m, {}, false), false);
  assert.equal(LB.visible(district, district.minZoom - 0.5, m, {}, true), true);
});

test('a label moved off its place gets a leader line back to it, ending at its box', () => {
  assert.equal(LB.leader(0, 0, 40, 14), null);
  assert.equal(LB.leader(0, 6, 40, 14), null, 'still over its anchor: no line');
  const down = LB.leader(0, 28, 40, 14);
  assert.ok(Math.abs(down.angle - Math.PI / 2) < 1e-9);
  assert.ok(Math.abs(down.length - (28 - 7 - 1)) < 1e-9, 'from the anchor to the top edge of the box');
  const left = LB.leader(-44, 0, 40, 14);
  assert.ok(Math.abs(Math.abs(left.angle) - Math.PI) < 1e-9 && Math.abs(left.length - (44 - 20 - 1)) < 1e-9);
});

test('core districts and parks may go further out (with a leader); regions stay near', () => {
  assert.ok(LB.candidates('district', 40, 14).length > 3);
  assert.equal(LB.candidates('region', 40, 14).length, 12);
  const box = {left: 0, top: 0, right: 300, bottom: 200};
  const rect = (l, t) => ({left: l, top: t, right: l + 30, bottom: t + 14, width: 30, height: 14});
  // three districts crowd one spot: the third one no longer hides, it moves out with a leader
  const out = LB.place([{kind: 'district', rect: rect(130, 90)}, {kind: 'district', rect: rect(132, 92)},
                        {kind: 'district', rect: rect(131, 91)}], box);
  assert.ok(out.every(Boolean), JSON.stringify(out));
  assert.ok(LB.leader(out[2][0], out[2][1], 30, 14), 'the moved-out name has a leader line');
});
