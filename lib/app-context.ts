import * as spineModule from "spine";
import { listen, listenCollections, wrapOnce } from "./app-context/spine-listeners";
import { watchRelations } from "./app-context/relation-keys";
import { detached } from "./app-context/detached";
import { knowRecordMethods } from "./app-context/record-methods";
import { aliases, aliasKey, fire, indexed, keepInIndex, minted, page, registerModel, registeredModels, saved, type HooksOf, type SpineModel, type SpineRecord } from "./app-context/spine-state";
import type { Attrs, PlainRecord, SyncState } from "./store/record-entry";

export type { HooksOf, ModelHooks, SpineModel, SpineRecord } from "./app-context/spine-state";
export { modelOptions, type ModelOptions } from "./app-context/model-options";

function findSpine(): any {
  const mod = spineModule as any;
  // The module itself (`default`) over the namespace, which can be a copy made at
  // import: what relation.js adds later (Spine.Collection) is only on the module.
  const fromModule = mod && (mod.default?.Model ? mod.default : mod);
  return fromModule?.Model ? fromModule : (globalThis as any).Spine;
}

/**
 * Every Spine on the page. There may be two: a bundle that brought the
 * spine package, next to the Spine a script tag loaded, which the app's
 * models may extend instead.
 */
function spines(): any[] {
  return Array.from(new Set([findSpine(), (globalThis as any).Spine])).filter((spine) => spine?.Model);
}

/**
 * The only code in atmos2 that touches Spine, with the files beside it in
 * app-context/ (the listeners it binds to extended models, the page state
 * they share, the options read from a model class). Everything else works
 * on plain records `{ className, id, attrs }`.
 *
 * Changes made here carry the option `{ atmos: true }` so that the
 * Atmosphere's own change listener knows they came from sync, not from the
 * user, and does not queue them to be sent back.
 */

/** Marks the object registered as Spine.Model.Atmosphere as atmos2's, whichever copy of atmos2 made it. */
const ATMOSPHERE: symbol = typeof Symbol == "function" ? Symbol.for("atmos2.Atmosphere") : ("atmos2:Atmosphere" as unknown as symbol);

/** Options that mark a Spine event as caused by atmos2 itself. */
export const fromSync = Object.freeze({ atmos: true });

export class AppContext {
  private models = registeredModels;

  /** Makes an extended model known to every Atmos instance and listens to its Spine events. */
  static extend(model: SpineModel, hooks: HooksOf): void {
    const app = new AppContext();
    app.register(model);
    listen(model, hooks);
    // Spine's relation.js (loaded before the models that use it) adds Spine.Collection.
    for (const spine of spines()) listenCollections(spine.Collection, hooks);
    // Spine's configure unbinds every listener: a model configured again
    // (with another attribute), or a subclass configured under its own name,
    // stays extended, as it was before.
    wrapOnce(model, "configure", (configure) =>
      function (this: SpineModel, ...args: unknown[]) {
        // Its deleteAll() empties Spine's memory, not the device: the stored records stay (sync() shows them again).
        page.configuring++;
        try {
          configure.apply(this, args);
        } finally {
          page.configuring--;
        }
        AppContext.extend(this, hooks);
        return this;
      },
    );
  }

  /**
   * Registers `Spine.Model.Atmosphere` on the Spine it finds (the spine
   * module, or globalThis.Spine). Without Spine, every later
   * `Model.extend(Spine.Model.Atmosphere)` would fail far from the cause.
   */
  static install(atmosphere: object): void {
    const spine = findSpine();
    if (!spine?.Model) throw new Error("atmos2: Spine was not found: load spine.js before atmos2.js (or install the \"spine\" package)");
    for (const each of spines()) installOn(each, atmosphere);
  }

  /** Makes a Spine model known by its class name. */
  register(model: SpineModel): void {
    if (!model || typeof model.className !== "string" || !model.className) {
      throw new Error("atmos2: extend a configured model: call Model.configure(\"Name\", ...attributes) before Model.extend(Spine.Model.Atmosphere)");
    }
    // Spine's load() would call the method instead of storing the value, and attributes() would send the method's answer.
    if (model.attributes?.includes("syncState")) {
      throw new Error(`atmos2: ${model.className} has an attribute named syncState, the name of the method Spine.Model.Atmosphere gives its records (record.syncState()): rename the attribute`);
    }
    registerModel(model);
  }

