// The component's script: mounts the map when its files are loaded, or takes over the first view's; its cleanup destroys it.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const loaderModule = await import(pathToFileURL(path.join(ROOT, 'static', 'atlasmap', 'loader.mjs')));
const loader = loaderModule.default;

test('the loader mounts the map, and its cleanup destroys it', async () => {
  const assets = {leaflet: 'l.js', leafletCss: 'l.css', css: 'a.css', renderer: ['a.js', 'b.js']};
  const done = Promise.resolve();
  const calls = [];
  let removed = false;
  const host = {
    className: '', attrs: {}, setAttribute(k, v) { this.attrs[k] = v; }, addEventListener() {}, remove() { removed = true; },
  };
  globalThis.window = {
    addEventListener() {},
    __atlasLoads: Object.fromEntries(['l.js', 'l.css', 'a.css', 'a.js', 'b.js'].map((u) => [u, done])),
    AtlasMap: {mount: (el, model, hooks) => {
      calls.push(['mount', model.v]);
      el.__atlas = {destroy: () => calls.push(['destroy'])};
      hooks.onReady();
    }},
  };
  globalThis.document = {createElement: () => host};
  const state = {};
  const parent = {querySelector: () => null, appendChild: (c) => { parent.child = c; }};
  try {
    const cleanup = loader({data: {assets, model: {v: 2}}, parentElement: parent,
                            setStateValue: (k, v) => { state[k] = v; }, setTriggerValue: () => {}});
    assert.equal(typeof cleanup, 'function', 'the component returns its cleanup');
    assert.equal(parent.child, host);
    assert.equal(host.attrs['data-testid'], 'atlas-map');
    await new Promise((ok) => setTimeout(ok, 0));
    assert.deepEqual(calls, [['mount', 2]]);
    assert.equal(state.ready, true);
    cleanup();
    assert.deepEqual(calls, [['mount', 2], ['destroy']]);
    assert.equal(removed, true);
  } finally {
    delete globalThis.window;
    delete globalThis.document;
  }
});

// The map the first view drew before Streamlit (static/atlasmap/early.js), as the loader finds it.
function page(early, calls) {
  const made = {className: '', attrs: {}, setAttribute(k, v) { this.attrs[k] = v; }, addEventListener() {}, remove() {}};
  globalThis.window = {
    addEventListener() {},
    __atlasEarly: early,
    __atlasLoads: Object.fromEntries(['l.js', 'l.css', 'a.css', 'a.js', 'b.js'].map((u) => [u, Promise.resolve()])),
    AtlasMap: {
      mount: (el, model) => calls.push(['mount', el === made ? 'new' : 'early', model]),
      adopt: (el, model) => calls.push(['adopt', el === made ? 'new' : 'early', model]),
    },
  };
  globalThis.document = {createElement: () => made};
  const parent = {querySelector: () => null, appendChild: (c) => { parent.child = c; }};
  return parent;
}
const ASSETS = {leaflet: 'l.js', leafletCss: 'l.css', css: 'a.css', renderer: ['a.js', 'b.js']};
function earlyHost() {  // the first view's map element: in the page, with its first-view classes
  const host = {isConnected: true, classes: ['atlas-host', 'af-live', 'af-live-on'], addEventListener() {}};
  host.classList = {remove: (...names) => { host.classes = host.classes.filter((c) => !names.includes(c)); }};
  return host;
}
function cleanGlobals() { delete globalThis.window; delete globalThis.document; }

test('the loader takes over the map the first view drew, once, instead of drawing another', async () => {
  const calls = [];
  const host = earlyHost();
  const early = {state: 'drawn', host, model: {v: 2}, key: 'k1'};
  const parent = page(early, calls);
  try {
    loader({data: {assets: ASSETS, model: {v: 2, yearToken: 1}}, parentElement: parent,
            setStateValue: () => {}, setTriggerValue: () => {}});
    await new Promise((ok) => setTimeout(ok, 0));
    assert.equal(early.state, 'adopted');
    assert.equal(parent.child, host, 'the first view\'s map moves into the component');
    assert.deepEqual(host.classes, ['atlas-host'], 'no longer styled as the first view\'s');
    assert.deepEqual(calls, [['adopt', 'early', {v: 2, yearToken: 1}]]);
  } finally { cleanGlobals(); }
});

test('sent only the model\'s key, the loader takes the model the first view holds, with the session\'s year token', async () => {
  const calls = [];
  const host = earlyHost();
  const parent = page({state: 'drawn', host, model: {v: 2, year: 2019, yearToken: 0}, key: 'k1'}, calls);
  try {
    loader({data: {assets: ASSETS, model: null, live: 'k1', yearToken: 1}, parentElement: parent,
            setStateValue: () => {}, setTriggerValue: () => {}});
    await new Promise((ok) => setTimeout(ok, 0));
    assert.deepEqual(calls, [['adopt', 'early', {v: 2, year: 2019, yearToken: 1}]]);
  } finally { cleanGlobals(); }
});

test('sent the key of a model it does not hold, the loader asks for the model and draws nothing', async () => {
  const calls = [];
  const state = {};
  const parent = page({state: 'gone', model: {v: 2}, key: 'other'}, calls);
  try {
    const cleanup = loader({data: {assets: ASSETS, model: null, live: 'k1', yearToken: 1}, parentElement: parent,
                            setStateValue: (k, v) => { state[k] = v; }, setTriggerValue: () => {}});
    await new Promise((ok) => setTimeout(ok, 0));
    assert.deepEqual(state, {need: 'k1'});
    assert.deepEqual(calls, []);
    assert.equal(parent.child, undefined);
    assert.equal(typeof cleanup, 'function');
  } finally { cleanGlobals(); }
});

