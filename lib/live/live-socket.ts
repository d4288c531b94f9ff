import { importWs } from "./import-ws";

/**
 * The part of the WebSocket API the client uses (browser WebSocket and `ws`
 * both have it). The handlers' events are typed by what the client reads of
 * them, in method form: a class whose handlers take its own, richer event
 * types (ws's MessageEvent, the DOM's CloseEvent) fits without a cast.
 */
export interface LiveSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: LiveSocketHandler<unknown>;
  onmessage: LiveSocketHandler<{ data: unknown }>;
  onclose: LiveSocketHandler<{ code: number; reason: string }>;
  onerror: LiveSocketHandler<unknown>;
}

/** A handler property; `handle` is a method, so its parameter is checked both ways (as the DOM's own handler types are). */
type LiveSocketHandler<E> = { handle(event: E): void }["handle"] | null;

export type LiveSocketConstructor = new (url: string) => LiveSocket;

const noWebSocket = 'atmos.live: no WebSocket here; pass one with new Atmos({ WebSocket }) (e.g. import { WebSocket } from "ws"), or install the ws package';

/**
 * `globalThis.WebSocket` when present (browsers, Node 22), else the `ws`
 * package (Node 20), loaded on first use. Rejects when neither is there; the
 * client turns that into a rejected `connect()`.
 */
export async function defaultWebSocket(): Promise<LiveSocketConstructor> {
  const global = (globalThis as { WebSocket?: LiveSocketConstructor }).WebSocket;
  if (global) return global;
  // The cause says why `ws` did not load: not installed, or broken.
  const ws = await importWs().catch((cause: unknown) => {
    throw new Error(noWebSocket, { cause });
  });
  if (!ws) throw new Error(noWebSocket);
  return ws as LiveSocketConstructor;
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
