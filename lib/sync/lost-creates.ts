import { hasOwn, sameValue, type Attrs, type RecordEntry } from "../store/record-entry";
import { fieldsQueued } from "./merge";

// A create sent whose answer was lost (it waits for a retry) may already be
// on the server. News of the server's copy (a pull, a live change) would show
// the record twice until the retry's answer moves the local record onto the
// same id: records unknown here that could be that copy are left for later.

/**
 * The requests each queued create of a model had made (by record id) when
 * what is about to be applied was read from the server: a pull's pages, a
 * live change as it arrived.
 */
export function createAttempts(queued: Iterable<RecordEntry>, className: string): Map<string, number> {
  const attempts = new Map<string, number>();
  for (const e of queued) if (e.className === className && e.queue[0]?.kind === "create") attempts.set(e.id, e.queue[0].attempts ?? 0);
  return attempts;
}

/**
 * The records of a model whose create was sent and not answered, among
 * `queued` (MetaContext.queued(): a create out is always queued), that may
 * be in what was read when `then` was taken (createAttempts): a create whose
 * every request since then follows refusals (a 4xx: nothing committed) was
 * sent after that read, so the read cannot hold it. (Its server copy would
 * hide records that only look like it, a pull's until the next pull.)
 */
export function createsOut(queued: Iterable<RecordEntry>, className: string, then: Map<string, number>): RecordEntry[] {
  const out: RecordEntry[] = [];
  for (const e of queued) {
    const op = e.queue[0];
    if (e.className === className && !e.acked && op?.kind === "create" && op.sent && (op.unsure || then.get(e.id) === (op.attempts ?? 0))) out.push(e);
  }
  return out;
}

/**
 * Whether a record from the server could be the server's copy of a local one
 * whose create is out: no field both have differs, leaving out the fields the
 * user edited after the create was sent (those edits wait behind it), and,
 * for a record created again after its delete, the fields still as the
 * server had them (its own, such as an etag, are new in the copy).
 */
export function mayBeCopy(local: RecordEntry, remote: Attrs): boolean {
  const edited = fieldsQueued(local.queue, local.attrs, 1);
  const { attrs, recreatedFrom } = local;
  for (const key in attrs) {
    if (key === "id" || edited.has(key) || attrs[key] == null || !hasOwn.call(remote, key)) continue;
    if (recreatedFrom && sameValue(attrs[key], recreatedFrom[key])) continue;
    if (String(attrs[key]) !== String(remote[key])) return false;
  }
  return true;
}

/**
 * The retried create was answered with the id of a record already here: the
 * server's copy, brought by a pull or a live change while the answer was
 * lost (another device had changed it, so `mayBeCopy` could not tell). The
 * two are one server record, and the create's record takes the copy's place
 * (swapId). The user may have edited the copy meanwhile: those edits are
 * edits of that server record, so its queued ops follow the create (an op of
 * the copy already sent first, so its answer finds it by key), each field
 * at the value of its latest edit on either record; a copy the user
 * destroyed makes the record destroyed. Changes `entry` only,
 * and returns the copy's server version (for an answer older than it).
 */
export function adoptCopy(entry: RecordEntry, copy: RecordEntry): { base?: Attrs; etag?: string } {
  const [create, ...later] = entry.queue;
  if (copy.deleted) {
    // The user destroyed the copy: the record is destroyed, its destroy
    // (sent or not) follows the create, and edits of it are moot.
    entry.deleted = true;
    entry.queue = [create, ...copy.queue];
    return { base: copy.base, etag: copy.etag };
  }
  const sent = copy.queue.filter((op) => op.sent);
  const rest = [...later, ...copy.queue.filter((op) => !op.sent)].sort((a, b) => a.seq - b.seq);
  const ours = lastEdits(later, entry.attrs);
  const theirs = lastEdits(copy.queue, copy.attrs);
  const attrs = { ...entry.attrs };
  for (const [field, seq] of theirs) if (seq > (ours.get(field) ?? -1)) attrs[field] = copy.attrs[field];
  entry.attrs = attrs;
  entry.queue = [create, ...sent, ...rest];
  return { base: copy.base, etag: copy.etag };
}

/** The fields a queue's ops send, each with the seq of the latest op that sends it. */
function lastEdits(queue: RecordEntry["queue"], attrs: Attrs): Map<string, number> {
  const seqs = new Map<string, number>();
  for (const op of queue) if (op.kind !== "destroy") for (const field of fieldsQueued([op], attrs)) seqs.set(field, Math.max(op.seq, seqs.get(field) ?? -1));
  return seqs;
}
