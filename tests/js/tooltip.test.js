'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {P, golden, fakeDocument} = require('./helpers.js');

const T = P.tooltip;

test('a demo district: name, value with unit and demo mark, rank · year, source (compact: no URL)', () => {
  const tip = T.districtTip(golden.change, 2020, '110108');
  const [name, value, rankYear, source] = tip.lines;
  assert.equal(name, '海淀区 · Haidian');
  assert.ok(value.includes('件/万人') && value.includes('⚠'), value);
  assert.ok(value.startsWith('+') || value.startsWith('-') || value.startsWith('0'), `a change carries its sign: ${value}`);
  assert.match(rankYear, /^第\d+位.* · 2020年$/);
  assert.ok(source.startsWith('来源'), source);
  assert.ok(!tip.lines.some((l) => l.includes('http') || l.includes('make_demo')), tip.lines.join('\n'));
  assert.equal(tip.warn, 1);  // the demo value line is shown as a warning
});

test('a derived figure is marked as derived, with its unit', () => {
  const tip = T.districtTip(golden.level, 2020, '110108');
  assert.ok(tip.lines[1].includes('推算') && tip.lines[1].includes('人/km²'), tip.lines[1]);
  assert.equal(tip.warn, -1);
});

test('a strong district lists its designations in force, starred', () => {
  const m = golden.level;
  const tip = T.districtTip(m, 2020, '110108');
  const starred = tip.lines.filter((l) => l.startsWith(m.text.strongMark + ' '));
  assert.equal(starred.length, M_cell(m, 2020, '110108').k.length);
  assert.ok(starred[0].includes('国家知识产权'), starred[0]);
});

function M_cell(m, y, c) { return P.model.cell(m, y, c); }

test('every district in every year has value, status and source in its tooltip', () => {
  for (const model of Object.values(golden)) {
    for (const year of model.years) {
      for (const d of model.districts) {
        const c = M_cell(model, year, d.id);
        const lines = T.districtTip(model, year, d.id).lines;
        assert.equal(lines[0], d.names);
        assert.ok(lines[1].startsWith(c.v), `${d.id}: ${lines[1]}`);
        assert.ok(lines[2].includes(String(year)), lines[2]);
        if (c.s) assert.equal(lines[3], `${model.text.source}: ${model.sources[c.src]}`);
      }
    }
  }
});

test('the screen reader hears name, value, status and rank', () => {
  const m = golden.change;
  const label = T.ariaLabel(m, 2020, '110108');
  const c = M_cell(m, 2020, '110108');
  assert.ok(label.startsWith('海淀区, ' + c.v + ', ' + m.text.status.demo), label);
  assert.ok(label.includes(P.model.fmt(m.text.rank, {rank: c.r})), label);
});

test('a zone says its name first and warns about schematic geometry', () => {
  const zone = golden.change.zones[0];
  const tip = T.zoneTip(zone);
  assert.ok(tip.lines[0].startsWith('中关村科学城'), tip.lines[0]);
  assert.ok(tip.lines.some((l) => l.startsWith('来源')), 'a zone says where its area comes from');
  assert.equal(tip.warn, zone.warn ? 1 : -1);
});

test('the tooltip element shows the warning line as a warning, every line as text', () => {
  globalThis.document = fakeDocument();
  try {
    const box = T.tipBox({lines: ['<b>x</b>', 'value ⚠', 'rank'], warn: 1});
    assert.deepEqual(box.children.map((c) => c.className), ['atlas-tip-name', 'atlas-tip-warn', 'atlas-tip-line']);
    assert.equal(box.children[0].textContent, '<b>x</b>');  // text, never HTML
  } finally { delete globalThis.document; }
});