  model(className: string): SpineModel | undefined {
    return this.models.get(className);
  }

  classNames(): string[] {
    return Array.from(this.models.keys());
  }

  /** A Spine record as a plain record. */
  toPlain(record: SpineRecord): PlainRecord {
    // attributes() returns a fresh object: it is the plain record's own (no copy per save, unless it holds arrays or objects).
    const attrs = detached(record.attributes() as Attrs);
    const id = String(record.id);
    attrs.id = id;
    const plain: PlainRecord = { className: record.constructor.className, id, attrs };
    if (typeof record.id === "number") plain.numericId = true;
    return plain;
  }

  /**
   * The current Spine record (a clone, as Spine's find gives). One Spine
   * does not hold (e.g. destroyed) is made from `attrs` when given, a
   * record of its model not added to the collection; else null.
   */
  find(className: string, id: string, attrs?: Attrs): SpineRecord | null {
    const model = this.models.get(className);
    const root = model && indexed(model, id);
    return root ? root.clone() : model && attrs ? new model(attrs) : null;
  }

  exists(className: string, id: string): boolean {
    return !!this.root(className, id);
  }

  /** The record Spine keeps under `id` (its own, not a clone), if any. */
  private root(className: string, id: string): SpineRecord | undefined {
    const model = this.models.get(className);
    return model && indexed(model, id);
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
    page.ownRefresh++;
    try {
      const shown = model.refresh(
        list.map((attrs, i) => {
          const existing = indexed(model, attrs.id as string);
          if (!existing) return { ...detached(attrs) };
          existed.push(i);
          // And its id as Spine holds it: 100 refreshed as "100" would go
          // through Spine 1.6's changeID, which deletes the key it has just
          // written (the same key), and find(100) would give null.
          const id = String(existing.id) === String(attrs.id) ? existing.id : attrs.id;
          return { ...detached(attrs), cid: existing.cid, id };
        }),
        { ...fromSync },
      );
      // Spine hands back clones of the instances it was given: for a record
      // it already held, that is not the record it keeps (which it updated).
      for (const i of existed) shown[i] = irecords[list[i].id as string]?.clone() ?? shown[i];
      return shown;
    } finally {
      page.ownRefresh--;
    }
  }

  /**
   * Applies attributes the server sent to one record, firing update/change;
   * `refresh` for the answer to the app's own save, as Spine Ajax's
   * `record.refresh(answer)` fires.
   */
  update(className: string, id: string, attrs: Attrs, type: "update" | "refresh" = "update"): void {
    const root = this.root(className, id);
    if (!root) return;
    root.load(detached(attrs));
    fireChange(root, type);
  }

  /**
   * A foreign key moved from `from` to a parent's server id: the record
   * objects the app created this record through point at the new id too.
   */
  repointKept(className: string, id: string, patch: Attrs, from: string): void {
    const root = this.root(className, id);
    for (const ref of (root && saved.get(aliasKey(className, root.cid))) || []) {
      const kept = ref.deref();
      if (!kept) continue;
      for (const [field, value] of Object.entries(patch)) if (String(kept[field]) === from) kept[field] = value;
    }
  }

  /**
   * A record went back to other attributes than the app last saved (a
   * revert): the object of that record the app handed in holds them too, so
   * a later save through it sends no dropped edit. (Spine's own record and
   * its clones read them already; another object is the app's to refresh.)
   */
  loadInto(given: SpineRecord, className: string, id: string, attrs: Attrs): void {
    if (given !== this.root(className, id) && typeof given?.load == "function" && given.constructor.className === className && String(given.id) === id) given.load(detached(attrs));
  }

  /**
   * What storage held was wiped from outside (another tab cleared
   * localStorage, or deleted the IndexedDB database, as a sign-out may):
   * every model forgets its records as `Model.deleteAll()` makes it (their
   * unsent changes go too; one already out goes once answered), and views
   * hear a `refresh`. Written back instead, the last person's unsent
   * changes could go out with the next one's token.
   */
  forgetAll(): void {
    for (const model of new Set(this.models.values())) {
      model.deleteAll();
      model.trigger("refresh", [], { ...fromSync });
    }
  }

