import { checkRemoteKeys, checkSaveOptions } from "../call-options";
import { uuidv4 } from "../env/uuid";
import { noRelationKeys, relationKeys } from "./relation-keys";
import { hasOwn } from "../store/record-entry";
import {
  aliases,
  aliasKey,
  changingId,
  destroyedAs,
  destroyingAs,
  holdWeakly,
  isLegacy,
  keepInIndex,
  keptInIndex,
  minted,
  movesLeft,
  noteMove,
  page,
  saved,
  registeredModels,
  useModel,
  WRAPPED,
  type HooksOf,
  type ModelHooks,
  type SpineModel,
  type SpineRecord,
} from "./spine-state";

/** Each extended model's Spine listener table atmos2 bound its listeners into (Spine's `unbind()` makes a new one). */
const wired = new WeakMap<SpineModel, object>();

// What atmos2 listens to on an extended model, and the Spine methods it
// wraps, so that storage follows every change Spine makes to its records.

/**
 * Wires a model's Spine events to atmos2. Ids the Spine way: an unsaved
 * record has none; its first save gives it a UUID (instead of Spine's
 * per-page `c-N`, which repeats after a reload), and `cid` stays Spine's.
 * The same code serves Spine 1.2 and 1.6: where they differ is noted.
 * A little over 300 lines: one listener per Spine hook (save, destroy,
 * refresh, changeID, deleteAll, relation calls), bound together at extend
 * time over the page state they share (spine-state.ts).
 */
