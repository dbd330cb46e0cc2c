/* Beijing IP Atlas renderer, part 3 of 6: the legend of a year.
 *
 * The lines come from Python (geo/carto/model.py legend_items, the one builder every renderer
 * uses); Python also says where the selection's line goes (selectionAt), so it is placed one way.
 */
(function (P) {
  'use strict';

  /** Return the legend lines of frame ``f``, the selection's line (if any) at the place Python gave it. */
  function items(model, f) {
    var lines = (model.legends[f.legend] || []).slice();
    if (model.selectionLegend) {
      var at = model.selectionAt ? model.selectionAt[f.legend] : -1;
      lines.splice(at >= 0 && at <= lines.length ? at : lines.length, 0, model.selectionLegend);
    }
    return lines;
  }

  /** Return the CSS of a line's swatch: fill, outline (dashed or solid), opacity. */
  function swatch(it) {
    var css = {};
    if (it.face) { css.background = it.face; if (it.alpha < 1) css.opacity = String(Math.max(it.alpha * 3, 0.35)); }
    if (it.edge) css.border = Math.max(it.width, 1) + 'px ' + (it.dashed ? 'dashed ' : 'solid ') + it.edge;
    return css;
  }

  /** Draw the legend of ``f`` into ``box`` unless ``lastKey`` says it is already there; return its key.
   *
   * ``toggle`` (a phone-sized map): a button first that folds the lines away and back (``toggle(open)``
   * is told, ``open`` says how it is now); the title always shows. */
  function draw(box, model, f, lastKey, toggle, open) {
    var lines = items(model, f);
    var key = JSON.stringify([lines, f.legendTitle, !!toggle]);
    if (key === lastKey) { fold(box, toggle, open); return key; }
    box.textContent = '';
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', model.text.legend);
    if (toggle) {
      var b = P.model.el('button', 'lg-toggle', model.text.legend, box);
      b.type = 'button';
      b.addEventListener('click', function () { toggle(b.getAttribute('aria-expanded') !== 'true'); });
    }
    if (f.legendTitle) P.model.el('div', 'lg-title', f.legendTitle, box);
    lines.forEach(function (it) {
      if (it.heading) { P.model.el('div', 'lg-sub' + (it.warn ? ' lg-warn' : ''), it.label, box); return; }
      var row = P.model.el('div', 'lg-row' + (it.warn ? ' lg-warn' : ''), null, box);
      var sw = P.model.el('span', 'sw', null, row);
      sw.setAttribute('aria-hidden', 'true');
      Object.assign(sw.style, swatch(it));
      P.model.el('span', 'lg-label', it.label, row);
    });
    fold(box, toggle, open);
    return key;
  }

  /** Fold the legend's lines away (``toggle`` given and not ``open``) or show them. */
  function fold(box, toggle, open) {
    var folded = !!toggle && !open;
    if (box.classList) box.classList.toggle('lg-folded', folded);
    var b = box.children && box.children[0];
    if (toggle && b && b.className === 'lg-toggle') b.setAttribute('aria-expanded', folded ? 'false' : 'true');
  }

  P.legend = {items: items, swatch: swatch, draw: draw, fold: fold};
})(globalThis.AtlasMapParts = globalThis.AtlasMapParts || {});
