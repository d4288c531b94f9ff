import type { Attrs, RecordEntry } from "../store/record-entry";
import { fieldsQueued } from "./merge";

// A create sent whose answer was lost (it waits for a retry) may already be
// on the server. News of the server's copy (a pull, a live change) would show
// the record twice until the retry's answer moves the local record onto the
// same id: records unknown here that could be that copy are left for later.

const hasOwn = Object.prototype.hasOwnProperty;

/** The records of a model whose create was sent and not answered, among `queued` (MetaContext.queued(): a create out is always queued). */
export function createsOut(queued: Iterable<RecordEntry>, className: string): RecordEntry[] {
  const out: RecordEntry[] = [];
  for (const e of queued) if (e.className === className && !e.acked && e.queue[0]?.kind === "create" && e.queue[0].sent) out.push(e);
  return out;
}

/**
 * Whether a record from the server could be the server's copy of a local one
 * whose create is out: no field both have differs, leaving out the fields the
 * user edited after the create was sent (those edits wait behind it).
 */
export function mayBeCopy(local: RecordEntry, remote: Attrs): boolean {
  const edited = fieldsQueued(local.queue, local.attrs, 1);
  const attrs = local.attrs;
  for (const key in attrs) {
    if (key === "id" || edited.has(key) || attrs[key] == null || !hasOwn.call(remote, key)) continue;
    if (String(attrs[key]) !== String(remote[key])) return false;
  }
  return true;
}
