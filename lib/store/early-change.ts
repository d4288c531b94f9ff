import { changedFields } from "../sync/merge";
import { enqueue } from "./compaction";
import type { RecordEntry } from "./record-entry";

/**
 * A record changed before an asynchronous store was read: the change is
 * newer than storage, but storage knows what it could not — whether the
 * server has the record (so a "create" made then is an update), the
 * server's version, and the changes still queued from before. Both are
 * kept: the change is queued after storage's, as if made after the read.
 * The caller writes `mine`.
 */
export function mergeEarlyChange(mine: RecordEntry, stored: RecordEntry): void {
  const { acked, attrs } = stored;
  let queue = stored.queue ?? [];
  // A parked failure stays parked, unless a save with `remote` since tried it again.
  if (mine.queue.every((op) => op.hold)) mine.failed = stored.failed;
  for (const op of mine.queue) {
    if (op.kind == "create" && (acked || queue.some((o) => o.kind == "create"))) {
      op.kind = "update";
      op.changed = changedFields(attrs, mine.attrs);
    }
    // Compacted as the save would have been; an unsent op it folds into goes
    // out under the save's key, which its callbacks wait for.
    queue = enqueue(queue, op, acked);
    if (queue.length) queue[queue.length - 1].key = op.key;
  }
  mine.queue = queue;
  mine.acked = acked;
  // The server's version as storage knows it (no answer is applied before the read).
  mine.base = stored.base ?? (acked && queue.length ? attrs : undefined);
  mine.etag = stored.etag;
  mine.numericId = stored.numericId;
  mine.formerIds = stored.formerIds;
}
