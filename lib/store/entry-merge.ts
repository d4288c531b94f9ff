import { hasOwn, sameValue, type Attrs, type OutboxOp, type RecordEntry } from "./record-entry";

/** How many settled ops an entry names in `done`. */
export const doneLimit = 6;

/** The part of an op's key `done` keeps (a random key's first 8 characters are as good as all of it here). */
export function shortKey(key: string): string {
  return key.slice(0, 8);
}

/** `done` with `keys` added at its end, the oldest let go past `doneLimit`. */
export function withDone(done: string[] | undefined, keys: Iterable<string>): string[] | undefined {
  let out = done;
  for (const key of keys) if (key && !out?.includes(key)) (out = out ? out.slice() : []).push(key);
  return out && out.length > doneLimit ? out.slice(out.length - doneLimit) : out;
}

/**
 * Two tabs of an app that wrote one record's entry at about the same time
 * (each before it heard of the other's write): storage keeps the last write,
 * and the other tab's change would be lost if that tab took storage's entry
 * as it is. `mine` is the entry this tab holds, `theirs` the one storage
 * holds now. Returns the entry holding both tabs' changes, or undefined when
 * `theirs` already has all of this tab's (the usual case: it was written
 * after this tab's write was read).
 *
 * Ops are told apart by their Idempotency-Key; an entry names the ops
 * settled lately (answered, folded, dropped) in `done`, so an op missing
 * from the other entry is known as settled there, or never seen there.
 *
 * - An op of mine that theirs neither holds nor names as settled was
 *   written over: it is kept, with the fields it changed.
 * - Theirs still holds an op this tab settled (or lacks the op this tab
 *   settled last, and names fewer than `doneLimit`): it was written before
 *   that answer, which is kept — acknowledged, its etag and values — with
 *   their unseen edits on top.
 * - One op in both, with fields one side folded into it that the other
 *   lacks: the fields are kept; as an update of their own when the other
 *   side has sent the op meanwhile without them.
 *
 * - A field the user changed in this tab since it last read the record
 *   (`edited`: field → the key of the op that carries the edit) with
 *   another value in storage: this tab's value is the newer, and goes out
 *   (in an unsent op, or an update of its own) — unless that op went out
 *   as it is and storage's entry holds it as sent or names it as settled:
 *   its writer saw the edit, and changed the field since.
 *
 * Pure but for `next`, which gives the seq and key of a new op.
 */
