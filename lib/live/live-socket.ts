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

/**
 * `globalThis.WebSocket` when present (browsers, Node 22), else the `ws`
 * package (Node 20). Throws when neither is there; the client turns that
 * into a rejected `connect()`.
 */
export function defaultWebSocket(): LiveSocketConstructor {
  const global = (globalThis as { WebSocket?: LiveSocketConstructor }).WebSocket;
  if (global) return global;
  try {
    return nodeRequire()("ws") as LiveSocketConstructor;
  } catch {
    throw new Error('atmos.live: no WebSocket here; pass one with new Atmos({ WebSocket }) (e.g. import { WebSocket } from "ws"), or install the ws package');
  }
}

/**
 * Node's `require`, reached through `process.getBuiltinModule` (Node 20.16+)
 * so that bundlers see no `require("ws")` (a browser build must not bundle
 * it) and it works the same from the CommonJS and ES module builds. `ws` is
 * looked up from the app's main script (or the working directory).
 */
function nodeRequire(): (id: string) => unknown {
  type NodeProcess = { argv: string[]; cwd(): string; getBuiltinModule(id: "module"): { createRequire(from: string): (id: string) => unknown } };
  const process = (globalThis as { process?: NodeProcess }).process!;
  return process.getBuiltinModule("module").createRequire(process.argv[1] || `${process.cwd()}/`);
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
