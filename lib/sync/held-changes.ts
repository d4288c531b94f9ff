import { release } from "../store/compaction";
import type { RecordEntry } from "../store/record-entry";
import { resumeParked } from "./refusal";
import type { SyncHost } from "./sync-host";

/**
 * Changes saved without `remote` are held: stored, and sent only once
 * something sends them (push(), a remote save of the record, a child that
 * needs its parent on the server).
 */

/** Queues a record's held changes to be sent; whether it had any. */
export function releaseHeld(host: SyncHost, entry: RecordEntry): boolean {
  const released = release(entry.queue);
  if (released === entry.queue) return false;
  entry.queue = released;
  host.meta.touch(entry);
  host.statusChanged(entry);
  return true;
}

/** Queues the held changes of `className` (or of every model); a parked record among them is tried again. */
export function releaseAllHeld(host: SyncHost, className?: string): void {
  for (const entry of host.meta.queued()) {
    if (className && entry.className !== className) continue;
    const parked = !!entry.failed;
    if (releaseHeld(host, entry) && parked) resumeParked(host, entry);
  }
}
