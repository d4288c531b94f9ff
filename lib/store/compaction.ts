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
  const sentCount = queue.filter((o) => o.sent).length;
  const sent = queue.slice(0, sentCount);
  const tail = queue.slice(sentCount);
  const last = tail[tail.length - 1];
  const hold = (a: OutboxOp) => (a.hold && op.hold ? true : undefined);

  if (op.kind === "destroy") {
    // The server has seen nothing of this record: forgetting it is enough.
    if (!acked && sent.length === 0) return [];
    const held = tail.every((o) => o.hold) ? op.hold : undefined;
    return [...sent, { kind: "destroy", seq: op.seq, key: op.key, hold: held || undefined }];
  }

  if (!last) return [...sent, op];
  if (last.kind === "destroy") {
    // Saving after a destroy: the record came back. Keep order, send both.
    return [...queue, op];
  }
  if (op.kind === "update") {
    const changed = union(last.changed, op.changed);
    return [...sent, ...tail.slice(0, -1), { ...last, changed, hold: hold(last) }];
  }
  // A second create for the same record means it was re-created: keep it.
  return [...queue, op];
}

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a && !b) return undefined;
  return Array.from(new Set([...(a ?? []), ...(b ?? [])]));
}

/** Releases held ops so that they are sent (what `push()` does first). */
export function release(queue: OutboxOp[]): OutboxOp[] {
  return queue.some((o) => o.hold) ? queue.map((o) => (o.hold ? { ...o, hold: undefined } : o)) : queue;
}
