import * as spineModule from "spine";
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

/**
 * Extended models, shared by every Atmos instance: a model is extended once
 * at load time, while tests and reloads create new Atmos instances.
 */
const registeredModels = new Map<string, SpineModel>();

export class AppContext {
  private models = registeredModels;
  /** Old local id → server id, for record objects the app still holds with an old id. */
  private aliases = new Map<string, string>();

  /** Makes an extended model known to every Atmos instance. */
  static registerModel(model: SpineModel): void {
    new AppContext().register(model);
  }

  /** Registers `Spine.Model.Atmosphere` on the Spine it finds (the spine module, or globalThis.Spine). */
  static install(atmosphere: object): void {
    const spine = findSpine();
    if (spine?.Model) spine.Model.Atmosphere = atmosphere;
  }

  /** Makes a Spine model known by its class name. */
  register(model: SpineModel): void {
    if (!model || typeof model.className !== "string" || !model.className) {
      throw new Error("atmos2: extend a configured model: call Model.configure(\"Name\", ...attributes) before Model.extend(Spine.Model.Atmosphere)");
    }
    this.models.set(model.className, model);
  }

  model(className: string): SpineModel | undefined {
    return this.models.get(className);
  }

  /** The registered model whose class name or REST collection name is `name`. */
  modelByCollection(name: string, collectionOf: (className: string) => string): SpineModel | undefined {
    if (this.models.has(name)) return this.models.get(name);
    for (const model of this.models.values()) {
      if (model.collection === name || collectionOf(model.className) === name) return model;
    }
    return undefined;
  }

  classNames(): string[] {
    return Array.from(this.models.keys());
  }

  /** A Spine record as a plain record. */
  toPlain(record: SpineRecord): PlainRecord {
    const attrs = record.attributes() as Attrs;
    return { className: record.constructor.className, id: String(record.id), attrs: { ...attrs, id: String(record.id) } };
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
   */
  refresh(className: string, list: Attrs[]): SpineRecord[] {
    const model = this.models.get(className);
    if (!model) return [];
    // Keep each existing record's cid: Spine's refresh copies the incoming
    // instance's fresh cid over it, and find(cid) would stop working.
    const irecords = model.irecords;
    return model.refresh(
      list.map((attrs) => {
        const existing = irecords[attrs.id as string];
        return existing ? { ...attrs, cid: existing.cid } : { ...attrs };
      }),
      { ...fromSync },
    );
  }

  /** Applies attributes the server sent to one record, firing update/change. */
  update(className: string, id: string, attrs: Attrs): void {
    const model = this.models.get(className);
    const root = model?.irecords[id];
    if (!root) return;
    root.load(attrs);
    const clone = root.clone();
    clone.trigger("update", clone, { ...fromSync });
    clone.trigger("change", clone, "update", { ...fromSync });
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
   * Gives a record its server-assigned id. Spine's find keeps working under
   * the new id; the old id keeps resolving too, for views that still hold it.
   */
  changeId(className: string, oldId: string, newId: string): void {
    const model = this.models.get(className);
    const root = model?.irecords[oldId];
    if (!root || oldId === newId) return;
    root.changeID(newId);
    this.aliases.set(`${className}\u0000${oldId}`, newId);
    const clone = root.clone();
    clone.trigger("refresh", clone);
    clone.trigger("change", clone, "refresh", { ...fromSync });
  }

  /**
   * A record object the app kept from before its server id arrived (e.g. the
   * `task` it called `save` on) still carries the old id, and Spine's save
   * copies that id back onto the stored record. Put the server id back on
   * both, so the change is an update of the right record, not a new one.
   */
  followId(record: SpineRecord, type: string): void {
    const className = record.constructor.className;
    const newId = this.serverId(className, record.id);
    if (!newId) return;
    const model = this.models.get(className);
    const oldId = record.id;
    const root = model?.irecords[newId];
    record.id = newId;
    if (!root) return;
    root.id = newId;
    if (type === "destroy") {
      delete model.irecords[newId];
      delete model.irecords[oldId];
    }
  }

  /**
   * Foreign keys copied from a parent object the app kept from before the
   * parent got its server id (`taskListID: list.id`) still hold the old id,
   * and Spine's save writes them back: point them at the server id, so the
   * request goes to the parent the server knows.
   */
  followKeys(record: SpineRecord, remoteKeys: Record<string, string>): void {
    const root = this.models.get(record.constructor.className)?.irecords[record.id];
    for (const [field, target] of Object.entries(remoteKeys)) {
      const newId = this.serverId(target, record[field]);
      if (!newId) continue;
      record[field] = newId;
      if (root) root[field] = newId;
    }
  }

  /** The id a record has now, if `id` is one it had before (following every swap since). */
  private serverId(className: string, id: unknown): string | undefined {
    let current = this.aliases.get(`${className}\u0000${id}`);
    for (let next = current; next; next = this.aliases.get(`${className}\u0000${next}`)) current = next;
    return current;
  }

  /** Tells views that a record's sync state changed (`Task.bind("syncState", (record, state) => …)`). */
  notifySyncState(className: string, id: string, state: SyncState): void {
    const root = this.models.get(className)?.irecords[id];
    if (!root) return;
    const clone = root.clone();
    clone.trigger("syncState", clone, state);
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
  /** Derives what a live update's body leaves out (e.g. a foreign key from a selfLink). */
  fromRemote?: (attrs: Record<string, unknown>) => Record<string, unknown>;
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
    fromRemote: typeof model?.fromRemote === "function" ? model.fromRemote.bind(model) : undefined,
  };
}
