import type { Attrs, RecordEntry } from "../store/record-entry";

// A create sent whose answer was lost (it waits for a retry) may already be
// on the server. News of the server's copy (a pull, a live change) would show
// the record twice until the retry's answer moves the local record onto the
// same id: records unknown here that could be that copy are left for later.

const hasOwn = Object.prototype.hasOwnProperty;

/** Records whose create was sent and not answered. */
export function createsOut(entries: Iterable<RecordEntry>): RecordEntry[] {
  const out: RecordEntry[] = [];
  for (const e of entries) if (!e.acked && e.queue[0]?.kind === "create" && e.queue[0].sent) out.push(e);
  return out;
}

/**
 * Whether a record from the server could be the server's copy of a local one
 * whose create is out: no field both have differs, leaving out the fields the
 * user edited after the create was sent (those edits wait behind it).
 */
export function mayBeCopy(local: RecordEntry, remote: Attrs): boolean {
  const edited = new Set<string>();
  for (let i = 1; i < local.queue.length; i++) {
    const op = local.queue[i];
    for (const field of op.changed ?? Object.keys(local.attrs)) edited.add(field);
  }
  const attrs = local.attrs;
  for (const key in attrs) {
    if (key === "id" || edited.has(key) || attrs[key] == null || !hasOwn.call(remote, key)) continue;
    if (String(attrs[key]) !== String(remote[key])) return false;
  }
  return true;
}