export function listen(model: SpineModel, hooks: HooksOf): void {
  // Listening already since Spine last unbound the model (configured, then extended again).
  if (hasOwn.call(model, "_callbacks") && wired.get(model) === model._callbacks) return;
  model.bind("beforeSave", (record: SpineRecord, options?: Record<string, unknown>) => {
    checkSaveOptions(record.constructor, "save", options);
    useModel(record.constructor);
    const stored = hooks(false);
    followId(record, stored);
    if (model.remoteKeys) {
      checkRemoteKeys(model.className, model.remoteKeys, registeredModels);
      followKeys(record, model.remoteKeys, stored);
    }
    const related = relationKeys(model.className);
    if (related !== noRelationKeys) followKeys(record, related, stored);
  });
  model.bind("beforeCreate", (record: SpineRecord, options?: Record<string, unknown>) => {
    if (record.id == null || record.id === "") minted.set((record.id = uuidv4()), record.cid);
    if (!options?.atmos && hasOwn.call(record, "cid")) track(record);
  });
  model.bind("beforeDestroy", (record: SpineRecord, options?: Record<string, unknown>) => {
    checkSaveOptions(record.constructor, "destroy", options);
    useModel(record.constructor);
    followId(record, hooks(false));
    if (!options?.atmos) aimDestroy(record);
    // Another object than the record (a copy the app built, say): the first ids kept beside the record's cid go with it.
    const root = record.constructor.irecords?.[record.id];
    if (root && root.cid !== record.cid) destroyedThrough.set(record, root);
  });
  model.bind("change", (record: SpineRecord, type: string, options?: Record<string, unknown>) => {
    if (type === "destroy" && options?.clear !== false) {
      dropKept(record);
      const root = destroyedThrough.get(record);
      destroyedThrough.delete(record);
      // Only if it went: Spine's destroy through an object sharing only an id with it may leave it.
      if (root && !record.constructor.records.includes(root)) dropKept(root);
    }
    if (options?.atmos || changingId.has(record.cid)) return;
    if (type === "update" || type === "refresh") {
      // An id a changeID left in Spine's index can outlive the record: Spine
      // then updates a record it no longer shows, and so nothing is kept.
      // (Only after a changeID: until then no record moved, and a save looks nothing up.)
      const root = page.anyMoveLeft ? model.irecords[record.id] : undefined;
      if (root && movesLeft.has(root) && !model.records.includes(root)) return;
      followMove(record, hooks);
    }
    if (type === "refresh") {
      // Spine 1.6's record.refresh(): data from outside, e.g. Spine Ajax's answer.
      if (!page.ownRefresh) hooks(false)?.refreshed(record.constructor.className, [record]);
      return;
    }
    if (type === "create" || type === "update") hooks(true)?.changed(record, type, options ?? {});
    else if (type === "destroy") hooks(true)?.changed(destroyedAs(record), type, options ?? {});
  });
  // Model.refresh() (both versions), and Spine 1.2's record.refresh() (one record, no options).
  model.bind("refresh", (records: SpineRecord | SpineRecord[], options?: Record<string, unknown>) => {
    // atmos2's own refresh (a pull of thousands) is not the app's: nothing to look at.
    if (page.ownRefresh || options?.atmos) return;
    useModel(model);
    if (records && !Array.isArray(records) && isLegacy(records)) return legacyRefreshed(records, hooks);
    const all = Array.isArray(records) ? records : records ? [records] : [];
    // A record Spine merged into another one during the refresh (its id
    // then moved on) is kept as that one, not again under its own id.
    const list = all.filter((record: SpineRecord) => model.irecords[record.id]);
    if (!list.length) return;
    hooks(false)?.refreshed(list[0].constructor.className, list);
  });
  wired.set(model, model._callbacks);
  // Installed once per prototype and class (sub-classes inherit them; a
  // model configured and extended again keeps one), reporting the class
  // the call is made on, when that class is extended.
  wrapOnce(model.prototype, "changeID", (changeID) =>
    function (this: SpineRecord, id: unknown) {
      // Spine does nothing for the id the object already has.
      if (id === this.id) return changeID.call(this, id);
      const objectId = this.id;
      const root = this.constructor.irecords?.[objectId];
      // The id storage keeps the record under: the one Spine's record shows.
      const stored = root && (movesLeft.get(root) ?? String(root.id));
      // Spine 1.2's changeID saves: a record moving ids is not a user edit,
      // but with no record under the old id that save creates one, and it is kept.
      if (root) changingId.add(this.cid);
      let result: unknown;
      try {
        result = changeID.call(this, id);
      } finally {
        changingId.delete(this.cid);
      }
      const irecords = this.constructor.irecords;
      // Spine's index keeps the old id when it is the object's cid, as it
      // is on plain Spine for a record made on the page; here that first
      // id is a minted UUID: keep it the same way.
      const name = this.constructor.className;
      if (root && !irecords[objectId] && minted.get(String(objectId)) === this.cid) {
        irecords[objectId] = root;
        keepInIndex(name, this.cid, String(objectId));
      }
      // An object whose id Spine holds no record under moves no record; nor
      // does one whose id its index keeps for a record already destroyed.
      if (!useModel(this.constructor) || !root || !this.constructor.records.includes(root)) return result;
      const shown = String(root.id);
      noteMove(root, shown);
      if (stored !== shown) hooks(false)?.idChanged(name, stored, shown);
      // That save of Spine 1.2 also loaded the object's attributes into the record.
      if (isLegacy(this)) hooks(false)?.refreshed(name, [root]);
      return result;
    },
  );
  wrapOnce(model, "deleteAll", (deleteAll) =>
    function (this: SpineModel, ...args: unknown[]) {
      const ids = this.records.map((r: SpineRecord) => String(r.id));
      const result = deleteAll.apply(this, args);
      // Every record of the model: what was waiting to be sent for it goes too (deletes of records already gone).
      if (useModel(this) && !page.configuring) hooks(false)?.cleared(this.className, ids, true);
      return result;
    },
  );
  // Spine 1.2's Model.refresh removes, without an event, the record its
  // index holds under an incoming id (where 1.6 loads the data into it).
  if (isLegacy(model.prototype)) {
    wrapOnce(model, "refresh", (refresh) =>
      function (this: SpineModel, ...args: unknown[]) {
        if (page.ownRefresh || !useModel(this)) return refresh.apply(this, args);
        const before = this.records.slice();
        const result = refresh.apply(this, args);
        const now = new Set(this.records);
        const gone = before.filter((r: SpineRecord) => !now.has(r));
        // Its minted first id leaves Spine's index with it, as a destroy's does.
        for (const record of gone) dropKept(record);
        // A record replaced by the incoming one of the same id is that one now.
        const shownIds = new Set(this.records.map((r: SpineRecord) => String(r.id)));
        const removed = gone.map((r: SpineRecord) => movesLeft.get(r) ?? String(r.id)).filter((id: string) => !shownIds.has(id));
        if (removed.length) hooks(false)?.cleared(this.className, removed);
        return result;
      },
    );
  }
}

