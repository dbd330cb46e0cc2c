/* Beijing IP Atlas renderer, part 2 of 6: what a district or a zone says (tooltip, screen reader).
 *
 * The one composer of the tooltip: name, value with its status mark, rank · year, source, strong
 * designations. Python sends the parts (geo/carto/model.py), never the composed lines.
 */
(function (P) {
  'use strict';

  /** Return {lines, warn}: the tooltip of district ``code`` in ``year`` (warn: index of the line shown as a warning, or -1). */
  function districtTip(model, year, code) {
    var T = model.text, c = P.model.cell(model, year, code), d = P.model.district(model, code);
    var lines = [d ? d.names : code, (c.v + ' ' + (T.marks[c.s] || '')).trim()];
    var rank = c.r ? P.model.fmt(T.rank, {rank: c.r}) : '';
    lines.push([rank, P.model.fmt(T.yearOf, {year: year})].filter(Boolean).join(' · '));
    if (c.s && c.src !== undefined) lines.push(T.source + ': ' + model.sources[c.src]);
    (c.k || []).forEach(function (k) { lines.push(T.strongMark + ' ' + model.designations[k]); });
    return {lines: lines, warn: c.s === 'demo' ? 1 : -1};
  }

  /** Return {lines, warn}: a zone's tooltip (its name, geometry quality, area, year, source). */
  function zoneTip(zone) { return {lines: zone.tip.slice(), warn: zone.warn ? 1 : -1}; }

  /** Return the accessible name of a district's path: name, value, status, rank, strong. */
  function ariaLabel(model, year, code) {
    var T = model.text, c = P.model.cell(model, year, code), d = P.model.district(model, code);
    var parts = [d ? d.name : code, c.v, T.status[c.s] || T.status['']];
    if (c.r) parts.push(P.model.fmt(T.rank, {rank: c.r}));
    if (c.k && c.k.length) parts.push(T.strong);
    return parts.join(', ');
  }

  /** Return the tooltip's element. */
  function tipBox(tip) {
    var box = P.model.el('div', 'atlas-tip-box');
    tip.lines.forEach(function (line, i) {
      P.model.el('div', i === 0 ? 'atlas-tip-name' : (i === tip.warn ? 'atlas-tip-warn' : 'atlas-tip-line'), line, box);
    });
    return box;
  }

  P.tooltip = {districtTip: districtTip, zoneTip: zoneTip, ariaLabel: ariaLabel, tipBox: tipBox};
})(globalThis.AtlasMapParts = globalThis.AtlasMapParts || {});
