import type { AppContext, ModelOptions } from "../app-context";
import type { MetaContext } from "../meta-context";
import { etagOf, type Attrs, type RecordEntry } from "../store/record-entry";
import { changedFields } from "./merge";

/** What applying changes from elsewhere (live updates, other tabs, id swaps) needs. */
export interface RemoteContext {
  meta: MetaContext;
  app: AppContext;
  options(className: string): ModelOptions;
}

export interface IncomingChange {
  type: "created" | "updated" | "deleted";
  className: string;
  id: string;
  attrs?: Attrs;
}

/**
 * Applies a change made elsewhere (a live update) to the local records with
 * Spine events. It is never queued to be sent back, and it never overwrites a
 * record with unsent local edits or brings back a record deleted locally.
 * Returns whether anything changed.
 */
export function applyIncoming(ctx: RemoteContext, change: IncomingChange): boolean {
  const { meta, app } = ctx;
  const entry = meta.get(change.className, change.id);
  if (entry && (entry.queue.length > 0 || entry.failed || entry.deleted)) return false;
  if (change.type === "deleted") {
    if (!entry) return false;
    meta.remove(change.className, change.id);
    app.destroy(change.className, change.id);
    return true;
  }
  const fromRemote = ctx.options(change.className).fromRemote;
  let attrs: Attrs = { ...(change.attrs ?? {}), id: change.id };
  if (fromRemote) attrs = { ...fromRemote(attrs), id: change.id };
  if (!entry) {
    meta.put({ className: change.className, id: change.id, attrs, acked: true, queue: [], etag: etagOf(attrs) });
    app.create(change.className, attrs);
    return true;
  }
  const merged = { ...entry.attrs, ...attrs };
  if (changedFields(entry.attrs, merged).length === 0) return false;
  entry.attrs = merged;
  entry.acked = true;
  entry.etag = etagOf(attrs) ?? entry.etag;
  meta.touch(entry);
  app.update(change.className, change.id, merged);
  return true;
}

/**
 * Gives a record its server-assigned id in one step: the remote-id record and
 * storage key, the Spine record, and every foreign key declared in
 * `remoteKeys` that pointed at the old id.
 */
export function swapId(ctx: RemoteContext, entry: RecordEntry, newId: string): void {
  const { meta, app } = ctx;
  const oldId = entry.id;
  // The same record may already be here under its server id (a live update
  // or a pull that arrived before this create's answer): keep one.
  const twin = meta.get(entry.className, newId);
  if (twin && twin !== entry) {
    meta.remove(entry.className, newId);
    app.destroy(entry.className, newId);
  }
  meta.rekey(entry, newId);
  app.changeId(entry.className, oldId, newId);
  for (const className of new Set([...app.classNames(), ...meta.classes()])) {
    const keys = Object.entries(ctx.options(className).remoteKeys).filter(([, target]) => target === entry.className);
    if (!keys.length) continue;
    for (const child of meta.all(className)) {
      const patch: Attrs = {};
      for (const [field] of keys) if (child.attrs[field] === oldId) patch[field] = newId;
      if (!Object.keys(patch).length) continue;
      child.attrs = { ...child.attrs, ...patch };
      if (child.base) child.base = { ...child.base, ...patch };
      meta.touch(child);
      app.update(className, child.id, patch);
      app.repointKept(className, child.id, patch, oldId);
    }
  }
}

/** Shows entries another tab wrote (read back from storage) in this tab's Spine records. */
export function showReloaded(ctx: RemoteContext, changes: Array<{ className: string; id: string; entry?: RecordEntry }>): void {
  for (const { className, id, entry } of changes) {
    // The other tab gave the record its server id: move it here too, so
    // record objects this tab holds under the old id keep updating it.
    for (const former of entry?.formerIds ?? []) {
      if (ctx.app.exists(className, former) && !ctx.app.exists(className, id)) ctx.app.changeId(className, former, id);
    }
    if (!entry || entry.deleted) ctx.app.destroy(className, id);
    else if (ctx.app.exists(className, id)) ctx.app.update(className, id, entry.attrs);
    else ctx.app.create(className, entry.attrs);
  }
}
