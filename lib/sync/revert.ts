import type { Attrs, RecordEntry } from "../store/record-entry";
import type { RemoteContext } from "./apply-remote";
import { parkOrphans } from "./parent-order";
import { goneAnswer } from "./retry-policy";

/**
 * `atmos.revert(record)`: drops a record's unsent changes and shows the last
 * server version again, in the record object passed to revert (`given`) too
 * (a record the server never had, or has no more, is removed). A request
 * already under way is kept: its answer still arrives and is applied.
 * Returns the records parked because they pointed at a removed record.
 */
export function revertEntry({ meta, app, options }: RemoteContext, entry: RecordEntry, given?: unknown): RecordEntry[] {
  const sending = entry.queue.find((op) => op.sent && !entry.failed);
  // An edit answered 404/410: the server has the record no more (deleted elsewhere), and its last version is none.
  const goneThere = !sending && entry.acked && (goneAnswer(entry.failed?.status) || !!entry.deletedThere);
  entry.queue = sending ? [sending] : [];
  entry.failed = undefined;
  if (!entry.acked || goneThere) {
    // Late news of it (a replay, a pull that read it before) must not bring it back.
    if (goneThere) meta.gone.confirm(entry.className, entry.id);
    meta.remove(entry.className, entry.id);
    app.destroy(entry.className, entry.id);
    // What waited for its server id waits for nothing now (see parent-order.ts).
    return parkOrphans(meta, (className) => options(className).remoteKeys, entry);
  }
  const edited = entry.attrs;
  entry.attrs = { ...(entry.base ?? entry.attrs), id: entry.id };
  entry.base = undefined;
  entry.deleted = undefined;
  meta.touch(entry);
  // Spine's load only sets the keys it is given: a field the dropped edit
  // added, which the server version lacks, must be cleared explicitly.
  const shown: Attrs = { ...entry.attrs };
  for (const key of Object.keys(edited)) if (!(key in shown)) shown[key] = undefined;
  if (app.exists(entry.className, entry.id)) app.update(entry.className, entry.id, shown);
  else app.create(entry.className, entry.attrs);
  // The app goes on with the object it holds: it reads the server version too.
  app.loadInto(given, entry.className, entry.id, shown);
  return [];
}

