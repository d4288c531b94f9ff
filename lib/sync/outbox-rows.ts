import { remoteAction } from "../meta-context";
import { isParked, type AttemptError, type Attrs, type RecordEntry } from "../store/record-entry";

/**
 * Where an unsent change stands:
 * - `"sending"`: its request is under way;
 * - `"waiting"`: queued; sent as soon as it can be (after a back-off, once
 *   online, once a parent record has its server id, or after `resume()`);
 * - `"held"`: saved without `remote`, sent by the next `push()`;
 * - `"parked"`: refused by the server; waits for `retry()` or `revert()`.
 */
export type OutboxRowState = "sending" | "waiting" | "held" | "parked";

/** One record with unsent changes, as `atmos.outbox()` lists it. Plain data: a copy. */
export interface OutboxRow {
  /** The model's class name. */
  model: string;
  /** The record's id (local until the server acknowledges it). */
  id: string;
  /** The record's attributes as saved on this device (the last ones, for a deleted record). */
  attrs: Attrs;
  /** What the next request does. */
  action: "create" | "update" | "delete";
  /** How many changes of this record are queued (the first is sent next). */
  queued: number;
  /** Requests sent so far for the change sent next. */
  attempts: number;
  /** Why its last attempt failed, if it did. For a parked change: the server's refusal. */
  lastError?: AttemptError;
  state: OutboxRowState;
  /** Enqueue order of the change sent next; rows come sorted by it. */
  seq: number;
}

/** The rows of `atmos.outbox()`, oldest change first. Pure. */
export function outboxRows(entries: Iterable<RecordEntry>, sending: (entry: RecordEntry) => boolean): OutboxRow[] {
  const rows: OutboxRow[] = [];
  for (const entry of entries) {
    const op = entry.queue[0];
    if (!op) continue;
    const state: OutboxRowState = isParked(entry) ? "parked" : sending(entry) ? "sending" : op.hold ? "held" : "waiting";
    // A parked change's refusal is the error that matters, whatever came before.
    const lastError = entry.failed
      ? { status: entry.failed.status, message: entry.failed.message, at: op.lastError?.at ?? 0 }
      : op.lastError && { ...op.lastError };
    rows.push({
      model: entry.className,
      id: entry.id,
      attrs: { ...entry.attrs },
      action: op.kind === "destroy" ? "delete" : remoteAction(entry),
      queued: entry.queue.length,
      attempts: op.attempts ?? 0,
      ...(lastError ? { lastError } : {}),
      state,
      seq: op.seq,
    });
  }
  return rows.sort((a, b) => a.seq - b.seq);
}
