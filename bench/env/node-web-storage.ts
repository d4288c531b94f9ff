/**
 * Node has no Web Storage: install localstorage-polyfill as
 * `globalThis.localStorage` (what API.md tells Node users to do), which Spine
 * Local and Backbone.localStorage read as a global too.
 *
 * Backbone.localStorage looks the storage up as `window.localStorage` and
 * fails with a ReferenceError where `window` is not declared at all, so
 * Node gets a `window` that is the global object.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export function installNodeWebStorage(): Storage {
  const g = globalThis as any;
  if (!g.localStorage) require("localstorage-polyfill");
  if (typeof g.window === "undefined") g.window = g;
  return g.localStorage as Storage;
}

/**
 * `count` separate localstorage-polyfill stores (each load of the module
 * makes one), and `use(i)` to make store `i` the global `localStorage` that
 * Spine Local, Backbone.localStorage and the P1 contenders read. P1 seeds
 * each contender into a store of its own, so they can take turns without
 * seeding again.
 */
export function separateNodeWebStorages(count: number): { storages: Storage[]; use(i: number): void } {
  const g = globalThis as any;
  if (typeof g.window === "undefined") g.window = g;
  const previous = g.localStorage;
  const id = require.resolve("localstorage-polyfill");
  const storages: Storage[] = [];
  for (let i = 0; i < count; i++) {
    delete require.cache[id];
    require(id);
    storages.push(g.localStorage);
  }
  g.localStorage = previous ?? storages[0];
  return {
    storages,
    use(i) {
      g.localStorage = storages[i];
    },
  };
}
