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
