import type { AtmosRecord } from "../model-types";
import { isQuotaError } from "../store/store";

/** What kind of runtime failure a SyncError is. */
export type SyncErrorType = "network" | "http" | "parse" | "invalid" | "quota" | "storage" | "timeout" | "config";

/**
 * A runtime failure of a request or of storage. Never thrown from `save`;
 * delivered through `error` events, `error` callbacks and rejected Promises.
 */
export class SyncError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly type: SyncErrorType;
  /** From a Retry-After header (429/503): how long to wait before any request. */
  readonly retryAfterMs?: number;
  /** No byte of the request left this machine: the connection was refused or the host not found, or the browser was offline. */
  readonly unsent?: boolean;
  /** The server answered, though with status 0 (a redirect the page may not follow): the network is up. */
  readonly answered?: boolean;
  /** The message already says to check resourceClient.base and the routes (a framework's own "not found" page). */
  readonly saysWhereToLook?: boolean;

  constructor(message: string, options: { status?: number; body?: unknown; type: SyncErrorType; retryAfterMs?: number; unsent?: boolean; answered?: boolean; saysWhereToLook?: boolean }) {
    super(message);
    this.name = "SyncError";
    this.status = options.status ?? 0;
    this.body = options.body;
    this.type = options.type;
    this.retryAfterMs = options.retryAfterMs;
    this.unsent = options.unsent;
    this.answered = options.answered;
    this.saysWhereToLook = options.saysWhereToLook;
  }
}

/**
 * An error thrown before any request went out (a route missing a parameter,
 * an unknown model in routes, a beforeRequest hook that threw) as a SyncError
 * of type "config": a setup mistake, parked and never taken for offline.
 */
export function asSyncError(error: unknown, prefix = ""): SyncError {
  if (error instanceof SyncError) return error;
  const message = String((error as Error)?.message ?? error);
  // atmos2's own messages name what they are about already ("atmos2: route … (Task.create) …").
  return new SyncError(message.startsWith("atmos2: ") ? message : prefix + message, { type: "config" });
}

/** The payload of `error` events and `error` callbacks (API.md "Precise behaviour"). */
export interface ErrorPayload {
  /** The model's class name; null for a custom request, and for a storage write that held no record. */
  model: string | null;
  /** The Spine record concerned, or null. */
  record: AtmosRecord | null;
  /** HTTP status; 0 for a network failure. */
  status: number;
  /** Parsed JSON body, else the response text. */
  body: unknown;
  error: Error;
  /** "quota" when storage is full; otherwise the SyncError type. */
  type: SyncErrorType;
  /**
   * For a change being sent: true when it stays queued and is sent again
   * (offline, 5xx, 429, or 401 until `atmos.resume()`), false when it was
   * refused and parked.
   */
  retrying?: boolean;
}

/** A readable one-line message out of the error bodies servers actually send. */
export function messageFromBody(status: number, body: unknown): string {
  if (body && typeof body === "object") {
    const { error, message, detail, errors, title } = body as Record<string, unknown>;
    // Google's { error: { message } }, then { error: "…" }, { message }, a problem document's detail.
    for (const text of [(error as { message?: unknown } | null)?.message, error, message, detail]) if (typeof text === "string") return text;
    // Rails' { errors: { title: [...] } } or { errors: [...] }; JSON:API's { errors: [{ detail, title }] }.
    const listed = errors && typeof errors === "object" ? fieldMessages(errors) : [];
    if (listed.length) return listed.join(", ");
    // A problem document without a detail: { type, title, status }.
    if (typeof title === "string" && typeof (body as { status?: unknown }).status === "number") return title;
    // Rails 422: { title: ["can't be blank"], due: ["is invalid"] }
    const parts = fieldMessages(body);
    if (parts.length) return parts.join(", ");
  }
  if (typeof body === "string" && body.trim()) {
    const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
    // A title that says only "Error" (Express's own pages): the page's text says more ("Cannot GET /api/tasks").
    const said = title && !/^\s*error\s*$/i.test(title) ? title : body.replace(/<title>[^<]*<\/title>|<[^>]*>/gi, " ");
    const text = said.replace(/\s+/g, " ").trim();
    return text.slice(0, 200);
  }
  return `HTTP ${status}`;
}

/** "title can't be blank" for each message of a Rails errors hash, or each entry of an errors list (a string, or an object's detail or title). */
function fieldMessages(errors: object): string[] {
  const parts: string[] = [];
  for (const [field, value] of Object.entries(errors)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = item && typeof item === "object" ? (item.detail ?? item.title ?? item.message) : item;
      if (typeof text === "string") parts.push(Array.isArray(errors) || field === "base" ? text : `${field} ${text}`);
    }
  }
  return parts;
}

/** The longest pause a Retry-After gets: a server asking for more (years, in seconds) is most likely wrong, and a day on it shows. */
const MAX_RETRY_AFTER_MS = 86_400_000;

/** Retry-After is either delta-seconds or an HTTP date; at most a day. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/**
 * The `error` event of a failed storage write: storage full (the changes
 * wait in memory), or another failure. `model` and `record` name the first
 * record the failed write held (null when it held none).
 */
export function storageFailure(error: unknown, model: string | null, record: AtmosRecord | null, whenFull = ", or keep larger data in the IndexedDB store (atmos2/indexeddb)"): ErrorPayload {
  const quota = isQuotaError(error);
  const kept = "the changes since are kept in this page's memory only (closing or reloading the page loses them) and are written, then sent, once";
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const message = quota ? `atmos2: storage is full; ${kept} space frees: free some storage${whenFull}` : `atmos2: writing to storage failed (${reason}); ${kept} a write works again (tried every 5 s)`;
  const type = quota ? "quota" : "storage";
  return { model, record, status: 0, body: null, error: new SyncError(message, { type }), type };
}

/** The `error` event of storage that could not be read at start (an IndexedDB that did not open): said once, read again every 5 s. */
export function storageUnread(error: unknown): ErrorPayload {
  const reason = error instanceof Error ? error.message : String(error);
  const message = `atmos2: reading storage failed (${reason}); records saved meanwhile are shown and kept in this page's memory only (closing or reloading the page loses them), and are written, then sent, once storage answers (read again every 5 s)`;
  return { model: null, record: null, status: 0, body: null, error: new SyncError(message, { type: "storage" }), type: "storage" };
}

/**
 * The `error` event of a stored value that is not JSON any more (cut short,
 * or another program's under atmos2's prefix): it was skipped, not loaded,
 * and is left as it is. `model`: the class name of a record's key, else null.
 */
export function unreadableStored(key: string, model: string | null): ErrorPayload {
  const shown = JSON.stringify(key);
  const message = `atmos2: storage key ${shown} does not hold JSON any more (cut short, or written by another program), so atmos2 did not load it and leaves it as it is; if it held a change not yet sent, copy what you need from it, then remove it (storage.removeItem(${shown}))`;
  return { model, record: null, status: 0, body: null, error: new SyncError(message, { type: "parse" }), type: "parse" };
}
