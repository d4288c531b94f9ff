import * as spineModule from "spine";
import { uuidv4 } from "./env/uuid";
import type { Attrs, PlainRecord, SyncState } from "./store/record-entry";

function findSpine(): any {
  const mod = spineModule as any;
  const fromModule = mod && (mod.Model ? mod : mod.default);
  return fromModule?.Model ? fromModule : (globalThis as any).Spine;
}

/**
 * The only code in atmos2 that touches Spine. Everything else works on plain
 * records `{ className, id, attrs }`.
 *
 * Changes made here carry the option `{ atmos: true }` so that the
 * Atmosphere's own change listener knows they came from sync, not from the
 * user, and does not queue them to be sent back.
 */
export type SpineModel = any;
export type SpineRecord = any;

/** Options that mark a Spine event as caused by atmos2 itself. */
export const fromSync = Object.freeze({ atmos: true });

/** What a model's Spine events tell the Atmos instance (see `AppContext.extend`). */
export interface ModelHooks {
  /** The app created, updated or destroyed a record. */
  changed(record: SpineRecord, type: "create" | "update" | "destroy", options: Record<string, unknown>): void;
  /** The app loaded records from outside (`Model.refresh`, `record.refresh`): keep them as they are now. */
  refreshed(className: string, records: SpineRecord[]): void;
  /** The app called `changeID`. */
  idChanged(className: string, oldId: string, newId: string): void;
  /** The app called `Model.deleteAll()` (Spine fires no event for it). */
  cleared(className: string, ids: string[]): void;
}

/**
 * The Atmos instance that keeps a model's changes. A save starts one when
 * none is running (`start`); `deleteAll()`, `refresh()` and `changeID()`
 * with none running change only Spine's memory, as an app resetting its
 * models before atmos2 starts (or after `close()`) expects.
 */
export type HooksOf = (start: boolean) => ModelHooks | undefined;

/**
 * Extended models, shared by every Atmos instance: a model is extended once
 * at load time, while tests and reloads create new Atmos instances.
 */
const registeredModels = new Map<string, SpineModel>();
/** Old local id → server id, for record objects the app still holds with an old id. */
const aliases = new Map<string, string>();
/**
 * Record objects the app called `save` on, by class and `cid`, until their
 * record is synced: when the server assigns an id, each one reads it too.
 */
const saved = new Map<string, Array<{ deref(): SpineRecord | undefined }>>();
const holdWeakly = (record: SpineRecord) =>
  typeof WeakRef === "function" ? new WeakRef(record) : { deref: () => record };
/** Depth of atmos2's own refreshes, whose `refresh` events are not the app's. */
let ownRefresh = 0;
/** cids inside an app's `changeID` (Spine 1.2's calls `save()`, which is not a user edit). */
const changingId = new Set<string>();
/**
 * Spine 1.6's `changeID` on a clone or a kept object moves that object only
 * (and indexes the record under the new id too): Spine's own record is still
 * shown under its id, and storage keeps it there, until a save or refresh
 * through the object loads the new id into it, or a destroy through it
 * removes it. For each Spine record an app's `changeID` reached: the id
 * storage keeps it under.
 */
const movesLeft = new WeakMap<object, string>();
/** Objects being destroyed whose record is kept under another id than theirs (see `aimDestroy`). */
const destroyingAs = new WeakMap<object, string>();
/** The object a destroy is kept for: itself, or a stand-in with the id its record is kept under. */
function destroyedAs(record: SpineRecord): SpineRecord {
  const id = destroyingAs.get(record);
  if (id === undefined) return record;
  destroyingAs.delete(record);
  const standIn = Object.create(record);
  standIn.id = id;
  return standIn;
}
/** Whether any changeID reached a Spine record on this page (until then, saves skip `followMove`). */
let anyMoveLeft = false;
/**
 * Ids minted on this page (UUIDs, so one map serves every class) → the cid
 * of the record minted for. Plain Spine would have given that record its
 * cid as id, which Spine's index does not forget (see the changeID wrapper).
 */
const minted = new Map<string, string>();
/** Class and cid → the minted ids kept in Spine's index for it; Spine drops them with the cid. */
const keptInIndex = new Map<string, string[]>();

/** Marks Spine methods atmos2 wrapped, so they are wrapped once. */
const WRAPPED = "__atmos2";

const aliasKey = (className: string, id: unknown) => `${className}\u0000${id}`;

