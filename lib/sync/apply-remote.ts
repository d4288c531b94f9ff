import type { AppContext, ModelOptions } from "../app-context";
import type { MetaContext, Reloaded } from "../meta-context";
import type { Attrs, RecordEntry } from "../store/record-entry";

/** What applying changes from elsewhere (other tabs, id swaps) needs. */
export interface RemoteContext {
  meta: MetaContext;
  app: AppContext;
  options(className: string): ModelOptions;
}

/**
 * Gives a record its server-assigned id in one step: the remote-id record and
 * storage key, the Spine record, and every foreign key declared in
 * `remoteKeys` that pointed at the old id.
 */
export function swapId(ctx: RemoteContext, entry: RecordEntry, newId: string, quiet?: boolean): void {
  const { meta, app } = ctx;
  const { className: target, id: oldId } = entry;
  // The same record may already be here under its server id (a live update
  // or a pull that arrived before this create's answer): keep one.
  const twin = meta.get(target, newId);
  if (twin && twin !== entry) {
    meta.remove(target, newId);
    app.destroy(target, newId);
  }
  meta.rekey(entry, newId);
  app.changeId(target, oldId, newId, quiet);
  for (const className of new Set([...app.classNames(), ...meta.classes()])) {
    const keys = Object.entries(ctx.options(className).remoteKeys).filter(([, to]) => to === target);
    if (!keys.length) continue;
    for (const child of meta.all(className)) {
      const patch: Attrs = {};
      for (const [field] of keys) if (child.attrs[field] === oldId) patch[field] = newId;
      if (!repoint(meta, child, patch)) continue;
      app.update(className, child.id, patch);
      app.repointKept(className, child.id, patch, oldId);
    }
  }
}

/**
 * A record another tab wrote while its parent's server id was on its way
 * there: a foreign key still holds the parent's old id, which no record has
 * now. It takes the server id, as `swapId` gives it to the records held here
 * (else it would be sent to the old id's path and refused). Returns whether
 * it changed.
 */
export function repointToMoved({ meta, options }: RemoteContext, entry: RecordEntry): boolean {
  const patch: Attrs = {};
  for (const [field, target] of Object.entries(options(entry.className).remoteKeys)) {
    const value = entry.attrs[field];
    if (value == null || meta.get(target, String(value))) continue;
    const moved = meta.movedFrom(target, String(value));
    if (moved) patch[field] = moved.id;
  }
  return repoint(meta, entry, patch);
}

/**
 * Writes new foreign keys into a record, and into its base (the server's
 * version) where that held the same old id; whether there were any. A base
 * that points elsewhere is the server's own: a record moved out of another
 * parent into this new one is still the old parent's there, until the move
 * is answered (a delete of the old parent waits for it: parent-order.ts).
 */
function repoint(meta: MetaContext, entry: RecordEntry, patch: Attrs): boolean {
  if (!Object.keys(patch).length) return false;
  const before = entry.attrs;
  entry.attrs = { ...before, ...patch };
  if (entry.base) {
    const base = { ...entry.base };
    for (const field in patch) if (String(base[field]) === String(before[field])) base[field] = patch[field];
    entry.base = base;
  }
  meta.touch(entry);
  return true;
}

/** Shows entries another tab wrote (read back from storage) in this tab's Spine records. */
export function showReloaded({ app, options }: RemoteContext, changes: Reloaded[]): void {
  // A record that moved to its server id is removed under its old key in the
  // same batch, maybe listed first: moves first, then what is really gone.
  const moved = new Set<string>();
  for (const c of changes) for (const former of c.entry?.formerIds ?? []) moved.add(`${c.className}\n${former}`);
  const ordered = changes.filter((c) => c.entry).concat(changes.filter((c) => !c.entry && !moved.has(`${c.className}\n${c.id}`)));
  for (const { className, id, entry, before } of ordered) {
    // A foreign key moved (to a parent's server id, most often): so do the
    // record objects this tab holds. First: they are let go once the record
    // itself takes its server id, just below (news may bring both at once).
    if (entry && before) {
      const heldAs = app.exists(className, before.id) ? before.id : id;
      for (const field of Object.keys(options(className).remoteKeys)) {
        const from = before.attrs[field];
        const to = entry.attrs[field];
        if (from != null && from !== to) app.repointKept(className, heldAs, { [field]: to }, String(from));
      }
    }
    // The other tab gave the record its server id: move it here too, so
    // record objects this tab holds under the old id keep updating it.
    // The server's copy may be shown already under the new id (a live update
    // or a pull heard before this news): keep one, as swapId does.
    for (const former of entry?.formerIds ?? []) {
      if (!app.exists(className, former)) continue;
      if (app.exists(className, id)) app.destroy(className, id);
      app.changeId(className, former, id);
    }
    if (!entry || entry.deleted) app.destroy(className, id);
    else if (app.exists(className, id)) app.update(className, id, entry.attrs);
    else app.create(className, entry.attrs);
  }
}
