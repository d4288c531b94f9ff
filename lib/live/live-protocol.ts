/**
 * The `/live` wire protocol (JSON text frames), shared by the browser/Node
 * client in lib/live and the atmos2-server in server/live, so both sides
 * agree on shapes at compile time.
 *
 *   client                                   server
 *   { type: "auth", token, channels?, since?, epoch? }  ──▶
 *                                            ◀── { type: "ready", channels, seq, epoch }
 *                                                 or { type: "error", message } + close 4401/4403
 *                                            ◀── { type: "change", channel, seq, change }  (replay, then live)
 *                                            ◀── { type: "resync", channel, seq }  (missed too much)
 *   { type: "sync", method, collection, model, requestId, channel? } ──▶
 *                                            ◀── { type: "result", requestId, result } | { type: "error", requestId, message }
 */

/** One change to one resource, as backends publish it and clients apply it. */
export type LiveChangeType = "created" | "updated" | "deleted";

export interface LiveChange {
  type: LiveChangeType;
  /** The model's class name or REST collection name (`"tasks"`). */
  collection: string;
  id: string;
  /** The full resource as the REST API returns it. */
  attrs?: Record<string, unknown>;
}

/** Last applied (client) or published (server) sequence number per channel. */
export type SeqMap = Record<string, number>;

export interface AuthMessage {
  type: "auth";
  token: string;
  /** Omitted: every channel the token may join. */
  channels?: string[];
  /** Last seq the client applied per channel; the server replays what follows. */
  since?: SeqMap;
  /**
   * The server epoch those seqs belong to (from an earlier `ready`). A server
   * whose sequence numbers restarted (memory mode after a restart) answers
   * `resync` instead of replaying from a seq that means something else now.
   */
  epoch?: string;
}

export type SyncMethod = "create" | "read" | "update" | "delete";

export interface SyncMessage {
  type: "sync";
  method: SyncMethod;
  collection: string;
  model?: Record<string, unknown>;
  requestId: string | number;
  /** Where a successful write is published; defaults to the socket's only channel. */
  channel?: string;
  options?: Record<string, unknown>;
}

export type ClientMessage = AuthMessage | SyncMessage;

export interface ReadyMessage {
  type: "ready";
  channels: string[];
  /** Seq of the last change published on each channel (0 if none). */
  seq: SeqMap;
  epoch: string;
}

export interface ChangeMessage {
  type: "change";
  channel: string;
  seq: number;
  change: LiveChange;
}

export interface ResyncMessage {
  type: "resync";
  channel: string;
  /** The seq the client continues from once it has pulled. */
  seq: number;
}

export interface ErrorMessage {
  type: "error";
  message: string;
  requestId?: string | number;
}

export interface ResultMessage {
  type: "result";
  requestId: string | number;
  result: unknown;
}

export type ServerMessage = ReadyMessage | ChangeMessage | ResyncMessage | ErrorMessage | ResultMessage;

/** Close codes the server uses; the client stops reconnecting on the 44xx ones. */
export const CloseCode = {
  goingAway: 1001,
  tooBig: 1009,
  unauthorized: 4401,
  forbidden: 4403,
} as const;

export const CHANGE_TYPES: readonly LiveChangeType[] = ["created", "updated", "deleted"];