test('a first-view map still loading is stopped, and the component draws its own', async () => {
  const calls = [];
  let destroyed = false, removed = false;
  const early = {state: 'loading', host: {remove: () => { removed = true; }}, inst: {destroy: () => { destroyed = true; }},
                 model: {v: 2}, key: 'k1'};
  const parent = page(early, calls);
  try {
    loader({data: {assets: ASSETS, model: {v: 2}}, parentElement: parent, setStateValue: () => {}, setTriggerValue: () => {}});
    await new Promise((ok) => setTimeout(ok, 0));
    assert.equal(early.state, 'gone');
    assert.ok(destroyed && removed);
    assert.deepEqual(calls, [['mount', 'new', {v: 2}]]);
  } finally { cleanGlobals(); }
});

test('a map drawn phone-sized reports ready as "compact" (the page then puts its controls in a sheet)', async () => {
  const assets = {leaflet: 'l.js', leafletCss: 'l.css', css: 'a.css', renderer: []};
  const done = Promise.resolve();
  const host = {className: '', attrs: {}, setAttribute(k, v) { this.attrs[k] = v; }, addEventListener() {}, remove() {}};
  const states = [];
  for (const compact of [true, false]) {
    globalThis.window = {
      addEventListener() {},
      __atlasLoads: Object.fromEntries(['l.js', 'l.css', 'a.css'].map((u) => [u, done])),
      AtlasMap: {mount: (el, model, hooks) => { el.__atlas = {compact, destroy() {}}; hooks.onReady(); }},
    };
    globalThis.document = {createElement: () => host};
    const state = {};
    try {
      loader({data: {assets, model: {v: 2}}, parentElement: {querySelector: () => null, appendChild() {}},
              setStateValue: (k, v) => { state[k] = v; }, setTriggerValue: () => {}});
      await new Promise((ok) => setTimeout(ok, 0));
      states.push(state.ready);
    } finally {
      delete host.__atlas;
      delete globalThis.window;
      delete globalThis.document;
    }
  }
  assert.deepEqual(states, ['compact', true]);
});

// A window and a map element with real capture listeners, enough to dispatch a tap's pointerdown and click.
function tapPage({phone, sheetOpen}) {
  const listeners = {win: {}, host: {}, page: []};
  const add = (where) => (type, fn, capture) => { assert.equal(capture, true, 'listens capturing'); (listeners[where][type] ||= []).push(fn); };
  const win = {
    addEventListener: add('win'),
    matchMedia: (q) => ({matches: q === loaderModule.PHONE && phone}),
    document: {querySelector: (sel) => (sel === loaderModule.SHEETS && sheetOpen.value ? {} : null),
               body: {dispatchEvent: (e) => { listeners.page.push(e); }}},
    MouseEvent: class { constructor(type, init) { this.type = type; this.bubbles = init.bubbles; } },
  };
  const host = {addEventListener: add('host')};
  const fire = (where, type, e) => (listeners[where][type] || []).forEach((fn) => fn(e));
  return {win, host, listeners, tap(pointerId = 1) {
    fire('win', 'pointerdown', {pointerId});
    sheetOpen.value = false;  // the page closes the sheet between the tap's start and its click
    const click = {pointerId, stopped: false, stopPropagation() { this.stopped = true; }, preventDefault() {}};
    fire('host', 'click', click);
    return click.stopped ? 'only closes the sheet' : 'reaches the map';
  }};
}

test('on a phone, a tap on the map while a sheet is open only closes the sheet; the next tap reaches the map', () => {
  const sheetOpen = {value: true};
  const p = tapPage({phone: true, sheetOpen});
  loaderModule.guardSheets(p.win, p.host);
  loaderModule.guardSheets(p.win, p.host);  // the component runs again with new data: no second listener
  assert.equal(p.listeners.host.click.length, 1);
  assert.equal(p.tap(), 'only closes the sheet');
  assert.deepEqual(p.listeners.page.map((e) => [e.type, e.bubbles]), [['click', true]], 'the page is sent a click outside the sheet');
  assert.equal(p.tap(), 'reaches the map');
  assert.equal(p.listeners.page.length, 1);
  const other = {addEventListener() {}};
  loaderModule.guardSheets(p.win, other);  // a second map in the tab shares the window's one listener
  assert.equal(p.listeners.win.pointerdown.length, 1);
});

test('a click without that tap\'s pointer (the keyboard\'s), or on a laptop, reaches the map', () => {
  const sheetOpen = {value: true};
  const p = tapPage({phone: true, sheetOpen});
  loaderModule.guardSheets(p.win, p.host);
  p.listeners.win.pointerdown.forEach((fn) => fn({pointerId: 1}));  // a tap elsewhere while the sheet was open
  const key = {pointerId: -1, stopped: false, stopPropagation() { this.stopped = true; }, preventDefault() {}};
  p.listeners.host.click.forEach((fn) => fn(key));
  assert.equal(key.stopped, false);
  const laptop = tapPage({phone: false, sheetOpen: {value: true}});
  loaderModule.guardSheets(laptop.win, laptop.host);
  assert.equal(laptop.tap(), 'reaches the map');  // a laptop's sidebar is open all the time: not a sheet
});
