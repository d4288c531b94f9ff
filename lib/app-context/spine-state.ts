// The state the Spine side of atmos2 keeps for the page, shared by
// AppContext (../app-context.ts) and the listeners it binds to extended
// models (./spine-listeners.ts): record objects, ids and index entries
// that Spine itself does not track.

/** A Spine model class or record: Spine ships no types atmos2 could rely on. */
export type SpineModel = any;
export type SpineRecord = any;

/** What a model's Spine events tell the Atmos instance (see `AppContext.extend`). */
export interface ModelHooks {
  /** The app created, updated or destroyed a record. */
  changed(record: SpineRecord, type: "create" | "update" | "destroy", options: Record<string, unknown>): void;
  /** The app loaded records from outside (`Model.refresh`, `record.refresh`): keep them as they are now. */
  refreshed(className: string, records: SpineRecord[]): void;
  /** The app called `changeID`. */
  idChanged(className: string, oldId: string, newId: string): void;
  /** The app called `Model.deleteAll()` (Spine fires no event for it). */
  cleared(className: string, ids: string[], everything?: boolean): void;
  /** The id the record that left `id` for its server id has now, as stored (so known after a reload too). */
  movedTo?(className: string, id: string): string | undefined;
}

/**
 * The Atmos instance that keeps a model's changes. A save starts one when
 * none was made yet (`start`); `deleteAll()`, `refresh()` and `changeID()`
 * with none running change only Spine's memory, as an app resetting its
 * models before atmos2 starts (or after `close()`) expects. After `close()`
 * a save does too, unless it would be sent: that throws (atmosphere.ts).
 */
export type HooksOf = (start: boolean) => ModelHooks | undefined;

/** Counters and switches of the page (an object, so every module sees one value). */
export const page = {
  /** Depth of atmos2's own refreshes, whose `refresh` events are not the app's. */
  ownRefresh: 0,
  /** Depth of Spine's `configure` calls on extended models: the deleteAll() inside one only empties Spine's memory. */
  configuring: 0,
  /** Whether any changeID reached a Spine record on this page (until then, saves skip `followMove`). */
  anyMoveLeft: false,
};

/**
 * Extended models, shared by every Atmos instance: a model is extended once
 * at load time, while tests and reloads create new Atmos instances.
 */
export const registeredModels = new Map<string, SpineModel>();
const extendedModels = new WeakSet<SpineModel>();

/** Makes an extended model the one its class name stands for. */
export function registerModel(model: SpineModel): void {
  extendedModels.add(model);
  registeredModels.set(model.className, model);
}

/**
 * Two extended classes may share a class name (each file of a test suite
 * declaring its own `Task`, or a model defined again after a hot reload):
 * the one the app used last is the one records are shown in and answers
 * go to. Called where the app uses a model: its saves, destroys and class
 * methods. Whether the class name is an extended model's.
 */
export function useModel(model: SpineModel): boolean {
  if (extendedModels.has(model) && registeredModels.get(model.className) !== model) registeredModels.set(model.className, model);
  return registeredModels.has(model.className);
}
/**
 * Whether atmos2 sends nothing of a model's: `local` models, and models
 * Spine Ajax sends (extended with Spine.Model.Ajax too, see call-options.ts).
 */
export function sendsNothing(model: SpineModel | undefined): boolean {
  return model?.local === true || typeof model?.ajaxChange == "function";
}
/** Old local id → server id, for record objects the app still holds with an old id. */
export const aliases = new Map<string, string>();
/**
 * Record objects the app called `save` on, by class and `cid`, until their
 * record is synced: when the server assigns an id, each one reads it too.
 */
export const saved = new Map<string, Array<{ deref(): SpineRecord | undefined }>>();
export const holdWeakly = (record: SpineRecord) =>
  typeof WeakRef === "function" ? new WeakRef(record) : { deref: () => record };

/** cids inside an app's `changeID` (Spine 1.2's calls `save()`, which is not a user edit). */
export const changingId = new Set<string>();
/**
 * Spine 1.6's `changeID` on a clone or a kept object moves that object only
 * (and indexes the record under the new id too): Spine's own record is still
 * shown under its id, and storage keeps it there, until a save or refresh
 * through the object loads the new id into it, or a destroy through it
 * removes it. For each Spine record an app's `changeID` reached: the id
 * storage keeps it under.
 */
export const movesLeft = new WeakMap<object, string>();
/** Storage now keeps `root` under `id` (and saves start looking for half-done moves). */
export function noteMove(root: object, id: string): void {
  movesLeft.set(root, id);
  page.anyMoveLeft = true;
}
/** Objects being destroyed whose record is kept under another id than theirs (see `aimDestroy`). */
export const destroyingAs = new WeakMap<object, string>();
/** The object a destroy is kept for: itself, or a stand-in with the id its record is kept under. */
export function destroyedAs(record: SpineRecord): SpineRecord {
  const id = destroyingAs.get(record);
  if (id === undefined) return record;
  destroyingAs.delete(record);
  const standIn = Object.create(record);
  standIn.id = id;
  return standIn;
}

/**
 * Ids minted on this page (UUIDs, so one map serves every class) → the cid
 * of the record minted for. Plain Spine would have given that record its
 * cid as id, which Spine's index does not forget (see the changeID wrapper).
 */
export const minted = new Map<string, string>();
/** Class and cid → the minted ids kept in Spine's index for it; Spine drops them with the cid. */
export const keptInIndex = new Map<string, string[]>();
/** Remembers a minted id kept in Spine's index beside `cid`, to drop with it. */
export function keepInIndex(className: string, cid: string, id: string): void {
  const key = aliasKey(className, cid);
  keptInIndex.set(key, [...(keptInIndex.get(key) ?? []), id]);
}
/**
 * The record Spine's index keeps under `id`, unless `id` is only a first id
 * kept there for the app's `find` (the record goes by another now): sync
 * code asking for that id asks for a record no longer under it.
 */
export function indexed(model: SpineModel, id: string): SpineRecord | undefined {
  const root = model.irecords[id];
  if (root && String(root.id) !== id && keptInIndex.get(aliasKey(model.className, root.cid))?.includes(id)) return undefined;
  return root;
}

/**
 * Forgets what this page learned of its records' ids (old ids followed,
 * ids minted, objects waiting for a server id), as a new page starts with
 * none: for a test that runs many pages in one process, with Spine's
 * memory emptied (the extended models stay extended).
 */
export function forgetPage(): void {
  aliases.clear();
  saved.clear();
  minted.clear();
  keptInIndex.clear();
  changingId.clear();
  page.anyMoveLeft = false;
}

/** Marks Spine methods atmos2 wrapped, so they are wrapped once. */
export const WRAPPED = "__atmos2";

export const aliasKey = (className: string, id: unknown) => `${className}\u0000${id}`;

const legacyTriggers = new Map<unknown, boolean>();

/**
 * Triggers a Spine event on a record. Spine 1.6's `record.trigger(name,
 * ...args)` passes the arguments on as given (so the record comes first);
 * Spine 1.2's puts the record in front itself.
 */
export function fire(record: SpineRecord, name: string, ...args: unknown[]): void {
  if (isLegacy(record)) record.trigger(name, ...args);
  else record.trigger(name, record, ...args);
}

/** Whether a record is Spine 1.2's (its trigger puts the record in front of the arguments). */
export function isLegacy(record: SpineRecord): boolean {
  const trigger = record.trigger;
  let legacy = legacyTriggers.get(trigger);
  if (legacy === undefined) legacyTriggers.set(trigger, (legacy = /splice\(1,\s*0,\s*this\)/.test(String(trigger))));
  return legacy;
}