/**
 * Spine's relations: `list.tasks([...])` (Collection#refresh) takes the
 * list's old records out of Spine's memory without an event, then
 * refreshes the new ones in. Storage lets the old ones go too, as a
 * `Model.refresh` that replaced them would (local only: nothing is sent).
 */
export function listenCollections(collection: SpineModel | undefined, hooks: HooksOf): void {
  if (!collection?.prototype?.refresh) return;
  wrapOnce(collection.prototype, "refresh", (refresh) =>
    function (this: SpineModel, ...args: unknown[]) {
      const model = this.model;
      if (args[0] == null || page.ownRefresh || !model || !useModel(model) || registeredModels.get(model.className) !== model) return refresh.apply(this, args);
      // The records themselves (`all()` gives copies), matched by id as Spine
      // takes them out (its index may have lost an id a changeID left behind).
      const ids = new Set(this.all().map((r: SpineRecord) => r.id));
      const before = model.records.filter((r: SpineRecord) => ids.has(r.id));
      const result = refresh.apply(this, args);
      const gone = before.filter((r: SpineRecord) => !model.records.includes(r));
      for (const record of gone) dropKept(record);
      const removed = gone.map((r: SpineRecord) => movesLeft.get(r) ?? String(r.id)).filter((id: string) => !model.irecords[id]);
      if (removed.length) hooks(false)?.cleared(model.className, removed);
      return result;
    },
  );
}

/** Puts `wrap(original)` in place of a Spine method, unless it is atmos2's wrapper already (inherited, or from an earlier extend). */
export function wrapOnce(target: SpineModel, name: string, wrap: (original: SpineModel) => SpineModel): void {
  const original = target[name];
  if (!original[WRAPPED]) target[name] = Object.assign(wrap(original), { [WRAPPED]: true });
}

/**
 * A record object the app kept from before its server id arrived, and
 * which atmos2 could not reach (e.g. a `dup(false)`), still carries the
 * old id: before Spine saves or destroys through it, point it at the
 * server id, so the change reaches the right record instead of making a
 * new one.
 */
function followId(record: SpineRecord, stored: ModelHooks | undefined): void {
  const newId = serverId(record.constructor.className, record.id, record.constructor, stored);
  if (newId) record.id = newId;
}

/**
 * Foreign keys copied from a parent object the app kept from before the
 * parent got its server id (`taskListID: list.id`) still hold the old id:
 * point them at the server id before Spine saves them.
 */
function followKeys(record: SpineRecord, remoteKeys: Record<string, string>, stored: ModelHooks | undefined): void {
  for (const [field, target] of Object.entries(remoteKeys)) {
    const newId = serverId(target, record[field], registeredModels.get(target), stored);
    if (newId) record[field] = newId;
  }
}

/** The record a destroy through another object (not a clone) removes, by that object. */
const destroyedThrough = new WeakMap<SpineRecord, SpineRecord>();

/** A destroy took the record's cid out of Spine's index: the minted ids kept beside it go too. */
function dropKept(record: SpineRecord): void {
  const key = aliasKey(record.constructor.className, record.cid);
  for (const id of keptInIndex.get(key) ?? []) delete record.constructor.irecords[id];
  keptInIndex.delete(key);
}

/**
 * A save, refresh or destroy through an object whose `changeID` Spine 1.6
 * left half done (see `movesLeft`): storage follows the id the record
 * goes by now.
 */
