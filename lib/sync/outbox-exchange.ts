import type { AtmosRecord } from "../model-types";
import { remoteAction, type MetaContext } from "../meta-context";
import { enqueue } from "../store/compaction";
import { etagOf, hasOwn, localAttrs, noteDeletedThere, type Attrs, type OutboxOp, type RecordEntry } from "../store/record-entry";
import { changedFields, fieldsQueued, mergeAnswer, olderVersion, sameOnWire } from "./merge";
import { answeredRecord, type Answer } from "./answered-record";
import { adoptCopy } from "./lost-creates";
import { SyncError, type ErrorPayload } from "./sync-error";
import type { RemoteCallOptions, SyncHost } from "./sync-host";
import { remoteShaped } from "./remote-shape";

// What the pusher sends for an op, and what it does with the answer.

/** An id a server gave as a number, as text (up to 15 digits: exact as a JSON number). */
const numberText = /^(0|[1-9]\d{0,14})$/;

/** The HTTP request that sends an op: route, body (prepareData applied) and headers. */
export function requestFor(host: SyncHost, entry: RecordEntry, op: OutboxOp, calls: RemoteCallOptions[]) {
  const { className } = entry;
  const pathParams = mergedOption(calls, "pathParams");
  const idField = host.rc.IDField;
  const action = op.kind === "destroy" ? "delete" : remoteAction(entry);
  // An update or delete goes where the server has the record: a parent in
  // its path changed here (a task moved to another list) is the server's
  // version's until the update that moves it is answered.
  const known = action === "create" ? undefined : entry.base;
  const lookup = (name: string) => {
    if (name in pathParams) return pathParams[name];
    if (name === "id" || name === idField) return entry.acked ? entry.id : undefined;
    return known?.[name] ?? entry.attrs[name];
  };
  const { url, remoteKeys } = host.options(className);
  const { method, path } = host.rc.route(className, action, lookup, url);
  let data: unknown;
  if (op.kind !== "destroy") {
    const { attributes } = host.options(className);
    // The model's fields (and its foreign keys), as Spine's own toJSON() sends:
    // the server's own (Google's kind, selfLink), merged in from an answer or a pull, stay here.
    // A PATCH changes the fields it names, as its answer shows: it names those
    // changed here (and those sent again after a merge), so a field another
    // device changed meanwhile is not put back, on a server without versions too.
    const fields = action === "update" && method === "PATCH" && op.changed ? [...op.changed, ...(op.resent ?? [])] : attributes.length ? [...attributes, ...Object.keys(remoteKeys)] : undefined;
    const attrs: Attrs = fields ? pick(entry.attrs, fields) : { ...entry.attrs };
    delete attrs.id;
    if (action === "update") {
      // A number when the server gave one, and the id is one still (changeID("slug") makes it text).
      attrs[idField] = entry.numericId && numberText.test(entry.id) ? Number(entry.id) : entry.id;
      sendCleared(attrs, entry.base, op.changed ?? attributes);
    }
    keysForServer(host, remoteKeys, attrs);
    data = attrs;
    const record = recordOf(host, entry);
    for (const call of calls) if (call.prepareData) data = call.prepareData(data as Attrs, record) ?? data;
  }
  const params = mergedOption(calls, "params");
  return {
    method,
    path,
    params: Object.keys(params).length ? params : undefined,
    data,
    model: className,
    headers: headersFor(host, entry, op, action),
  };
}

/**
 * A field the user cleared (undefined: JSON leaves it out) that the server
 * holds goes as null. A server that updates only the fields a body names
 * (Rails, any PATCH) would keep its value otherwise, and its answer would
 * put it back on the page.
 */
function sendCleared(attrs: Attrs, base: Attrs | undefined, fields: string[]): void {
  for (const field of fields) if (attrs[field] === undefined && base?.[field] != null) attrs[field] = null;
}

/**
 * A foreign key in `remoteKeys` goes as the server gave the id it points
 * to: a number when that record's id is one (or, for a record not held
 * here, when the ids of its model held here are numbers).
 */