export function mergeWrittenOver(
  mine: RecordEntry,
  theirs: RecordEntry,
  next: () => { seq: number; key: string },
  edited?: ReadonlyMap<string, string | undefined>,
): RecordEntry | undefined {
  const mineDone = mine.done ?? [];
  const theirDone = theirs.done ?? [];
  const newest = mineDone[mineDone.length - 1];
  const stale =
    theirs.queue.some((op) => mineDone.includes(shortKey(op.key))) ||
    (newest !== undefined && !theirDone.includes(newest) && theirDone.length < doneLimit);
  const [primary, other] = stale ? [mine, theirs] : [theirs, mine];
  const settled = new Set([...mineDone, ...theirDone]);
  const live = (op: OutboxOp) => !settled.has(shortKey(op.key));

  const queue: OutboxOp[] = primary.queue.filter(live);
  // Fields of the other side's edits that the primary side has not seen.
  const unseen = new Set<string>();
  // Fields folded into an op on one side while the other side sent it: its request went without them.
  const unsent = new Set<string>();
  let destroyed = false;
  // A field storage's entry holds an edit of, not yet answered: newer than (or as new as) one of this tab's ops written over.
  const editedThere = (field: string) => !stale && !!theirs.base && !sameValue(theirs.attrs[field], theirs.base[field]);
  for (const op of other.queue) {
    if (!live(op)) {
      // Answered here, while storage's writer, not knowing it was sent,
      // folded edits into it: values the request did not carry (unless this
      // tab edited those fields again since).
      if (stale && !op.sent) {
        for (const field of op.changed ?? []) {
          if (sameValue(theirs.attrs[field], mine.attrs[field]) || mine.queue.some((o) => o.changed?.includes(field))) continue;
          unseen.add(field);
          unsent.add(field);
        }
      }
      continue;
    }
    const at = queue.findIndex((o) => o.key === op.key);
    if (at < 0) {
      queue.push(op);
      if (op.kind === "destroy") destroyed = true;
      else for (const field of op.changed ?? Object.keys(other.attrs)) if (!editedThere(field)) unseen.add(field);
      continue;
    }
    const held = queue[at];
    for (const field of fieldsBeyond(op, held)) unseen.add(field);
    // As the side that tried it more often has it (the primary side's on a tie): sent, refused, its kept request.
    const otherNewer = (op.attempts ?? 0) > (held.attempts ?? 0);
    const [newer, older] = otherNewer ? [op, held] : [held, op];
    if (newer.sent && !older.sent) {
      // The unsent side folded edits into the op after the sending side took
      // it: a field the request lacked, or a value newer than the one it
      // carried (unless the sending side edited that field again since).
      const [sending, folding] = otherNewer ? [other, primary] : [primary, other];
      for (const field of older.changed ?? []) {
        if (sending.queue.some((o) => o !== newer && o.key !== newer.key && (o.changed?.includes(field) ?? o.kind === "create"))) continue;
        if (newer.changed?.includes(field) && sameValue(sending.attrs[field], folding.attrs[field])) continue;
        unsent.add(field);
        if (folding === other) unseen.add(field);
      }
    }
    queue[at] = joinOps(newer, older);
  }
  // Of two values of a field the user changed, the later edit's (in whichever tab; see `stamps`).
  const later = laterEdits(mine, theirs);
  // Where the times do not tell: what the user typed here since this tab
  // last read the record is newer than what storage holds for those fields.
  // (When this tab saw its own edit answered, storage's is just older.) But
  // storage's writer saw the edit when it holds as sent, or names as
  // settled, the op carrying it, and that op went out from here as it is
  // (sent, or settled): then storage's other value is a later edit of that
  // field. (An op it holds unsent may lack what was folded in here since.)
  const seenThere = (op: string | undefined) =>
    !!op && !mine.queue.some((o) => o.key === op && !o.sent) && (theirDone.includes(shortKey(op)) || theirs.queue.some((o) => o.key === op && o.sent));
  // This tab's newer values, and storage's (kept even where this tab's entry
  // is taken as the base, stale, and sent); none when the record is gone.
  const typed: string[] = [];
  const theirsLater: string[] = [];
  if (!theirs.deleted && !mine.deleted) {
    if (!stale) for (const [field, op] of edited ?? []) if (!later.has(field) && !seenThere(op) && !sameValue(mine.attrs[field], theirs.attrs[field])) typed.push(field);
    for (const [field, side] of later) {
      if (side === theirs) theirsLater.push(field);
      else if (!stale) typed.push(field);
    }
  }
  if (stale) for (const field of theirsLater) unsent.add(field);
  // It goes out with an op of this tab's that lists it, unless the other tab sent that op without it.
  const carries = (op: OutboxOp, field: string) => {
    const merged = queue.find((o) => o.key === op.key);
    return !!merged && (op.sent || !merged.sent) && (op.changed?.includes(field) ?? op.kind === "create");
  };
  for (const field of typed) if (!mine.queue.some((op) => carries(op, field))) unsent.add(field);
  const same = queue.length === theirs.queue.length && queue.every((op, i) => op === theirs.queue[i]);
  if (!stale && same && unseen.size === 0 && unsent.size === 0 && typed.length === 0) return undefined;

  // A field an unsent op still carries goes with it; another needs an update of its own.
  for (const op of queue) if (!op.sent) for (const field of op.changed ?? (op.kind === "create" ? [...unsent] : [])) unsent.delete(field);
  if (unsent.size) queue.push({ kind: "update", ...next(), changed: [...unsent] });

  const attrs: Attrs = { ...primary.attrs };
  const take = (from: Attrs, field: string) => {
    if (hasOwn.call(from, field)) attrs[field] = from[field];
    else delete attrs[field];
  };
  for (const field of unseen) take(other.attrs, field);
  for (const field of typed) take(mine.attrs, field);
  for (const field of theirsLater) take(theirs.attrs, field);
  attrs.id = primary.id;
  // Sent ops stay first (in the order sent), then the rest in the order made.
  queue.sort((a, b) => Number(!!b.sent) - Number(!!a.sent) || a.seq - b.seq);
  // A destroy in one tab and an edit in the other: the record is gone, as when
  // one tab destroys after editing (compaction: update + destroy → destroy).
  const destroy = queue.find((op) => op.kind === "destroy" && !op.sent);
  if (destroy) {
    for (let i = queue.length - 1; i >= 0; i--) if (!queue[i].sent && queue[i].kind === "update") queue.splice(i, 1);
    queue.splice(queue.indexOf(destroy), 1);
    queue.push(destroy);
  }
  const merged: RecordEntry = { ...primary, attrs, queue, done: withDone(primary.done, other.done ?? []) };
  const stamps = latestStamps(mine.stamps, theirs.stamps);
  if (stamps) merged.stamps = stamps;
  // The server version the merged edits are based on: the primary side's.
  if (!merged.base && merged.acked && queue.length) merged.base = { ...primary.attrs };
  if (destroyed || destroy) merged.deleted = true;
  // The destroy already sent: an edit not yet sent would go after it, to a
  // record the server no longer has (and a server whose PUT creates one
  // would bring it back). The record is gone, as above.
  if (merged.deleted && !destroy) merged.queue = queue.filter((op) => op.sent || op.kind !== "update");
  // Parked by the other side's attempt at the first op, which the primary side had not seen tried.
  const first = queue[0];
  const tried = (entry: RecordEntry) => entry.queue.find((op) => op.key === first?.key)?.attempts ?? 0;
  if (!merged.failed && other.failed && first && tried(other) > tried(primary)) merged.failed = other.failed;
  return merged;
}