  /** Adds a record the server sent (or a local one restored), firing create/change. */
  create(className: string, attrs: Attrs): void {
    const model = this.models.get(className);
    if (!model) return;
    if (this.root(className, attrs.id as string)) return this.update(className, attrs.id as string, attrs);
    const record = new model(detached(attrs));
    record.save({ ...fromSync, validate: false });
  }

  destroy(className: string, id: string): void {
    const root = this.root(className, id);
    if (root) root.clone().destroy({ ...fromSync });
  }

  /**
   * Gives a record its server-assigned id: Spine's find works under the new
   * id, and the record objects the app called `save` on read it too. (Not
   * through Spine's changeID: Spine 1.2's saves, and the app's changeID is
   * the app's own change.)
   */
  changeId(className: string, oldId: string, newId: string, quiet?: boolean): void {
    const model = this.models.get(className);
    const root = model?.irecords[oldId];
    if (oldId === newId) return;
    // Followed even for a record not shown (destroyed while its create was
    // out): an app's undo saves it again with the id it had then.
    aliases.set(aliasKey(className, oldId), newId);
    // The id names this record now (a server that gives a deleted record's
    // id again): a record that left it earlier is not followed from it.
    aliases.delete(aliasKey(className, newId));
    if (!root) return;
    model.irecords[newId] = root;
    // A first id minted here stays in Spine's index beside the cid, as Spine
    // keeps a record's first id (its c-N) after changeID: a view that
    // rendered it still finds the record. It leaves with the cid on destroy.
    if (minted.get(oldId) === root.cid) keepInIndex(className, root.cid, oldId);
    else if (root.cid !== oldId) delete model.irecords[oldId];
    root.id = newId;
    const key = aliasKey(className, root.cid);
    for (const ref of saved.get(key) ?? []) {
      const kept = ref.deref();
      if (kept && String(kept.id) === oldId) kept.id = newId;
    }
    saved.delete(key);
    if (!quiet) fireChange(root, "refresh");
  }


  /** Tells views that a record's sync state changed (`Task.bind("syncState", (record, state) => …)`). */
  notifySyncState(className: string, id: string, state: SyncState): void {
    const root = this.root(className, id);
    if (!root) return;
    // Synced under this id: the objects kept since the create need no new id.
    if (state === "synced") saved.delete(aliasKey(className, root.cid));
    fire(root.clone(), "syncState", state);
  }
}

/**
 * Fires `type` and `change` on a clone of a Spine record, as Spine does for a
 * change it makes itself; an update then `save`, as Spine's own update does
 * (create() goes through Spine's save, which fires it).
 */
function fireChange(root: SpineRecord, type: "update" | "refresh"): void {
  const clone = root.clone();
  fire(clone, type, { ...fromSync });
  fire(clone, "change", type, { ...fromSync });
  if (type === "update") fire(clone, "save", { ...fromSync });
}

/** Registers `atmosphere` on one Spine (see AppContext.install). */
function installOn(spine: any, atmosphere: object): void {
  // Another copy of atmos2 registered itself on this Spine: each copy keeps
  // its own models and Atmos, so saves made through one are never sent by
  // the other, without a word. Said at once instead (a warning: a script
  // that loads the builds one after another on purpose still runs, the
  // last one registered, as before).
  const earlier = spine.Model.Atmosphere as Record<symbol, unknown> | undefined;
  if (earlier && earlier !== atmosphere && earlier[ATMOSPHERE]) {
    (globalThis as { console?: { warn(message: string): void } }).console?.warn(
      "atmos2: loaded twice on one Spine (as an ES module and as CommonJS, e.g. import \"atmos2\" in one file and require(\"atmos2\") or require(\"atmos2/live\") in another, in a bundle; or dist/atmos2.js next to a bundle that holds atmos2): each copy keeps its own models and Atmos, and models extended from now on use this one. Load it one way everywhere",
    );
  }
  (atmosphere as Record<symbol, unknown>)[ATMOSPHERE] = true;
  spine.Model.Atmosphere = atmosphere;
  // A server's field named after one of them must not reach load() (keepable.ts).
  knowRecordMethods(spine.Model.prototype);
  // Relations between extended models count as remoteKeys (app-context/relation-keys.ts).
  watchRelations(spine.Model);
}
