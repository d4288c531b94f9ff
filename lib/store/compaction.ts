import type { OutboxOp } from "./record-entry";

/**
 * Outbox compaction: the queue of one record after a new op is enqueued.
 * Pure. Ops already sent (maybe committed on the server) are never folded
 * into; the new op is compacted only against the unsent tail.
 *
 *   create + update  → create (sent with the latest attributes)
 *   update + update  → update (changed fields united)
 *   create + destroy → nothing at all
 *   update + destroy → destroy
 *
 * `acked` says whether the server knows the record: a destroy of a record the
 * server has never seen, with no create in flight, needs no request.
 */
export function enqueue(queue: OutboxOp[], op: OutboxOp, acked: boolean): OutboxOp[] {
  // Runs on every save: counts and copies instead of filtering and spreading.
  let sentCount = 0;
  for (const o of queue) if (o.sent) sentCount++;
  const last = queue.length > sentCount ? queue[queue.length - 1] : undefined;

  if (op.kind === "destroy") {
    // The server has seen nothing of this record: forgetting it is enough.
    if (!acked && sentCount === 0) return [];
    let held = op.hold;
    for (let i = sentCount; i < queue.length; i++) if (!queue[i].hold) held = undefined;
    const out = queue.slice(0, sentCount);
    out.push({ kind: "destroy", seq: op.seq, key: op.key, hold: held || undefined });
    return out;
  }

  // Kept as a new op: the first unsent one; one saved after a destroy (the
  // record came back: keep order, send both); a second create for the same
  // record (it was re-created).
  if (!last || last.kind === "destroy" || op.kind === "create") {
    const out = queue.slice();
    out.push(op);
    return out;
  }
  const changed = union(last.changed, op.changed);
  const resent = union(last.resent, op.resent);
  const hold = last.hold && op.hold ? true : undefined;
  // The usual repeated edit of the same fields: the queue already says it all.
  if (changed === last.changed && resent === last.resent && hold === last.hold) return queue;
  const out = queue.slice(0, queue.length - 1);
  out.push(resent ? { ...last, changed, resent, hold } : { ...last, changed, hold });
  return out;
}

/** Fields of both lists; `a` itself when `b` adds nothing (the usual repeated edit of one field). */
function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return b?.slice();
  if (!b) return a;
  let added: string[] | undefined;
  for (const field of b) if (!a.includes(field) && !added?.includes(field)) (added ??= a.slice()).push(field);
  return added ?? a;
}

/** Releases held ops so that they are sent (what `push()` does first). */
export function release(queue: OutboxOp[]): OutboxOp[] {
  return queue.some((o) => o.hold) ? queue.map((o) => (o.hold ? { ...o, hold: undefined } : o)) : queue;
}