/** Fields `op` changed that `than` does not list. */
function fieldsBeyond(op: OutboxOp, than: OutboxOp): string[] {
  return (op.changed ?? []).filter((field) => !than.changed?.includes(field));
}

/**
 * One op as both sides hold it, `newer` the side's that tried it more often:
 * with the fields of both unless it went without them, released if either
 * side released it. `newer` itself when `older` adds nothing.
 */
function joinOps(newer: OutboxOp, older: OutboxOp): OutboxOp {
  const extra = newer.sent ? [] : fieldsBeyond(older, newer);
  const release = newer.hold && !older.hold;
  if (!extra.length && !release) return newer;
  return { ...newer, changed: [...(newer.changed ?? []), ...extra], hold: release ? undefined : newer.hold };
}

/**
 * Notes that the user changed `fields` of the record at `at` (in place: each
 * entry has its own `stamps`, see below). An edit comes after every edit of
 * the field this tab has seen, whatever the clock says: after the system
 * clock stepped back, an edit made on top of another tab's would otherwise
 * be stamped earlier, and lose to it.
 */
export function stamp(entry: RecordEntry, fields: string[], at: number): void {
  const stamps = (entry.stamps ??= {});
  for (const field of fields) stamps[field] = stamps[field] >= at ? stamps[field] + 1 : at;
}

/** Each field's later edit time of the two, as a new object (the merged entry's own). */
function latestStamps(a: Record<string, number> | undefined, b: Record<string, number> | undefined): Record<string, number> | undefined {
  if (!a && !b) return undefined;
  const out = { ...a };
  for (const field in b) if (!(out[field] >= b[field])) out[field] = b[field];
  return out;
}

/** The fields the two entries hold other values of, edited at known, different times: field → the side edited later. */
function laterEdits(mine: RecordEntry, theirs: RecordEntry): Map<string, RecordEntry> {
  const later = new Map<string, RecordEntry>();
  for (const field of new Set([...Object.keys(mine.stamps ?? {}), ...Object.keys(theirs.stamps ?? {})])) {
    const at = mine.stamps?.[field] ?? 0;
    const atThere = theirs.stamps?.[field] ?? 0;
    if (at !== atThere && !sameValue(mine.attrs[field], theirs.attrs[field])) later.set(field, at > atThere ? mine : theirs);
  }
  return later;
}