const legacyTriggers = new Map<unknown, boolean>();

/**
 * Triggers a Spine event on a record. Spine 1.6's `record.trigger(name,
 * ...args)` passes the arguments on as given (so the record comes first);
 * Spine 1.2's puts the record in front itself.
 */
function fire(record: SpineRecord, name: string, ...args: unknown[]): void {
  if (isLegacy(record)) record.trigger(name, ...args);
  else record.trigger(name, record, ...args);
}

/** Whether a record is Spine 1.2's (its trigger puts the record in front of the arguments). */
function isLegacy(record: SpineRecord): boolean {
  const trigger = record.trigger;
  let legacy = legacyTriggers.get(trigger);
  if (legacy === undefined) legacyTriggers.set(trigger, (legacy = /splice\(1,\s*0,\s*this\)/.test(String(trigger))));
  return legacy;
}

export class AppContext {
  private models = registeredModels;

  /** Makes an extended model known to every Atmos instance and listens to its Spine events. */
  static extend(model: SpineModel, hooks: HooksOf): void {
    const app = new AppContext();
    app.register(model);
    app.listen(model, hooks);
  }

  /**
   * Registers `Spine.Model.Atmosphere` on the Spine it finds (the spine
   * module, or globalThis.Spine). Without Spine, every later
   * `Model.extend(Spine.Model.Atmosphere)` would fail far from the cause.
   */
  static install(atmosphere: object): void {
    const spine = findSpine();
    if (!spine?.Model) throw new Error("atmos2: Spine was not found: load spine.js before atmos2.js (or install the \"spine\" package)");
    spine.Model.Atmosphere = atmosphere;
  }

  /** Makes a Spine model known by its class name. */
  register(model: SpineModel): void {
    if (!model || typeof model.className !== "string" || !model.className) {
      throw new Error("atmos2: extend a configured model: call Model.configure(\"Name\", ...attributes) before Model.extend(Spine.Model.Atmosphere)");
    }
    this.models.set(model.className, model);
  }

