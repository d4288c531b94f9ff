/** Plain attributes of a record, as JSON. */
export type Attrs = Record<string, unknown>;

/** `hasOwn.call(object, key)`: one copy for every module that asks (as `Object.hasOwn`, which is ES2022). */
export const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Whether two attribute values are the same once stored: values read from
 * storage are new objects each time, and a Date is stored (and sent, and
 * answered) as its ISO text, so a Date set again to the time a record holds
 * as text is no change.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a !== "object" || a === null) && (typeof b !== "object" || b === null)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A record as everything outside AppContext sees it: no Spine. */
export interface PlainRecord {
  className: string;
  id: string;
  attrs: Attrs;
  /** Spine holds the id as a number (the app gave one, e.g. a Rails page's JSON): it goes to the server as one. */
  numericId?: true;
}

export type OpKind = "create" | "update" | "destroy";

/**
 * One queued remote change of one record. Ops live inside their record's
 * entry, so the record and its outbox are written in the same storage key:
 * a crash leaves either the old pair or the new pair, never half of both.
 */
export interface OutboxOp {
  kind: OpKind;
  /** Global order of enqueueing: ops of different records go out in this order. */
  seq: number;
  /** Idempotency-Key: the same across retries and reloads. */
  key: string;
  /** Fields the user changed since the version the edit is based on. */
  changed?: string[];
  /**
   * Fields queued only to be sent again with the server's values (taken by a
   * merge while an update was on its way, see resend-merged.ts): not the
   * user's edits, so a later merge takes the server's newer value for them.
   */
  resent?: string[];
  /** Saved without `remote`: waits for `push()` instead of being sent now. */
  hold?: boolean;
  /**
   * Set (and persisted) just before the first attempt. A sent op may already
   * be committed on the server, so compaction never folds later edits into it.
   */
  sent?: boolean;
  /**
   * An attempt may have been committed though it failed (no answer, a 5xx,
   * an unreadable 2xx): a later refusal does not make the op unsent again.
   */
  unsure?: boolean;
  /**
   * The request of an op whose attempt may have been committed: it is sent
   * again as it was (same key, same body), since a strict server refuses a
   * key sent again with another body; edits made since go after it.
   */
  sentAs?: { path: string; params?: Record<string, unknown>; data?: unknown; ifMatch?: string };
  /**
   * How often the server refused this op (a 4xx: nothing made). What goes
   * after a refusal is a request of its own, with `key.N` as its
   * Idempotency-Key: a server that keeps every answer under its key would
   * answer the refusal again, and a strict one refuses a known key with
   * another body. (The op keeps `key`: callbacks and other tabs know it so.)
   */
  refusals?: number;
  /** Requests sent for this op so far (for a "what is waiting" view; see `atmos.outbox()`). */
  attempts?: number;
  /** Why the last attempt failed, when it did. */
  lastError?: AttemptError;
}

/** The failure of one attempt to send an op. */
export interface AttemptError {
  /** HTTP status; 0 for a network failure. */
  status: number;
  message: string;
  /** When it failed (the Atmos clock's milliseconds). */
  at: number;
}

/** Why a change is parked (a permanent failure the app must retry or revert). */
export interface ParkedFailure {
  status: number;
  message: string;
  body?: unknown;
  /**
   * A 5xx (not an offline status): the record shows "failed", as
   * API.md says of a status that is not an offline one, but the change is
   * not parked: it is sent again after a backoff, by itself.
   */
  retry?: true;
}

/**
 * Notes whether the server has an edited record no more (`there`: a live
 * delete, a pulled tombstone or absence; not: the server shows it again),
 * writing the entry (`meta.touch`) when that changes. The edit stays either
 * way; see RecordEntry.deletedThere. Here, in a module of plain data, so the
 * live client (a bundle of its own) takes nothing of the outbox with it.
 */
export function noteDeletedThere(meta: { touch(entry: RecordEntry): void }, entry: RecordEntry, there: boolean): void {
  if (!!entry.deletedThere === there) return;
  entry.deletedThere = there ? true : undefined;
  meta.touch(entry);
}

/** Whether the entry waits for retry() or revert() (refused); a failure that is sent again by itself is not parked. */
export function isParked(entry: RecordEntry): boolean {
  return !!entry.failed && !entry.failed.retry;
}

/**
 * The persisted sync state of one record: the "record of remotely-known ids"
 * and the record's slice of the outbox.
 */
export interface RecordEntry {
  className: string;
  /** The local id; equals the remote id once the server acknowledged the record. */
  id: string;
  attrs: Attrs;
  /** The server has acknowledged this record: future saves are updates. */
  acked: boolean;
  /** The last version the server sent or accepted: for conflicts and revert. */
  base?: Attrs;
  etag?: string;
  queue: OutboxOp[];
  /** Destroyed locally; the entry stays until the server confirms the delete. */
  deleted?: boolean;
  failed?: ParkedFailure;
  /**
   * Live news said the server deleted it while it had unsent edits, which
   * were kept: a revert removes it, and so does the answer to the last edit
   * (the server took it before the delete). Cleared when the server shows it
   * again (a pull, live news of it).
   */
  deletedThere?: true;
  /**
   * The server's last version of a record created again after its delete
   * (an undo), until that create is answered: fields still as the server
   * had them may be its own (etag, updated, a position), which the new
   * copy has anew, so they do not tell that copy apart (lost-creates.ts).
   */
  recreatedFrom?: Attrs;
  /** The server's ids are numbers (json-server, Rails), or the app gave this one as a number: send them back as numbers. */
  numericId?: boolean;
  /** Ids this record had before the server assigned its own (for crash recovery). */
  formerIds?: string[];
  /**
   * The parent its foreign key `field` points at, gone before the server had
   * it: while the key still points there, the record is not sent (see parent-order.ts).
   */
  orphanOf?: { field: string; className: string; id: string; how: "reverted" | "deleted" };
  /**
   * The ops lately taken off the queue (answered, folded, dropped), by the
   * start of their keys, the newest last: how a tab that wrote this entry
   * at the same time as another tells an op settled there from one it
   * never saw (see entry-merge.ts).
   */
  done?: string[];
  /**
   * When the user last changed each field (the Atmos clock's milliseconds,
   * wall time by default), in whichever tab: of two tabs' values of a field,
   * the later edit's wins (see entry-merge.ts).
   */
  stamps?: Record<string, number>;
}

export type SyncState = "local" | "pending" | "synced" | "failed";

/** An id field's value that names no record: missing, null or empty. */
export function blankId(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** A server record as local attributes: its id under `id`, whatever the API's id field is. */
export function localAttrs(server: Attrs, id: string, idField: string): Attrs {
  const attrs: Attrs = { ...server, id };
  if (idField !== "id") delete attrs[idField];
  return attrs;
}

/** The version tag a server record carries, if any. */
export function etagOf(attrs: Attrs): string | undefined {
  return typeof attrs.etag === "string" ? attrs.etag : undefined;
}

/** The state the UI shows for a record; pure. */
export function syncStateOf(entry: RecordEntry | undefined): SyncState {
  if (!entry) return "local";
  if (entry.failed) return "failed";
  for (const op of entry.queue) if (!op.hold) return "pending";
  if (entry.queue.length > 0) return "local";
  return entry.acked ? "synced" : "local";
}
