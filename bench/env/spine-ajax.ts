import Spine from "spine";

/**
 * Spine Ajax needs jQuery, and jQuery in Node needs a window: a jsdom window
 * whose origin is the bench server's, so its XHR makes same-origin requests.
 * `spine/lib/ajax` captures `Spine.$` when loaded, so this happens once per
 * process, for one origin.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
let loaded: { origin: string; $: any; window: any } | undefined;

export function loadSpineAjax(origin: string): { $: any } {
  if (loaded) {
    if (loaded.origin !== origin) throw new Error(`Spine Ajax is already bound to ${loaded.origin}; the bench must use one server origin`);
    return loaded;
  }
  const { JSDOM } = require("jsdom");
  const dom = new JSDOM("<!doctype html><html><body></body></html>", { url: `${origin}/` });
  const $ = require("jquery")(dom.window);
  (Spine as any).$ = $;
  require("spine/lib/ajax");
  require("spine/lib/local");
  loaded = { origin, $, window: dom.window };
  return loaded;
}

/** Closes the jsdom window (timers, sockets), so the process can exit. */
export function closeSpineAjax(): void {
  loaded?.window.close();
}