function followMove(record: SpineRecord, hooks: HooksOf): void {
  if (!page.anyMoveLeft) return;
  // A save or refresh reaches the record indexed under the object's id, and
  // leaves it under the id loaded into it.
  const root = record.constructor.irecords?.[record.id];
  const stored = root && movesLeft.get(root);
  if (stored === undefined) return;
  const now = String(root.id);
  if (stored === now) return;
  movesLeft.set(root, now);
  hooks(false)?.idChanged(record.constructor.className, stored, now);
}

/**
 * Spine's destroy removes the first record of its list with the object's
 * cid or id, whatever its index says. After a `changeID` left half done
 * (see `movesLeft`) that record may be kept under another id than the
 * object's: the destroy is then kept under that id (see `destroyedAs`),
 * and never reaches a record that merely took the object's id since.
 */
function aimDestroy(record: SpineRecord): void {
  if (!page.anyMoveLeft) return;
  // Spine's own test for the record its remove takes.
  const removed = record.constructor.records?.find((r: SpineRecord) => record.eql(r));
  if (!removed) return;
  const stored = movesLeft.get(removed) ?? String(removed.id);
  if (stored !== String(record.id)) destroyingAs.set(record, stored);
}

/**
 * Spine 1.2's `record.refresh(data)`: the data is loaded into Spine's own
 * record, which is not indexed again (it is found under its old id only, a
 * clone already reads the new one). Given a new id, the record goes by it
 * from now on, as it does after a reload: storage moves it there.
 */
function legacyRefreshed(record: SpineRecord, hooks: HooksOf): void {
  const model = record.constructor;
  // A clone's record is its prototype (its own index entries may be gone);
  // another object reaches the record its index leads to.
  const proto = Object.getPrototypeOf(record);
  const root = model.records.includes(proto) ? proto : model.irecords[record.id] ?? model.irecords[record.cid];
  // A destroyed record reached through an index entry it left shows nothing.
  if (!root || !model.records.includes(root)) return;
  const shown = String(root.id);
  // The id it is kept under: an index key that still leads to it, its cid
  // last (Spine gives a record without an id its cid as id).
  const keys = Object.keys(model.irecords).filter((key) => model.irecords[key] === root && key !== shown);
  const stored = movesLeft.get(root) ?? keys.find((key) => key !== root.cid) ?? keys[0];
  if (stored !== undefined && stored !== shown) {
    noteMove(root, shown);
    // A minted first id stays in Spine's index beside the cid, as plain
    // Spine's first id (the cid itself) does, and leaves with it on destroy.
    if (minted.get(stored) === root.cid) keepInIndex(model.className, root.cid, stored);
    hooks(false)?.idChanged(model.className, stored, shown);
  }
  hooks(false)?.refreshed(model.className, [root]);
}

/** Remembers the object the app creates a record through (clones follow their root by themselves). */
function track(record: SpineRecord): void {
  const key = aliasKey(record.constructor.className, record.cid);
  const list = saved.get(key);
  if (list) list.push(holdWeakly(record));
  else saved.set(key, [holdWeakly(record)]);
}

/**
 * The id a record has now, if `id` is one it had before (following every
 * swap since, this page's, then the ones storage keeps: an undo or a link
 * that kept a local id across a reload); none while a record of `model`
 * holds `id` itself (a server id given again: to a record saved again after
 * its delete, or by a server that gives the next record a deleted one's id).
 */
function serverId(className: string, id: unknown, model: SpineModel | undefined, stored: ModelHooks | undefined): string | undefined {
  if (id == null) return undefined;
  // Run on every save: both lookups answer at once while no record here moved.
  let current = aliases.size ? aliases.get(aliasKey(className, id)) : undefined;
  for (let next = current; next; next = aliases.get(aliasKey(className, next))) current = next;
  current ??= stored?.movedTo?.(className, String(id));
  const holder = current && model?.irecords?.[id as string];
  return holder && String(holder.id) === String(id) ? undefined : current;
}
