/** `live.connect(url, options)`: the token the server checks, and the channels to join. */
export interface LiveConnectOptions {
  token?: string | undefined;
  /** Omitted: every channel the token may join. */
  channels?: string[] | undefined;
}

/**
 * The WebSocket URL `live.connect(url, options)` opens, with its arguments
 * checked: throws an Error naming what to fix (a path with no page to
 * resolve it against, a misspelt option, a token that is no string).
 */
export function connectUrl(url: unknown, options: LiveConnectOptions): string {
  const socket = socketUrl(url);
  if (typeof socket !== "string" || !/^wss?:\/\//.test(socket)) {
    // A path socketUrl left as it is: there is no page to resolve it against.
    if (typeof socket == "string" && socket.startsWith("/")) throw new Error(`live.connect(url): url must be a ws:// or wss:// URL or an http(s) URL; ${JSON.stringify(socket)} is a path, and there is no page here to resolve it against`);
    throw new Error(`live.connect(url): url must be a ws:// or wss:// URL, an http(s) URL, or a path on this page's origin (got ${JSON.stringify(socket)})`);
  }
  for (const key in options) {
    if (key !== "token" && key !== "channels") throw new Error(`live.connect(url, { ${key} }): ${key} is not an option; the options are token, channels`);
  }
  if (options.token != null && typeof options.token !== "string") throw new Error(`live.connect(url, { token }): token must be a string, got ${typeof options.token}`);
  if (options.channels !== undefined && !Array.isArray(options.channels)) throw new Error("live.connect(url, { channels }): channels must be an array of channel names");
  return socket;
}

/**
 * "/live" on the page's own origin and http(s) URLs become the matching
 * ws(s) URL, so an app can pass the same address it fetches from.
 */
export function socketUrl(url: unknown): string {
  if (typeof url !== "string") return url as string;
  if (/^https?:\/\//i.test(url)) return url.replace(/^http/i, "ws");
  const page = (globalThis as { location?: { protocol: string; host: string } }).location;
  if (url.startsWith("/") && !url.startsWith("//") && page?.host) return `${page.protocol === "https:" ? "wss" : "ws"}://${page.host}${url}`;
  return url;
}
