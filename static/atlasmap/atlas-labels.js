/* Beijing IP Atlas renderer, part 4 of 6: label layout (halo in CSS, priority, candidate places).
 *
 * Pure functions over rectangles: which labels show at a zoom, their text in a year, and where
 * each goes (its anchor, else a nearby candidate; hidden when no room is left). The Leaflet glue
 * measures the labels once (one layout) and applies the offsets.
 */
(function (P) {
  'use strict';

  /** Return whether label ``lb`` shows at ``zoom`` (``shown``: zone ids in force this year; ``compact``: a phone-sized map). */
  function visible(lb, zoom, model, shown, compact) {
    // presentation mode names every zone it shows; overlaps still give way by priority
    var minZoom = model.mode === 'present' && lb.kind === 'zone' ? 0 : (lb.minZoom || 0);
    // a phone-sized map shows Beijing a zoom level further out: its district names, in smaller type, too
    if (compact && lb.kind === 'district') minZoom -= 1;
    var on = zoom >= minZoom && zoom <= (lb.maxZoom === undefined ? 99 : lb.maxZoom);
    if (lb.kind === 'zone') on = on && !!shown[lb.id];
    return on;
  }

  /** Return the label's text in frame ``f``: a district on the strong layer carries the strong mark. */
  function text(lb, model, f) {
    if (lb.kind !== 'district') return lb.text;
    var c = (f && f.d[lb.id]) || {};
    return lb.text + (model.layers.strong && c.k && c.k.length ? ' ' + model.text.strongMark : '');
  }

  /** Return the offsets [dx, dy] tried, in order, for a label of ``kind`` measuring ``w`` × ``h``.
   *
   * Near places first; then, for districts and zones, a ring further out where the label is tied to
   * its place by a leader line (the small core districts, the parks): named, and next to their place. */
  function candidates(kind, w, h) {
    var near = kind === 'district' ? [[0, 0], [0, -h * 0.9], [0, h * 0.9]]
      : [[0, 0], [0, h], [0, -h], [w * 0.55, 0], [-w * 0.55, 0], [0, 2 * h], [0, -2 * h], [w * 0.55, h],
         [-w * 0.55, h], [w * 0.55, -h], [-w * 0.55, -h], [0, 3 * h]];
    if (kind === 'region') return near;
    return near.concat([[w * 0.8, -1.8 * h], [-w * 0.8, -1.8 * h], [w * 0.8, 1.8 * h], [-w * 0.8, 1.8 * h],
                        [w * 1.1, 0], [-w * 1.1, 0], [0, -2.6 * h], [0, 2.6 * h], [w * 1.1, -2.6 * h],
                        [-w * 1.1, -2.6 * h], [w * 1.1, 2.6 * h], [-w * 1.1, 2.6 * h]]);
  }

  /** Return the leader line from a label's anchor to its box moved by [dx, dy] ({length, angle} in px and
   * radians), or null when the box still covers its anchor. */
  function leader(dx, dy, w, h) {
    if (Math.abs(dx) <= w / 2 && Math.abs(dy) <= h / 2) return null;
    var t = Math.min(dx ? (w / 2) / Math.abs(dx) : Infinity, dy ? (h / 2) / Math.abs(dy) : Infinity);
    var dist = Math.sqrt(dx * dx + dy * dy);
    return {length: Math.max(dist * (1 - t) - 1, 0), angle: Math.atan2(dy, dx)};
  }

  function overlaps(a, b) { return !(a.right < b.left || a.left > b.right || a.bottom < b.top || a.top > b.bottom); }

  /** Place labels (``todo``: [{kind, rect}] highest priority first) inside ``box``; return per label [dx, dy] or null (no room). */
  function place(todo, box) {
    var placed = [];
    return todo.map(function (x) {
      var r0 = x.rect, cands = candidates(x.kind, r0.width, r0.height);
      for (var k = 0; k < cands.length; k++) {
        var dx = cands[k][0], dy = cands[k][1];
        var r = {left: r0.left + dx - 1, right: r0.right + dx + 1, top: r0.top + dy - 1, bottom: r0.bottom + dy + 1};
        if (r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom) continue;
        if (!placed.some(function (p) { return overlaps(r, p); })) { placed.push(r); return [dx, dy]; }
      }
      return null;
    });
  }

  /** Return the labels highest priority first (the order they claim room in). */
  function byPriority(labels) { return labels.slice().sort(function (a, b) { return b.prio - a.prio; }); }

  /** Return whether a map ``width`` px wide is phone-sized (smaller labels, height from the width). */
  function isCompact(width) { return width > 0 && width < 600; }

  /** Return the map's CSS height: the model's, or on a phone-sized map Beijing's shape at that width (within the screen). */
  function height(model, width, screenHeight) {
    if (!isCompact(width)) return model.height || '620px';
    return Math.round(Math.min(width * 1.3, screenHeight * 0.8)) + 'px';
  }

  P.labels = {isCompact: isCompact, height: height, visible: visible, text: text, candidates: candidates, leader: leader, place: place, byPriority: byPriority};
})(globalThis.AtlasMapParts = globalThis.AtlasMapParts || {});
