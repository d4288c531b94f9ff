/**
 * The `ws` package, looked up from atmos2's own file as any dependency of
 * atmos2 is: the package manager put it next to atmos2, maybe where the app
 * cannot see it (pnpm). A dynamic import does that from the CommonJS and the
 * ES module builds alike, on every Node. `webpackIgnore` leaves it as written
 * in our .mjs/.cjs files, and an app's webpack build of those files leaves it
 * too; our browser build takes ./import-ws.browser.ts instead (see
 * webpack.config.js).
 */
export function importWs(): Promise<unknown> {
  return import(/* webpackIgnore: true */ "ws").then((ws) => ws.WebSocket);
}