  /**
   * Wires a model's Spine events to atmos2. Ids the Spine way: an unsaved
   * record has none; its first save gives it a UUID (instead of Spine's
   * per-page `c-N`, which repeats after a reload), and `cid` stays Spine's.
   * The same code serves Spine 1.2 and 1.6: where they differ is noted.
   */
  private listen(model: SpineModel, hooks: HooksOf): void {
    model.bind("beforeSave", (record: SpineRecord) => {
      this.followId(record);
      if (model.remoteKeys) this.followKeys(record, model.remoteKeys);
    });
    model.bind("beforeCreate", (record: SpineRecord, options?: Record<string, unknown>) => {
      if (record.id == null || record.id === "") minted.set((record.id = uuidv4()), record.cid);
      if (!options?.atmos && Object.prototype.hasOwnProperty.call(record, "cid")) this.track(record);
    });
    model.bind("beforeDestroy", (record: SpineRecord, options?: Record<string, unknown>) => {
      this.followId(record);
      if (!options?.atmos) this.aimDestroy(record);
    });
    model.bind("change", (record: SpineRecord, type: string, options?: Record<string, unknown>) => {
      if (type === "destroy" && options?.clear !== false) this.dropKept(record);
      if (options?.atmos || changingId.has(record.cid)) return;
      if (type === "update" || type === "refresh") {
        // An id a changeID left in Spine's index can outlive the record: Spine
        // then updates a record it no longer shows, and so nothing is kept.
        const root = model.irecords[record.id];
        if (root && movesLeft.has(root) && !model.records.includes(root)) return;
        this.followMove(record, hooks);
      }
      if (type === "refresh") {
        // Spine 1.6's record.refresh(): data from outside, e.g. Spine Ajax's answer.
        if (!ownRefresh) hooks(false)?.refreshed(record.constructor.className, [record]);
        return;
      }
      if (type === "create" || type === "update") hooks(true)?.changed(record, type, options ?? {});
      else if (type === "destroy") hooks(true)?.changed(destroyedAs(record), type, options ?? {});
    });
    // Model.refresh() (both versions), and Spine 1.2's record.refresh() (one record, no options).
    model.bind("refresh", (records: SpineRecord | SpineRecord[], options?: Record<string, unknown>) => {
      // atmos2's own refresh (a pull of thousands) is not the app's: nothing to look at.
      if (ownRefresh || options?.atmos) return;
      if (records && !Array.isArray(records) && isLegacy(records)) return this.legacyRefreshed(records, hooks);
      const all = Array.isArray(records) ? records : records ? [records] : [];
      // A record Spine merged into another one during the refresh (its id
      // then moved on) is kept as that one, not again under its own id.
      const list = all.filter((record: SpineRecord) => model.irecords[record.id]);
      if (!list.length) return;
      hooks(false)?.refreshed(list[0].constructor.className, list);
    });
    // Installed once per prototype and class (sub-classes inherit them; a
    // model configured and extended again keeps one), reporting the class
    // the call is made on, when that class is extended.
    const known = (className: string) => this.models.has(className);
    const changeID = model.prototype.changeID;
    if (!changeID[WRAPPED]) {
      const wrapped = function (this: SpineRecord, id: unknown) {
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
          const key = aliasKey(name, this.cid);
          keptInIndex.set(key, [...(keptInIndex.get(key) ?? []), String(objectId)]);
        }
        // An object whose id Spine holds no record under moves no record; nor
        // does one whose id its index keeps for a record already destroyed.
        if (!known(name) || !root || !this.constructor.records.includes(root)) return result;
        const shown = String(root.id);
        movesLeft.set(root, shown);
        anyMoveLeft = true;
        if (stored !== shown) hooks(false)?.idChanged(name, stored, shown);
        // That save of Spine 1.2 also loaded the object's attributes into the record.
        if (isLegacy(this)) hooks(false)?.refreshed(name, [root]);
        return result;
      };
      model.include({ changeID: Object.assign(wrapped, { [WRAPPED]: true }) });
    }
    const deleteAll = model.deleteAll;
    if (!deleteAll[WRAPPED]) {
      const wrapped = function (this: SpineModel, ...args: unknown[]) {
        const ids = this.records.map((r: SpineRecord) => String(r.id));
        const result = deleteAll.apply(this, args);
        if (ids.length && known(this.className)) hooks(false)?.cleared(this.className, ids);
        return result;
      };
      model.deleteAll = Object.assign(wrapped, { [WRAPPED]: true });
    }
    // Spine 1.2's Model.refresh removes, without an event, the record its
    // index holds under an incoming id (where 1.6 loads the data into it).
    const refresh = model.refresh;
    const app = this;
    if (isLegacy(model.prototype) && !refresh[WRAPPED]) {
      const wrapped = function (this: SpineModel, ...args: unknown[]) {
        if (ownRefresh || !known(this.className)) return refresh.apply(this, args);
        const before = this.records.slice();
        const result = refresh.apply(this, args);
        const now = new Set(this.records);
        const gone = before.filter((r: SpineRecord) => !now.has(r));
        // Its minted first id leaves Spine's index with it, as a destroy's does.
        for (const record of gone) app.dropKept(record);
        // A record replaced by the incoming one of the same id is that one now.
        const shownIds = new Set(this.records.map((r: SpineRecord) => String(r.id)));
        const removed = gone.map((r: SpineRecord) => movesLeft.get(r) ?? String(r.id)).filter((id: string) => !shownIds.has(id));
        if (removed.length) hooks(false)?.cleared(this.className, removed);
        return result;
      };
      model.refresh = Object.assign(wrapped, { [WRAPPED]: true });
    }
  }


  model(className: string): SpineModel | undefined {
    return this.models.get(className);
  }

  classNames(): string[] {
    return Array.from(this.models.keys());
  }

  /** A Spine record as a plain record. */
  toPlain(record: SpineRecord): PlainRecord {
    // attributes() returns a fresh object: it is the plain record's own (no copy per save).
    const attrs = record.attributes() as Attrs;
    const id = String(record.id);
    attrs.id = id;
    return { className: record.constructor.className, id, attrs };
  }

  /** The current Spine record (a clone, as Spine's find gives), or null. */
  find(className: string, id: string): SpineRecord | null {
    const model = this.models.get(className);
    if (!model || !model.irecords[id]) return null;
    return model.irecords[id].clone();
  }

  exists(className: string, id: string): boolean {
    return !!this.models.get(className)?.irecords[id];
  }

  /**
   * Loads many records at once with one `refresh` event (Spine's own
   * mechanism for data from outside), replacing records with the same id.
   * Returns the records as `find` would give them, in the order of `list`.
   */
  refresh(className: string, list: Attrs[]): SpineRecord[] {
    const model = this.models.get(className);
    if (!model) return [];
    // Keep each existing record's cid: Spine's refresh copies the incoming
    // instance's fresh cid over it, and find(cid) would stop working.
    const irecords = model.irecords;
    const existed: number[] = [];
    ownRefresh++;
    try {
      const shown = model.refresh(
        list.map((attrs, i) => {
          const existing = irecords[attrs.id as string];
          if (!existing) return { ...attrs };
          existed.push(i);
          return { ...attrs, cid: existing.cid };
        }),
        { ...fromSync },
      );
      // Spine hands back clones of the instances it was given: for a record
      // it already held, that is not the record it keeps (which it updated).
      for (const i of existed) shown[i] = irecords[list[i].id as string]?.clone() ?? shown[i];
      return shown;
    } finally {
      ownRefresh--;
    }
  }

  /** Applies attributes the server sent to one record, firing update/change. */
  update(className: string, id: string, attrs: Attrs): void {
    const root = this.models.get(className)?.irecords[id];
    if (!root) return;
    root.load(attrs);
    const clone = root.clone();
    fire(clone, "update", { ...fromSync });
    fire(clone, "change", "update", { ...fromSync });
  }

  /**
   * A foreign key moved from `from` to a parent's server id: the record
   * objects the app created this record through point at the new id too.
   */
  repointKept(className: string, id: string, patch: Attrs, from: string): void {
    const root = this.models.get(className)?.irecords[id];
    for (const ref of (root && saved.get(aliasKey(className, root.cid))) || []) {
      const kept = ref.deref();
      if (!kept) continue;
      for (const [field, value] of Object.entries(patch)) if (String(kept[field]) === from) kept[field] = value;
    }
  }

  /** Adds a record the server sent (or a local one restored), firing create/change. */
  create(className: string, attrs: Attrs): void {
    const model = this.models.get(className);
    if (!model) return;
    if (model.irecords[attrs.id as string]) return this.update(className, attrs.id as string, attrs);
    const record = new model(attrs);
    record.save({ ...fromSync, validate: false });
  }

  destroy(className: string, id: string): void {
    const root = this.models.get(className)?.irecords[id];
    if (root) root.clone().destroy({ ...fromSync });
  }

  /**
   * Gives a record its server-assigned id: Spine's find works under the new
   * id, and the record objects the app called `save` on read it too. (Not
   * through Spine's changeID: Spine 1.2's saves, and the app's changeID is
   * the app's own change.)
   */
  changeId(className: string, oldId: string, newId: string): void {
    const model = this.models.get(className);
    const root = model?.irecords[oldId];
    if (!root || oldId === newId) return;
    model.irecords[newId] = root;
    if (root.cid !== oldId) delete model.irecords[oldId];
    root.id = newId;
    aliases.set(aliasKey(className, oldId), newId);
    const key = aliasKey(className, root.cid);
    for (const ref of saved.get(key) ?? []) {
      const kept = ref.deref();
      if (kept && String(kept.id) === oldId) kept.id = newId;
    }
    saved.delete(key);
    const clone = root.clone();
    fire(clone, "refresh", { ...fromSync });
    fire(clone, "change", "refresh", { ...fromSync });
  }

  /**
   * A record object the app kept from before its server id arrived, and
   * which atmos2 could not reach (e.g. a `dup(false)`), still carries the
   * old id: before Spine saves or destroys through it, point it at the
   * server id, so the change reaches the right record instead of making a
   * new one.
   */
  private followId(record: SpineRecord): void {
    const newId = this.serverId(record.constructor.className, record.id);
    if (newId) record.id = newId;
  }

  /**
   * Foreign keys copied from a parent object the app kept from before the
   * parent got its server id (`taskListID: list.id`) still hold the old id:
   * point them at the server id before Spine saves them.
   */
  private followKeys(record: SpineRecord, remoteKeys: Record<string, string>): void {
    for (const [field, target] of Object.entries(remoteKeys)) {
      const newId = this.serverId(target, record[field]);
      if (newId) record[field] = newId;
    }
  }

  /** A destroy took the record's cid out of Spine's index: the minted ids kept beside it go too. */
  private dropKept(record: SpineRecord): void {
    const key = aliasKey(record.constructor.className, record.cid);
    for (const id of keptInIndex.get(key) ?? []) delete record.constructor.irecords[id];
    keptInIndex.delete(key);
  }

  /**
   * A save, refresh or destroy through an object whose `changeID` Spine 1.6
   * left half done (see `movesLeft`): storage follows the id the record
   * goes by now.
   */
  private followMove(record: SpineRecord, hooks: HooksOf): void {
    if (!anyMoveLeft) return;
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
  private aimDestroy(record: SpineRecord): void {
    if (!anyMoveLeft) return;
    const removed = record.constructor.records?.find((r: SpineRecord) => r.cid === record.cid || (r.id && r.id === record.id));
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
  private legacyRefreshed(record: SpineRecord, hooks: HooksOf): void {
    const model = record.constructor;
    const root = model.irecords[record.id] ?? model.irecords[record.cid];
    if (!root) return;
    const shown = String(root.id);
    // The id it is kept under: an index key that still leads to it, its cid
    // last (Spine gives a record without an id its cid as id).
    const keys = Object.keys(model.irecords).filter((key) => model.irecords[key] === root && key !== shown);
    const stored = movesLeft.get(root) ?? keys.find((key) => key !== root.cid) ?? keys[0];
    if (stored !== undefined && stored !== shown) {
      movesLeft.set(root, shown);
      anyMoveLeft = true;
      // A minted first id stays in Spine's index beside the cid, as plain
      // Spine's first id (the cid itself) does, and leaves with it on destroy.
      if (minted.get(stored) === root.cid) {
        const key = aliasKey(model.className, root.cid);
        keptInIndex.set(key, [...(keptInIndex.get(key) ?? []), stored]);
      }
      hooks(false)?.idChanged(model.className, stored, shown);
    }
    hooks(false)?.refreshed(model.className, [root]);
  }

  /** Remembers the object the app creates a record through (clones follow their root by themselves). */
  private track(record: SpineRecord): void {
    const key = aliasKey(record.constructor.className, record.cid);
    const list = saved.get(key);
    if (list) list.push(holdWeakly(record));
    else saved.set(key, [holdWeakly(record)]);
  }

  /** The id a record has now, if `id` is one it had before (following every swap since). */
  private serverId(className: string, id: unknown): string | undefined {
    if (!aliases.size) return undefined;
    let current = aliases.get(aliasKey(className, id));
    for (let next = current; next; next = aliases.get(aliasKey(className, next))) current = next;
    return current;
  }

  /** Tells views that a record's sync state changed (`Task.bind("syncState", (record, state) => …)`). */
  notifySyncState(className: string, id: string, state: SyncState): void {
    const root = this.models.get(className)?.irecords[id];
    if (!root) return;
    // Synced under this id: the objects kept since the create need no new id.
    if (state === "synced") saved.delete(aliasKey(className, root.cid));
    fire(root.clone(), "syncState", state);
  }
}

/** The atmos2 options a model class carries, read as plain data. */
export interface ModelOptions {
  className: string;
  url?: string;
  attributes: string[];
  /** Foreign keys: attribute → class name of the record it points to. */
  remoteKeys: Record<string, string>;
  /** Defaults for every remote save (prepareData, updateFromData, success, error, …). */
  remoteSaveOptions: Record<string, any>;
  /** Never sent to a server. */
  local: boolean;
  /** Never cached locally; always sent. */
  remote: boolean;
  /** How `sync({ since: "auto" })` asks for changes only. */
  incremental: { param: string; field: string; params: Record<string, unknown> };
  resolveConflict?: (local: Record<string, unknown>, remote: Record<string, unknown>, base: Record<string, unknown> | undefined) => Record<string, unknown>;
}

const googleIncremental = { param: "updatedMin", field: "updated", params: { showDeleted: true, showHidden: true } };

export function modelOptions(model: SpineModel | undefined, className: string): ModelOptions {
  const url = typeof model?.url === "function" ? model.url() : model?.url;
  return {
    className,
    url: typeof url === "string" ? url : undefined,
    attributes: model?.attributes ?? [],
    remoteKeys: model?.remoteKeys ?? {},
    remoteSaveOptions: model?.remoteSaveOptions ?? {},
    local: model?.local === true,
    remote: model?.remote === true,
    // A model that sets its own incremental pull sends only the params it names.
    incremental: model?.incremental ? { ...googleIncremental, params: {}, ...model.incremental } : googleIncremental,
    resolveConflict: typeof model?.resolveConflict === "function" ? model.resolveConflict.bind(model) : undefined,
  };
}
