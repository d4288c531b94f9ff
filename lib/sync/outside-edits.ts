import type { MetaContext } from "../meta-context";
import type { PlainRecord, RecordEntry } from "../store/record-entry";
import type { SyncHost } from "./sync-host";

/**
 * Spine calls that change records without a create/update/destroy event —
 * `Model.refresh`, `record.refresh`, `changeID`, `Model.deleteAll` — kept in
 * storage the way Spine now holds them, so a reload gives back exactly what
 * Spine had. Each returns the entries it changed.
 */

/**
 * Records the app loaded from outside (`Model.refresh(data)`, or Spine
 * Ajax's `record.refresh(answer)`). Spine treats them as existing records,
 * not new ones, so atmos2 does too: a record it did not know is taken as one
 * the server knows (its next remote save is an update). A record it knows
 * keeps its outbox; one destroyed locally comes back, as it does in Spine.
 */
export function keepRefreshed(meta: MetaContext, records: PlainRecord[]): RecordEntry[] {
  return records.map((plain) => {
    let entry = meta.get(plain.className, plain.id);
    if (!entry) {
      entry = { ...plain, acked: true, queue: [] };
      meta.put(entry);
      return entry;
    }
    if (entry.deleted) {
      entry.deleted = undefined;
      entry.queue = entry.queue.filter((op) => op.kind !== "destroy" || op.sent);
    }
    entry.attrs = plain.attrs;
    meta.touch(entry);
    return entry;
  });
}

/** The app's `record.changeID(newId)`: the entry, its outbox and its key follow. */
export function keepNewId(meta: MetaContext, className: string, oldId: string, newId: string): RecordEntry | undefined {
  const entry = meta.get(className, oldId);
  if (!entry) return undefined;
  const twin = meta.get(className, newId);
  if (twin && twin !== entry) meta.remove(className, newId);
  // Not a server id: the old id is the app's to give again (e.g. by
  // Model.refresh), so it must not be listed as this record's former id,
  // which a reload takes for a crash leftover and drops.
  const formerIds = entry.formerIds;
  meta.rekey(entry, newId);
  entry.formerIds = formerIds;
  return entry;
}

/**
 * The app's `Model.deleteAll()`: Spine empties the model without a destroy
 * event, and Spine Ajax sends nothing for it (`destroyAll()` is the call that
 * destroys each record). So this device forgets the records, and nothing is
 * deleted on the server: an app that clears its records at sign-out, or
 * `Model.refresh(data, { clear: true })`, must not delete the user's data
 * there. Unsent changes go with their records, and with deleteAll() a
 * delete still waiting to be sent of a record already gone. A record whose request is
 * already out stays hidden until it is answered, then goes too (that op is
 * not sent again after a reload: the record is marked deleted, with no
 * delete queued). A pull brings back what the server has.
 */
export function keepCleared(host: SyncHost, className: string, ids: string[], everything: boolean): RecordEntry[] {
  const { meta } = host;
  const changed: RecordEntry[] = [];
  // deleteAll(): also the records already gone from the page whose delete waits to be sent.
  const gone = everything ? meta.all(className).filter((entry) => entry.deleted && !entry.queue[0]?.sent) : [];
  for (const entry of gone) {
    meta.remove(className, entry.id);
    changed.push(entry);
  }
  for (const id of ids) {
    const entry = meta.get(className, id);
    if (!entry || entry.deleted) continue;
    const out = entry.queue[0]?.sent ? entry.queue[0] : undefined;
    if (out) {
      entry.deleted = true;
      entry.failed = undefined;
      entry.queue = [out];
      meta.touch(entry);
    } else meta.remove(className, id);
    changed.push(entry);
  }
  return changed;
}
