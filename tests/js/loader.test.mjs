// The component's script: mounts the map when its files are loaded, and its cleanup destroys it.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const loader = (await import(pathToFileURL(path.join(ROOT, 'static', 'atlasmap', 'loader.mjs')))).default;

test('the loader mounts the map, and its cleanup destroys it', async () => {
  const assets = {leaflet: 'l.js', leafletCss: 'l.css', css: 'a.css', renderer: ['a.js', 'b.js']};
  const done = Promise.resolve();
  const calls = [];
  let removed = false;
  const host = {
    className: '', attrs: {}, setAttribute(k, v) { this.attrs[k] = v; }, remove() { removed = true; },
  };
  globalThis.window = {
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