function keysForServer(host: SyncHost, remoteKeys: Record<string, string>, attrs: Attrs): void {
  for (const key in remoteKeys) {
    const value = attrs[key];
    if (typeof value != "string") continue;
    const target = host.meta.get(remoteKeys[key], value);
    const numeric = target ? target.numericId : numberText.test(value) && host.meta.all(remoteKeys[key]).some((e) => e.numericId);
    if (numeric) attrs[key] = Number(value);
  }
}

/** The `pathParams` or `params` of every call of an op, in one object (later calls win). */
function mergedOption(calls: RemoteCallOptions[], name: "pathParams" | "params"): Record<string, unknown> {
  return Object.assign({}, ...calls.map((c) => c[name]));
}

/** Idempotency-Key always (unless turned off); If-Match on updates when asked for. */
function headersFor(host: SyncHost, entry: RecordEntry, op: OutboxOp, action: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const { idempotencyHeader, conditionalUpdates } = host.rc;
  if (idempotencyHeader) headers[idempotencyHeader] = op.refusals ? `${op.key}.${op.refusals}` : op.key;
  if (conditionalUpdates && action === "update" && entry.etag) headers["If-Match"] = entry.etag;
  return headers;
}

/** The server confirmed a delete (or the record was already gone). */
export function finishDestroy(host: SyncHost, entry: RecordEntry, op: OutboxOp): void {
  host.meta.gone.confirm(entry.className, entry.id);
  host.meta.answers.stamp(entry.className, entry.id);
  entry.queue = entry.queue.filter((o) => o !== op);
  entry.failed = undefined;
  if (op.kind === "destroy") {
    // The server has the record no more: a delete queued behind this one
    // (destroyed, saved again, destroyed again while this one was out) has
    // nothing left to delete, and it would go without the id the server gave.
    entry.queue = entry.queue.filter((o) => o.kind !== "destroy");
    // Saved again after its delete (an undo): what follows the delete creates it again.
    if (!entry.deleted && entry.queue.length) {
      entry.acked = false;
      // The server's version: its base, or, with no edit since, what it holds.
      entry.recreatedFrom = entry.base ?? { ...entry.attrs };
      entry.base = entry.etag = undefined;
      // Queued as an update of the record the server had, it goes as a create now, and is
      // one for whatever asks about creates out (a pull or live news of the server's copy).
      if (entry.queue[0].kind === "update") entry.queue[0] = { ...entry.queue[0], kind: "create" };
    }
  }
  storeEntry(host.meta, entry);
}

/** Writes an entry, or removes it once it is destroyed and nothing of it is left to send. */
export function storeEntry(meta: MetaContext, entry: RecordEntry): void {
  if (entry.deleted && entry.queue.length === 0) meta.remove(entry.className, entry.id);
  else meta.touch(entry);
}

/**
 * Applies the server's answer to a create or update: the server id (swapped
 * in everywhere), the server's values merged in except fields edited since
 * the op left, etag, acknowledged. Throws when a create's answer has no id:
 * nothing from it is stored. An update answered with an object that has no
 * id, or another record's, is accepted, but nothing of the object is
 * stored, and an error event says why (answered-record.ts).
 */
