/* Beijing IP Atlas renderer, part 5 of 6: the controls (year bar, keys) and where the parts sit.
 *
 * Keys: on the map, arrows move between districts (administrative-code order), Enter opens the
 * profile, + / − zoom; on the year slider ←/→/Home/End (and ↑/↓, PageUp/PageDown) change the year.
 * The same keys in the page, presentation mode and the HTML export.
 */
(function (P) {
  'use strict';

  /** Return what a key does on the map with ``n`` districts, ``i`` focused (-1: none): {move: index} | {pick: true} | {zoom: ±1} | null. */
  function districtKey(key, n, i) {
    if (!n) return null;
    if (key === 'ArrowRight' || key === 'ArrowDown') return {move: (i + 1 + n) % n};
    if (key === 'ArrowLeft' || key === 'ArrowUp') return {move: i < 0 ? n - 1 : (i - 1 + n) % n};
    if (key === 'Home') return {move: 0};
    if (key === 'End') return {move: n - 1};
    if (key === 'Enter' || key === ' ') return {pick: true};
    if (key === '+' || key === '=') return {zoom: 1};
    if (key === '-') return {zoom: -1};
    return null;
  }

  /** Return the year a key on the year slider moves to (null: not a year key). */
  function yearKey(key, years, year) {
    var i = years.indexOf(year), n = years.length;
    if (!n) return null;
    if (i < 0) i = n - 1;
    if (key === 'ArrowRight' || key === 'ArrowUp' || key === 'PageUp') return years[Math.min(i + 1, n - 1)];
    if (key === 'ArrowLeft' || key === 'ArrowDown' || key === 'PageDown') return years[Math.max(i - 1, 0)];
    if (key === 'Home') return years[0];
    if (key === 'End') return years[n - 1];
    return null;
  }

  /** Return the next year when playing (after the last, the first again). */
  function nextYear(years, year) { return years[(years.indexOf(year) + 1) % years.length]; }

  /** Return the presentation keys' meaning: 'exit', +1, -1 or null. */
  function presentKey(key) {
    return key === 'Escape' ? 'exit' : key === 'PageDown' ? 1 : key === 'PageUp' ? -1 : null;
  }

  /** Return whether a key event on the map is the map's (not a control's inside it, as in the export). */
  function forMap(target) {
    var tag = (target && target.tagName) || '';
    return !(tag === 'INPUT' || tag === 'BUTTON' || tag === 'TEXTAREA' || tag === 'SELECT' || tag === 'A');
  }

  var SVG = 'http://www.w3.org/2000/svg';
  /** The play / pause glyphs, drawn (the fonts the map uses lack ⏸: a missing-glyph box in Chromium with Noto CJK). */
  var GLYPHS = {play: ['M3 2 L13 8 L3 14 Z'], pause: ['M3 2 H6.5 V14 H3 Z', 'M9.5 2 H13 V14 H9.5 Z']};

  /** Return the SVG glyph ``kind`` ('play' or 'pause'), hidden from screen readers (the button's text says it). */
  function glyph(kind) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'atlas-glyph');
    GLYPHS[kind].forEach(function (d) {
      var path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', d);
      path.setAttribute('fill', 'currentColor');
      svg.appendChild(path);
    });
    return svg;
  }

  /** Show the play button as playing or not: glyph, words, pressed state. */
  function setPlay(button, playing, text) {
    var label = playing ? text.pause : text.play;
    button.textContent = '';
    button.appendChild(glyph(playing ? 'pause' : 'play'));
    P.model.el('span', null, label, button);
    button.setAttribute('aria-label', label);
    button.setAttribute('aria-pressed', playing ? 'true' : 'false');
  }

  /** Build the year bar (play button, slider, year) into ``parent``; ``on``: {play(), year(year)}. */
  function timebar(parent, on) {
    var bar = P.model.el('div', 'atlas-timebar', null, parent);
    var play = P.model.el('button', 'atlas-play', null, bar);
    play.type = 'button';
    play.addEventListener('click', function () { on.play(); });
    var slider = P.model.el('input', 'atlas-slider', null, bar);
    slider.type = 'range';
    slider.step = '1';
    slider.min = '0';
    var year = P.model.el('span', 'atlas-slider-year', null, bar);
    year.setAttribute('aria-hidden', 'true');
    slider.addEventListener('input', function () { on.index(+slider.value); });
    slider.addEventListener('keydown', function (e) {
      var y = on.key(e.key);
      if (y === null || y === undefined) return;
      e.preventDefault();
      e.stopPropagation();
    });
    return {bar: bar, play: play, slider: slider, year: year};
  }

  P.controls = {districtKey: districtKey, yearKey: yearKey, nextYear: nextYear, presentKey: presentKey,
                forMap: forMap, timebar: timebar, glyph: glyph, setPlay: setPlay};
})(globalThis.AtlasMapParts = globalThis.AtlasMapParts || {});
