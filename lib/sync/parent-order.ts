import type { RecordEntry } from "../store/record-entry";
import type { SyncHost } from "./sync-host";

/**
 * Parents first. A record whose foreign key (`Model.remoteKeys`) points at a
 * record the server does not know yet cannot be sent: it waits for its
 * parent's server id, which `swapId` then writes into it.
 */

/** The parent (remoteKeys) a record points at that the server does not know yet: the record waits for its id. */
export function unsentParent(host: SyncHost, entry: RecordEntry): RecordEntry | undefined {
  if (entry.queue[0]?.kind === "destroy") return;
  const keys = host.options(entry.className).remoteKeys;
  for (const field in keys) {
    const value = entry.attrs[field];
    const parent = value == null ? undefined : host.meta.get(keys[field], String(value));
    if (parent && parent !== entry && !parent.acked && !parent.deleted) return parent;
  }
}

/**
 * Whether this record waits for a parent that will not be sent: a parked
 * one (or one waiting so itself). It goes once the parent is retried;
 * until then `whenSynced()` leaves it out, as it leaves the parent out.
 */
export function waitsForParkedParent(host: SyncHost, entry: RecordEntry, depth = 0): boolean {
  const parent = unsentParent(host, entry);
  return !!parent && (depth > 30 || !!parent.failed || !parent.queue.length || waitsForParkedParent(host, parent, depth + 1));
}
