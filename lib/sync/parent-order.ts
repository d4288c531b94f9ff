import type { MetaContext } from "../meta-context";
import { isParked, type Attrs, type RecordEntry } from "../store/record-entry";
import { errorPayload, recordOf } from "./outbox-exchange";
import { SyncError, type ErrorPayload } from "./sync-error";
import type { SyncHost } from "./sync-host";

/**
 * Parents first. A record whose foreign key (`Model.remoteKeys`) points at a
 * record the server does not know yet cannot be sent: it waits for its
 * parent's server id, which `swapId` then writes into it.
 */

/**
 * The record this one waits for: the parent (remoteKeys) it points at that
 * the server does not know yet (it waits for its id), or, for a delete, a
 * record moving out of it (below).
 */
export function unsentParent(host: SyncHost, entry: RecordEntry): RecordEntry | undefined {
  if (entry.queue[0]?.kind === "destroy") return movingOut(host, entry);
  const keys = host.options(entry.className).remoteKeys;
  for (const field in keys) {
    const value = entry.attrs[field];
    const parent = value == null ? undefined : host.meta.get(keys[field], String(value));
    // A parent deleted while its create may still reach the server (sent,
    // or answered in another tab) is waited for too: its server id comes
    // with the answer, and the child must never go out with the local one.
    // So is one the server has that is to be deleted and created again (an
    // undo): sent now, the child would go to the record its delete removes.
    if (!parent || parent === entry) continue;
    if ((!parent.acked && !parent.deleted) || parent.queue.some((op, i) => op.kind === "create" || (op.kind === "destroy" && i < parent.queue.length - 1))) return parent;
  }
}

/**
 * A record the server still has under this one (its server version points
 * here) that the user moved to another parent, with the move not answered
 * yet: the delete waits for it. Sent first, the delete would take the record
 * with it on a server that deletes a parent's children (Rails' `dependent:
 * :destroy`), and the move, answered 404, could not bring it back. So it
 * waits for a move that is parked, or waits for a parked parent, too: until
 * the app fixes or reverts it (`whenSynced()` leaves the delete out meanwhile).
 */
function movingOut(host: SyncHost, entry: RecordEntry): RecordEntry | undefined {
  for (const child of host.meta.queued()) {
    if (child === entry || !child.base || child.deleted) continue;
    const keys = host.options(child.className).remoteKeys;
    for (const field in keys) if (pointsAt(keys, field, child.base, entry) && !pointsAt(keys, field, child.attrs, entry)) return child;
  }
}

/** Whether `attrs`' foreign key `field` (declared in `keys`, a model's remoteKeys) names `parent`. */
function pointsAt(keys: Record<string, string>, field: string, attrs: Attrs, parent: RecordEntry): boolean {
  return keys[field] === parent.className && String(attrs[field]) === parent.id;
}

/**
 * Whether this record waits for a parent that will not be sent: a parked
 * one (or one waiting so itself). It goes once the parent is retried;
 * until then `whenSynced()` leaves it out, as it leaves the parent out.
 */
export function waitsForParkedParent(host: SyncHost, entry: RecordEntry, depth = 0): boolean {
  const parent = unsentParent(host, entry);
  return !!parent && (depth > 30 || isParked(parent) || !parent.queue.length || waitsForParkedParent(host, parent, depth + 1));
}

/**
 * A parent the server never had was reverted away (`atmos.revert`), or
 * destroyed before its create was sent: the records queued to point at it
 * can never be sent as they are (the server would get a local id no record
 * has). They are parked with a failure naming the missing parent, not
 * removed with it: nothing the user typed is lost, `whenSynced()` resolves,
 * and the app points them at another parent (a save with `remote: true`
 * sends them) or reverts them. Returns the records parked.
 */
export function parkOrphans(meta: MetaContext, remoteKeys: (className: string) => Record<string, string>, parent: RecordEntry, how: "reverted" | "deleted" = "reverted"): RecordEntry[] {
  const parked: RecordEntry[] = [];
  for (const entry of meta.queued()) {
    if (entry.queue[0]?.kind === "destroy") continue;
    const keys = remoteKeys(entry.className);
    const field = Object.keys(keys).find((key) => pointsAt(keys, key, entry.attrs, parent));
    if (!field) continue;
    entry.orphanOf = { field, className: parent.className, id: parent.id, how };
    parkOrphan(entry);
    meta.touch(entry);
    parked.push(entry);
  }
  return parked;
}

/**
 * A parent deleted before the server had it is saved again (the user took
 * the delete back): the records parked for pointing at it wait for it again,
 * and go with its server id. Returns them.
 */
export function unparkOrphans(meta: MetaContext, parent: RecordEntry): RecordEntry[] {
  const back: RecordEntry[] = [];
  // The parked ones are indexed as they are stored and read (after a reload, from another tab too): a create looks no further.
  for (const entry of Array.from(meta.orphans())) {
    const of = entry.orphanOf;
    if (!of || of.className !== parent.className || of.id !== parent.id) continue;
    entry.orphanOf = undefined;
    entry.failed = undefined;
    meta.touch(entry);
    back.push(entry);
  }
  return back;
}

/**
 * Whether a record parked as an orphan (above) still points at its missing
 * parent: then it is parked again, however it was let go (push(), retry(),
 * a save with `remote: true`), so it never goes out with a local id no
 * record has. One pointed elsewhere, or at the parent made again, is let go.
 */
export function stillOrphan(meta: MetaContext, entry: RecordEntry): boolean {
  const parent = entry.orphanOf;
  if (!parent) return false;
  if (entry.queue[0]?.kind !== "destroy" && String(entry.attrs[parent.field]) === parent.id && !meta.get(parent.className, parent.id)) {
    parkOrphan(entry);
    return true;
  }
  entry.orphanOf = undefined;
  return false;
}

/**
 * Tells of records `parkOrphans` parked or `unparkOrphans` let go: their
 * sync state, and for each one parked its `error` event (type "invalid", not
 * retrying), so the app's "fix or retry" prompt hears of it.
 */
export function tellOrphans(host: SyncHost, entries: Iterable<RecordEntry>): void {
  for (const entry of entries) {
    host.statusChanged(entry);
    if (entry.orphanOf) host.reportError(orphanParked(host, entry));
  }
}

function orphanParked(host: SyncHost, entry: RecordEntry): ErrorPayload {
  const payload = errorPayload(entry.className, recordOf(host, entry), new SyncError(entry.failed?.message ?? "", { type: "invalid" }));
  payload.retrying = false;
  return payload;
}

function parkOrphan(entry: RecordEntry): void {
  const { field, className, id, how } = entry.orphanOf!;
  const message = `${entry.className} ${entry.id}: its ${field} points at ${className} ${id}, which was ${how} before the server had it; set ${field} to another ${className} and save with { remote: true }, or revert it`;
  entry.failed = { status: 0, message };
}
