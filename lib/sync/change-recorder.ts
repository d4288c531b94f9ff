import { remoteAction } from "../meta-context";
import { enqueue, release } from "../store/compaction";
import { stamp } from "../store/entry-merge";
import { isParked, type OpKind, type OutboxOp, type PlainRecord, type RecordEntry } from "../store/record-entry";
import { editedFields } from "./merge";
import { storeEntry } from "./outbox-exchange";
import { parkOrphans, unparkOrphans } from "./parent-order";
import type { SyncHost } from "./sync-host";
import type { ModelOptions } from "../app-context";

export type ChangeType = "create" | "update" | "destroy";

export interface RecordedChange {
  entry: RecordEntry | undefined;
  /** The op the change was queued as (maybe compacted into an earlier one). */
  op?: OutboxOp;
  /** Whether the pusher should send now. */
  send: boolean;
  /** Records pointing at this one, parked: it was destroyed before the server had it (see parent-order.ts). */
  orphans?: RecordEntry[];
}

/**
 * Turns one local change of a record (a Spine save or destroy) into its entry
 * and outbox op, compacted with what is already queued. The record and its
 * queue change together in memory and are written in one storage key.
 */
export function recordChange(
  host: SyncHost,
  plain: PlainRecord,
  type: ChangeType,
  call: { remote: boolean; newKey: () => string; model?: Pick<ModelOptions, "local" | "remote"> },
): RecordedChange {
  const { meta } = host;
  const model = call.model ?? host.options(plain.className);
  let entry = meta.get(plain.className, plain.id);
  const fresh = !entry;
  const remote = !model.local && (call.remote || model.remote);
  let kind: OpKind = "destroy";
  let changed: string[] | undefined;

  if (type === "destroy") {
    if (!entry) return { entry, send: false };
    if (model.local) {
      meta.remove(entry.className, entry.id);
      return { entry, send: false };
    }
    entry.deleted = true;
    entry.failed = undefined;
  } else if (!entry) {
    entry = { className: plain.className, id: plain.id, attrs: plain.attrs, acked: false, queue: [] };
    if (plain.numericId) entry.numericId = true;
    kind = "create";
  } else {
    // Only a field the app's record carries can be the user's edit: taken for edits, the server's
    // own fields would keep their old values in a merge (a refused update would send
    // `deleted: false` back onto a task deleted elsewhere).
    // Saved again after a destroy (an undo): the edits that destroy folded
    // away are the user's still, so the fields are told against the server's
    // version the edits were based on (a pull must not take them back).
    changed = editedFields(entry.deleted && entry.base ? entry.base : entry.attrs, plain.attrs);
    if (changed.length) stamp(entry, changed, host.clock.now());
    // Saving a synced record without a change and without `remote` queues nothing.
    if (!remote && changed.length === 0 && entry.queue.length === 0 && entry.acked && !entry.deleted) return { entry, send: false };
    // Keep the server's version the edit is based on, for conflicts and revert.
    if (entry.acked && !entry.base && entry.queue.length === 0) entry.base = { ...entry.attrs };
    entry.attrs = plain.attrs;
    if (entry.deleted) entry.deleted = undefined;
    if (remote) entry.failed = undefined; // the user saved again: try again
    // A refused change fixed with a plain save: unsent, no longer failed, and
    // held as that save is, for push() (one still pointing at a parent that
    // is gone is parked again there: stillOrphan).
    else if (changed.length && isParked(entry) && !entry.orphanOf) {
      entry.failed = undefined;
      entry.queue = entry.queue.map((op) => (op.hold ? op : { ...op, hold: true }));
    }
    // With a create queued, this save updates what it creates.
    kind = createQueued(entry.queue) ? "update" : remoteAction(entry);
  }

  // A local-only model keeps its records here, and queues nothing.
  let queued: OutboxOp | undefined;
  if (!model.local) {
    const op: OutboxOp = { kind, seq: meta.nextSeq(), key: "", changed, hold: remote ? undefined : true };
    const before = entry.queue;
    entry.queue = enqueue(before, op, entry.acked);
    // A remote save sends what was held of the record before it too (a destroy saved without remote, then undone).
    if (remote) entry.queue = release(entry.queue);
    queued = keyed(entry.queue, call.newKey);
    // Deleted before the server had it: nothing left to send; but the tab
    // that sends may be starting to send it (see dropped-here.ts).
    if (kind === "destroy" && entry.queue.length === 0 && !host.isLeader()) meta.dropped.note(meta.keyOf(entry.className, entry.id), before);
  }
  if (changed) meta.edited.note(entry, changed, queued);
  if (fresh) meta.put(entry);
  // A destroy of a record the server never saw leaves nothing to send or keep.
  else storeEntry(meta, entry);
  // Nor anything its children could point at on the server.
  const orphans =
    kind === "destroy" && !entry.acked && entry.queue.length === 0
      ? parkOrphans(meta, (name) => host.options(name).remoteKeys, entry, "deleted")
      : // Saved again after that: its children wait for it again.
        kind === "create" ? unparkOrphans(meta, entry) : undefined;
  return { entry, op: queued, send: remote, orphans };
}

/**
 * The op a change ended up in, given its Idempotency-Key if it is a new one
 * (before the entry is written: a stored op always has its key).
 * Keys are minted only here: an edit folded into an unsent op rides on that
 * op's key, so a run of edits to one record mints one key, not one per save.
 */
function keyed(queue: OutboxOp[], newKey: () => string): OutboxOp | undefined {
  const op = queue[queue.length - 1];
  if (op && !op.key) op.key = newKey();
  return op;
}

/** Whether a queue holds a create (a loop: no callback made on every save). */
function createQueued(queue: OutboxOp[]): boolean {
  for (let i = 0; i < queue.length; i++) if (queue[i].kind === "create") return true;
  return false;
}