export function applyAnswer(host: SyncHost, entry: RecordEntry, response: Answer, calls: RemoteCallOptions[]): string[] {
  const idField = host.rc.IDField;
  const { status, body } = response;
  const record = recordOf(host, entry);
  const action = remoteAction(entry);
  const { answer, id, refused } = answeredRecord(host, entry, action, response, calls, record);
  if (refused) host.reportError(errorPayload(entry.className, record, refused));
  // Shaped before anything of the entry changes: a fromRemote that throws leaves it as it was.
  const shaped = answer && remoteShaped(host.options(entry.className), localAttrs(answer, String(id), idField), { status, body });
  // The server's copy of this create, already here, may carry the user's edits: they are kept (lost-creates.ts).
  const copy = action === "create" && answer ? host.meta.get(entry.className, String(id)) : undefined;
  // A record made here that holds the id already is another record, not a copy (it came under its server id).
  if (copy && copy !== entry && String(id) !== entry.id && (copy.formerIds?.length || !copy.acked)) {
    const why = `with the ${idField} ${JSON.stringify(id)}, which another record made here already has; a new record needs an id of its own: check the server's ids, or a proxy or idempotency cache that answers one create with another's answer. Nothing was changed`;
    throw new SyncError(`${entry.className}: the server answered the create (${status}) ${why}`, { status, body, type: "invalid" });
  }
  const shown = entry.attrs;
  const adopted = copy && copy !== entry && (copy.queue.length > 0 || copy.failed) ? adoptCopy(entry, copy) : undefined;
  // The copy was destroyed and its delete confirmed before this answer came: so was this record.
  // (Only for a create sent again, whose answer may replay the first one: a
  // server may give a new record the id of one deleted, e.g. the highest id + 1.)
  if (action === "create" && answer && entry.queue[0]?.unsure && host.meta.gone.has(entry.className, String(id))) {
    entry.deleted = true;
    entry.queue = entry.queue.slice(0, 1);
  }
  // Fields edited after this op left stay as the user has them now.
  const sent = entry.queue[0]?.sentAs?.data;
  entry.queue = entry.queue.slice(1);
  const carried = dropCarried(entry, plainObject(sent), host.options(entry.className).attributes);
  // Deleted on the server after this edit reached it (the live news came
  // first and kept the edit): once nothing more is to be sent, it is gone,
  // as the news said.
  const goneThere = !!entry.deletedThere && entry.queue.length === 0 && !entry.deleted;
  if (goneThere) {
    entry.deleted = true;
    host.meta.gone.confirm(entry.className, entry.id);
  }
  const laterEdits = fieldsQueued(entry.queue, entry.attrs, 0, host.options(entry.className).attributes);
  entry.acked = true;
  entry.failed = undefined;
  entry.recreatedFrom = undefined;
  // The version the server now has, for conflicts and revert: not the edits
  // still queued, but what this op sent of those fields (an answer with a
  // body says more, below). Without what was sent (a prepareData of another
  // shape), the version before them.
  let base = entry.queue.length ? { ...entry.attrs, ...pick(entry.base, laterEdits), ...pick(plainObject(sent), laterEdits) } : undefined;
  // An answer kept here has an id (checked above).
  if (answer) {
    const serverId = String(id);
    if (typeof id === "number") entry.numericId = true;
    let serverAttrs = shaped!;
    let etag = etagOf(answer);
    // Answered as deleted (a Google task's tombstone) while later edits wait:
    // the edit stays, as for live news of the delete, marked so that revert
    // removes it; the flag is the server's state, not a field to show.
    if (serverAttrs.deleted === true && entry.queue.length > 0 && !entry.deleted) {
      noteDeletedThere(host.meta, entry, true);
      const { deleted: _deleted, ...rest } = serverAttrs;
      serverAttrs = rest;
    }
    // A retry's answer may be the server's replay of the first one: the copy pulled since can be newer.
    if (adopted?.base && olderVersion(serverAttrs, adopted.base)) {
      serverAttrs = { ...serverAttrs, ...adopted.base, id: serverId };
      etag = adopted.etag ?? etag;
    }
    // The id is the server's, whatever is queued after (a destroy queued keeps every field as the user has it).
    const merged = { ...mergeAnswer(entry.attrs, serverAttrs, laterEdits), id: serverId };
    const diff = changedFields(shown, merged);
    // The new id and the server's values are shown with one refresh, as Spine Ajax's record.refresh(answer) does.
    const shows = diff.length > 0 && !entry.deleted && !(serverAttrs.deleted === true && entry.queue.length === 0);
    if (serverId !== entry.id) host.swapId(entry, serverId, shows);
    // The copy is gone (swapId): no longer counted as waiting to be sent.
    if (copy && copy !== entry) host.statusChanged(copy);
    entry.attrs = merged;
    entry.etag = etag ?? entry.etag;
    if (base) base = { ...base, ...serverAttrs };
    // Answered as deleted (a Google task's tombstone: deleted elsewhere, and
    // this edit did not bring it back): gone, as a pull or live news takes it.
    if (serverAttrs.deleted === true && entry.queue.length === 0) entry.deleted = true;
    // So is the copy the user destroyed, when it was this record.
    if (entry.deleted) host.hide(entry.className, entry.id);
    else if (diff.length) host.show(entry, merged);
  } else if (goneThere) host.hide(entry.className, entry.id);
  // A pull sent before this answer read an older version: it must not undo it.
  host.meta.answers.stamp(entry.className, entry.id);
  entry.base = base && { ...base, id: entry.id };
  storeEntry(host.meta, entry);
  return carried;
}

