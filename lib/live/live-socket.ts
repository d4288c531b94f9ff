/** The part of the WebSocket API the client uses (browser WebSocket and `ws` both have it). */
export interface LiveSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type LiveSocketConstructor = new (url: string) => LiveSocket;

/** `globalThis.WebSocket` when present (browsers, Node 22), else the `ws` package. */
export function defaultWebSocket(): LiveSocketConstructor {
  const global = (globalThis as { WebSocket?: LiveSocketConstructor }).WebSocket;
  if (global) return global;
  // Node without a global WebSocket: load `ws`. The require is hidden from
  // bundlers (eval), so the browser build neither bundles `ws` nor its
  // browser stub, and the UMD build in Node still finds the real package.
  let nodeRequire: ((id: string) => unknown) | undefined;
  try {
    nodeRequire = eval("require") as (id: string) => unknown;
  } catch {
    nodeRequire = undefined;
  }
  if (typeof nodeRequire !== "function") {
    throw new Error("live: no WebSocket here; pass one (new LiveClient(host, { WebSocket })) or install the ws package");
  }
  return nodeRequire("ws") as LiveSocketConstructor;
}

/** Closes a socket whose events no longer matter to the client. */
export function retire(socket: LiveSocket, reason: string): void {
  socket.onopen = socket.onmessage = socket.onclose = null;
  // Keep an error listener: `ws` emits "closed before the connection was
  // established" as an error event, which would otherwise be thrown.
  socket.onerror = () => {};
  try {
    socket.close(1000, reason);
  } catch {
    // Some browsers throw when closing a socket that never opened; it is gone either way.
  }
}
