import type { ModelOptions } from "../app-context";
import { hasOwn, sameValue, type Attrs, type OutboxOp, type RecordEntry } from "../store/record-entry";

/** Fields whose values differ between two versions of a record. Pure. */
export function changedFields(before: Attrs | undefined, after: Attrs): string[] {
  if (!before) return Object.keys(after).filter((k) => k !== "id");
  // Runs on every save: two passes over the keys, no sets or spreads.
  const changed: string[] = [];
  for (const k in before) if (k !== "id" && hasOwn.call(before, k) && !sameValue(before[k], after[k])) changed.push(k);
  for (const k in after) if (k !== "id" && after[k] !== undefined && hasOwn.call(after, k) && !hasOwn.call(before, k)) changed.push(k);
  return changed;
}

/**
 * The fields a save changed: those the saved record carries whose values
 * differ from the stored ones. A field the record lacks is not the user's
 * edit (the server's own fields the model has no attribute for, such as a
 * Google task's kind or deleted, are missing from it, not cleared). Runs on
 * every save: one pass, no array but the result. Pure.
 */
export function editedFields(before: Attrs, after: Attrs): string[] {
  const changed: string[] = [];
  for (const k in after) {
    if (k === "id" || !hasOwn.call(after, k)) continue;
    if (hasOwn.call(before, k) ? !sameValue(before[k], after[k]) : after[k] !== undefined) changed.push(k);
  }
  return changed;
}

/**
 * The fields the ops of a queue from `from` on will send as this page has
 * them: the user's edits (an op without a list: every field, the model's
 * `attributes` too) and the fields
 * queued to be sent again (resend-merged.ts).
 */
export function fieldsQueued(queue: OutboxOp[], attrs: Attrs, from = 0, attributes: string[] = []): Set<string> {
  const fields = new Set<string>();
  for (let i = from; i < queue.length; i++) {
    const changed = queue[i].changed;
    // Every field: the model's attributes too, as a field cleared is missing from the record (storage keeps no undefined).
    if (!changed) for (const field of attributes) fields.add(field);
    for (const field of changed ?? Object.keys(attrs)) fields.add(field);
    for (const field of queue[i].resent ?? []) fields.add(field);
  }
  return fields;
}

/**
 * A server answer merged into the local record: the server's values win,
 * except for fields the user changed after the request was sent, and
 * attributes the answer does not carry are kept (Google's task body has no
 * taskListID). Pure.
 */
export function mergeAnswer(local: Attrs, answer: Attrs, keepLocal: Iterable<string>): Attrs {
  const keep = new Set(keepLocal);
  const result: Attrs = { ...local };
  for (const [key, value] of Object.entries(answer)) if (!keep.has(key)) result[key] = value;
  return result;
}

/**
 * The default three-way merge when the server changed a record the user is
 * editing: the user's edit wins for the fields the user changed, the server's
 * version for all the others. Never drops a local edit. Pure.
 */
export function resolveConflict(local: Attrs, remote: Attrs, base: Attrs | undefined, userChanged?: string[], resent: string[] = []): Attrs {
  // No list of the user's fields (or an empty one): those that differ from the base,
  // except fields queued only to send the server's values again (never the user's).
  const mine = new Set(userChanged?.length ? userChanged : changedFields(base, local).filter((key) => !resent.includes(key)));
  const result: Attrs = { ...local, ...remote };
  // A field of the user's that the record lacks was cleared (storage keeps no undefined): it stays cleared.
  for (const key of mine) if (key in local) result[key] = local[key];
  else delete result[key];
  result.id = local.id;
  return result;
}

/**
 * A local edit merged with a newer server version, for a pull and for a
 * refused conditional update alike: the app's resolver decides the fields it
 * returns, and those it leaves out merge as without it (so a resolver that
 * answers `{ notes }` loses neither the user's title nor the server's
 * status). The record keeps its id. Pure.
 */
export function mergeEdit(resolver: ModelOptions["resolveConflict"], local: Attrs, remote: Attrs, base: Attrs | undefined, userChanged: string[], resent?: string[]): Attrs {
  const merged = resolveConflict(local, remote, base, userChanged, resent);
  return resolver ? { ...merged, ...resolver(local, remote, base), id: merged.id } : merged;
}