/**
 * The edits queued after an op that its request carried: saved while its
 * first attempt was out, which then never left (no network), so it went
 * again as the user had the record by then. Sent too, they would repeat
 * what the server has. Dropped from the queue (the leading unsent, unheld
 * updates whose every field the request sent as the record has it now);
 * returns their keys, whose saves' callbacks hear this answer.
 */
function dropCarried(entry: RecordEntry, sent: Attrs | undefined, attributes: string[]): string[] {
  const keys: string[] = [];
  if (!sent) return keys;
  const carries = (field: string) => hasOwn.call(sent, field) && sameOnWire(sent[field], entry.attrs[field]);
  while (entry.queue.length) {
    const op = entry.queue[0];
    if (op.kind !== "update" || op.sent || op.hold) break;
    const fields = [...(op.changed ?? (attributes.length ? attributes : Object.keys(entry.attrs).filter((f) => f !== "id"))), ...(op.resent ?? [])];
    if (!fields.every(carries)) break;
    keys.push(op.key);
    entry.queue = entry.queue.slice(1);
  }
  return keys;
}

/** `value` when it is a plain object of attributes (a request body as atmos2 builds it), else undefined. */
export function plainObject(value: unknown): Attrs | undefined {
  return value !== null && typeof value == "object" && !Array.isArray(value) ? (value as Attrs) : undefined;
}

/** The fields of `attrs` (when any) that are in `fields`. */
function pick(attrs: Attrs | undefined, fields: Iterable<string>): Attrs {
  const out: Attrs = {};
  if (attrs) for (const f of fields) if (f in attrs) out[f] = attrs[f];
  return out;
}

/**
 * Folds the ops queued after a refused one into it, by the rules of
 * compaction (create + update → create with the latest attributes, create +
 * destroy → nothing). The folded request carries the newest version, so it
 * takes the newest op's Idempotency-Key (and its callbacks): the refused
 * one was not committed, so no key of a committed request is reused.
 */
export function foldNewer(host: SyncHost, entry: RecordEntry, refused: OutboxOp): void {
  let queue: OutboxOp[] = [refused];
  for (const later of entry.queue) {
    if (later === refused) continue;
    // This function's own array: enqueue returns it or a new one.
    queue = enqueue(queue, later, entry.acked);
    const last = queue[queue.length - 1];
    // Folded into the op before it: the result goes with the newer key.
    if (last && last.key !== later.key) queue[queue.length - 1] = { ...last, key: later.key };
    // Callbacks of an op folded away (create + destroy: nothing left) do not outlive it.
    if (!last) host.dropCallOptions(later.key);
  }
  entry.queue = queue;
}

/** The Spine record of an entry, for the app's callbacks and error payloads. */
export function recordOf(host: SyncHost, entry: RecordEntry): AtmosRecord | null {
  return host.record(entry.className, entry.id, entry.attrs);
}

/** The payload of the `error` event and `error` callbacks for a failure concerning one record. */
export function errorPayload(model: string, record: AtmosRecord | null, error: SyncError): ErrorPayload {
  return { model, record, status: error.status, body: error.body, error, type: error.type };
}

/**
 * Runs an app's success/error callback. One that throws has a bug of the
 * app's: it is raised as an uncaught error (the console shows it, Node's
 * handlers see it), and never taken for the sync's own failure.
 */
export function callApp(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

