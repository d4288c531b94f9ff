/**
 * ./import-ws.ts in the browser build (dist/atmos2-live.js): a page has
 * `globalThis.WebSocket` and no `ws` package, so there is nothing to import
 * and no `import()` in a file that must also become ES5.
 */
export function importWs(): Promise<unknown> {
  return Promise.resolve(undefined);
}