/**
 * A newer server version (pulled, or a live change) of a record with unsent
 * edits, merged with `mergeEdit`: the local and the merged attributes, or
 * nothing when it is the version the edit is based on. `current`: `remote`
 * is what the server holds now (a pull), so where no version tells, a field
 * that differs from the base was changed there. Pure.
 */
export function mergeNewerVersion(resolver: ModelOptions["resolveConflict"], entry: Pick<RecordEntry, "attrs" | "base" | "etag" | "queue">, remote: Attrs, current = false): { local: Attrs; merged: Attrs; base?: Attrs } | undefined {
  if (!versionChanged(entry.etag, entry.base, remote, current)) return undefined;
  const local = { ...entry.attrs };
  // Repeats are harmless: resolveConflict takes them as a set.
  const userChanged = entry.queue.flatMap((op) => op.changed ?? []);
  const resent = entry.queue.flatMap((op) => op.resent ?? []);
  return { local, base: entry.base, merged: mergeEdit(resolver, local, remote, entry.base, userChanged, resent) };
}

/**
 * Whether a server version differs from the edit's base only by what this
 * page's update on its way sent (a pull that read the server after the
 * update was committed, before its answer came): the page's own write, no
 * change from elsewhere. Foreign keys and ids compare as text (a number on
 * the wire is text here). Pure.
 */
export function echoOfSent(entry: Pick<RecordEntry, "base" | "queue">, remote: Attrs): boolean {
  const op = entry.queue[0];
  const sent = op?.sent && op.kind === "update" ? op.sentAs?.data : undefined;
  if (!entry.base || !sent || typeof sent !== "object") return false;
  // The version the server stamped on the write is no field the page sent.
  const fields = editedFields(entry.base, remote).filter((field) => field !== "etag" && !stamps.includes(field));
  return fields.length > 0 && fields.every((field) => hasOwn.call(sent, field) && sameOnWire((sent as Attrs)[field], remote[field]));
}

/** A value as a request sent it and as a record here has it: equal, a cleared field sent as null, or an id sent as a number and held as text. */
export function sameOnWire(sent: unknown, held: unknown): boolean {
  if (sameValue(sent, held)) return true;
  if (sent === null && held === undefined) return true;
  return typeof sent === "number" && typeof held === "string" && String(sent) === held;
}

/** The update-time fields servers stamp: Google's "updated", Rails' "updated_at". */
export const stamps = ["updated", "updated_at"];

/**
 * Whether a server version differs from the version a local edit was based
 * on (and is not older than it): by etag, else by update time. Without
 * either, news may be older than the base (a live change published before
 * the answer that set it), so it does not count; the server's current
 * version (`current`, a pull: answers that came while it was out are left
 * out of it) differs when a field it carries does.
 */
export function versionChanged(baseEtag: string | undefined, base: Attrs | undefined, remote: Attrs, current = false): boolean {
  if (olderVersion(remote, base)) return false;
  if (baseEtag !== undefined && remote.etag !== undefined) return remote.etag !== baseEtag;
  // Without etags, the update time.
  for (const field of stamps) {
    if (base?.[field] !== undefined && remote[field] !== undefined) return base[field] !== remote[field];
  }
  return current && !!base && editedFields(base, remote).length > 0;
}

/**
 * Whether a server version is older than one already known, by its update
 * time: news that arrives late (a slow live socket, a replay after a
 * reconnect) must not put back values the server has since replaced. Without
 * update times nothing can tell, and it is not older.
 */
export function olderVersion(remote: Attrs, known: Attrs | undefined): boolean {
  for (const field of stamps) {
    if (known?.[field] === undefined || remote[field] === undefined) continue;
    return timeOf(remote[field]) < timeOf(known[field]);
  }
  return false;
}

/** An update time as milliseconds (a number as it is, a date text parsed); NaN compares as not older. */
function timeOf(value: unknown): number {
  return typeof value === "number" ? value : Date.parse(String(value));
}
