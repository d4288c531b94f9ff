import { uuidv4 } from "../env/uuid";
import { enqueue } from "../store/compaction";
import type { Attrs, RecordEntry } from "../store/record-entry";
import { changedFields, stamps } from "./merge";

/** Fields a server keeps itself (its version stamps): a new value of one is no change to send. */
const serverKept = new Set(["etag", ...stamps]);

/**
 * A newer server version (a pull, a live change) was just merged into a
 * record whose update is already sent, maybe on its way now. That request
 * carries this page's earlier values of the fields the merge took from the
 * server, and puts them back when it lands: the other device's change would
 * be lost. So those fields are queued to be sent again after it. Queued, they
 * also keep their merged values when its answer comes (applyAnswer keeps
 * fields edited since the op left). An edit held behind the sent one (saved
 * without `remote`) stays held, and they go with it on push().
 */
export function resendMerged(entry: RecordEntry, local: Attrs, merged: Attrs, seq: number): void {
  const sent = entry.queue[0];
  if (!sent?.sent || sent.kind !== "update") return;
  // A field the local record lacks was not in the request: the server keeps its value.
  const theirs = changedFields(local, merged).filter((field) => field in local && !serverKept.has(field));
  if (theirs.length === 0) return;
  const last = entry.queue[entry.queue.length - 1];
  const hold = last !== sent && last.hold ? true : undefined;
  // `changed: []`: none of them is the user's edit (a later merge takes the server's newer value).
  entry.queue = enqueue(entry.queue, { kind: "update", seq, key: "", changed: [], resent: theirs, hold }, entry.acked);
  const op = entry.queue[entry.queue.length - 1];
  if (!op.key) op.key = uuidv4();
}
