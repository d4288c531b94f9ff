import type { OutboxOp, RecordEntry } from "./record-entry";
import { shortKey, withDone } from "./entry-merge";

/** The keys of a queue's ops (most queues are empty: one shared array for them). */
const noKeys: string[] = [];
const keysOf = (queue: OutboxOp[]): string[] => (queue.length ? queue.map((op) => op.key) : noKeys);

/**
 * The keys of each entry's ops as last written (or read): an op gone from
 * the queue since is named in the entry's `done`, so another tab that still
 * holds it knows it was settled, not dropped (see entry-merge.ts).
 */
export class WrittenOps {
  private byEntry = new WeakMap<RecordEntry, string[]>();

  /** Storage holds `entry` with this queue (read, or about to be written as merged). */
  set(entry: RecordEntry, queue: OutboxOp[]): void {
    this.byEntry.set(entry, keysOf(queue));
  }

  /** A new object for a record held as `prior`: it was written with the ops `prior` was, unless known. */
  carry(prior: RecordEntry, entry: RecordEntry): void {
    if (!this.byEntry.has(entry)) this.byEntry.set(entry, this.byEntry.get(prior) ?? []);
  }

  /** `entry` is about to be written: names in `done` the ops gone since it last was. */
  noteSettled(entry: RecordEntry): void {
    const before = this.byEntry.get(entry);
    const queue = entry.queue;
    // Runs on every save: most saves keep the very same ops.
    if (before && sameKeys(queue, before)) return;
    if (before) {
      const gone = before.filter((key) => !queue.some((op) => op.key === key)).map(shortKey);
      if (gone.length) entry.done = withDone(entry.done, gone);
    }
    this.byEntry.set(entry, keysOf(queue));
  }
}

/** Whether the ops of `queue` have the keys `keys`, in order (a loop: no callback made on every save). */
function sameKeys(queue: OutboxOp[], keys: string[]): boolean {
  if (queue.length !== keys.length) return false;
  for (let i = 0; i < queue.length; i++) if (queue[i].key !== keys[i]) return false;
  return true;
}
