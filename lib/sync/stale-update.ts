import { etagOf, localAttrs, type OutboxOp, type RecordEntry } from "../store/record-entry";
import { mergeEdit } from "./merge";
import { notSent } from "./failed-attempt";
import type { SyncError } from "./sync-error";
import { recordIn } from "./answered-record";
import { remoteShaped } from "./remote-shape";
import type { SyncHost } from "./sync-host";

/**
 * An update sent with `If-Match` was refused (412): the server's version
 * changed since the local edit was based on it. Fetch the server's version,
 * merge three ways (the app's `Model.resolveConflict`, else: the user's
 * changed fields win, the server's win elsewhere), and let the update go
 * again with the new etag. A local edit is never dropped.
 */
export async function reconcileStaleUpdate(host: SyncHost, entry: RecordEntry, op: OutboxOp, path: string, stillSending: () => boolean): Promise<void> {
  const body = recordIn((await host.rc.request({ method: "GET", path, model: entry.className })).body);
  // Closed meanwhile (or another tab sends now), or the record changed under
  // it: storage is someone else's to write, and the next round merges anew.
  if (!body || !stillSending() || host.meta.get(entry.className, entry.id) !== entry) return;
  const local = { ...entry.attrs };
  const base = entry.base;
  // Shaped as a pull shapes it; what it leaves out (a Google task's
  // taskListID) is kept from the last server version, as in any answer
  // merged. Taken as it was, a revert to it took the task out of its list.
  const remote = { ...(base ?? local), ...remoteShaped(host.options(entry.className), localAttrs(body, entry.id, host.rc.IDField)) };
  // Repeats are harmless, and none at all means "what differs from the base": resolveConflict sees to both.
  const userChanged = entry.queue.flatMap((o) => o.changed ?? op.changed ?? []);
  const resent = entry.queue.flatMap((o) => o.resent ?? []);
  const merged = mergeEdit(host.options(entry.className).resolveConflict, local, remote, base, userChanged, resent);
  entry.attrs = merged;
  entry.base = { ...remote };
  entry.etag = etagOf(remote) ?? entry.etag;
  host.meta.touch(entry);
  host.show(entry, merged);
  host.conflict?.(entry, local, remote, merged, base);
}

/**
 * A conditional update refused (412): not made, so the next round is a
 * first attempt again, built from a merge with the server's version.
 * Bounded: a server that refuses every version is a failure, not a loop
 * (`tries` counts the refusals by op, and the pusher forgets an op's count
 * once it is answered).
 */
export async function refusedAsStale(
  host: SyncHost,
  tries: Map<string, number>,
  entry: RecordEntry,
  op: OutboxOp,
  failure: SyncError,
  path: string,
  stillSending: () => boolean,
): Promise<void> {
  const count = (tries.get(op.key) ?? 0) + 1;
  tries.set(op.key, count);
  if (count > 3) throw failure;
  // Whether an earlier attempt was made does not matter: the merge starts
  // from the server's version, which would hold it, and the request kept
  // from that attempt would put back the values the merge took from the server.
  notSent(op);
  // Refused, so nothing was made: the merged version goes under a key of its
  // own (see refusal.ts), or a server that keeps every answer under its key
  // answers it with this 412 again.
  op.refusals = (op.refusals ?? 0) + 1;
  // Someone else changed the record: merge, then the next round sends it again.
  await reconcileStaleUpdate(host, entry, op, path, stillSending);
}
