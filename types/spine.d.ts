// Spine 1.2 and 1.6 ship no types. atmos2's entry types reference this file,
// so in a project that imports atmos2, `import Spine from "spine"` is typed:
// Spine's own surface (loose where Spine is dynamic), `Spine.Model.Atmosphere`
// and what it adds to a model. Attributes are declared on the model class
// (`declare title: string`), as a plain field would shadow Spine's.
declare module "spine" {
  import type { Atmosphere as AtmosphereMixin, RemoteKeys, SaveOptions, SyncOptions, SyncState } from "atmos2";

  type Callback = (...args: any[]) => unknown;
  type Attributes = Record<string, unknown>;

  class Events {
    bind(ev: string, callback: Callback): this;
    one(ev: string, callback: Callback): this;
    trigger(ev: string, ...args: unknown[]): unknown;
    unbind(ev?: string, callback?: Callback): this;
    on(ev: string, callback: Callback): this;
    off(ev?: string, callback?: Callback): this;
    listenTo(obj: unknown, ev: string, callback: Callback): this;
    stopListening(obj?: unknown, ev?: string, callback?: Callback): this;
  }

  class Module extends Events {
    static include(obj: object): unknown;
    static extend(obj: object): unknown;
    static proxy<F extends Callback>(fn: F): F;
    proxy<F extends Callback>(fn: F): F;
  }

  /**
   * An id as Spine takes it: text (atmos2's own ids, and what it reads back
   * from storage), or a number an app gave (a Rails page's JSON).
   */
  type RecordId = string | number;

  class Model extends Module {
    static className: string;
    static attributes: string[];
    static records: Model[];
    static irecords: Record<string, Model>;
    static idCounter: number;
    static url?: string | (() => string);
    static configure(name: string, ...attributes: string[]): typeof Model;
    /** Spine 1.6 returns `notFound(id)` (null) for an id it does not hold, 1.2 throws: ask `exists(id)` first. */
    static find<T extends Model>(this: ModelClass<T>, id: RecordId, notFound?: (id: RecordId) => T | null): T;
    static exists(id: RecordId): boolean;
    static all<T extends Model>(this: ModelClass<T>): T[];
    static select<T extends Model>(this: ModelClass<T>, fn: (r: T) => boolean): T[];
    static findByAttribute<T extends Model>(this: ModelClass<T>, name: string, value: unknown): T | null;
    static findAllByAttribute<T extends Model>(this: ModelClass<T>, name: string, value: unknown): T[];
    static count(): number;
    static first<T extends Model>(this: ModelClass<T>): T | undefined;
    static last<T extends Model>(this: ModelClass<T>): T | undefined;
    static each(fn: (r: Model) => void): void;
    static findAll<T extends Model>(this: ModelClass<T>, ids: RecordId[], notFound?: (id: RecordId) => T | null): T[];
    static notFound(id: RecordId): unknown;
    static slice<T extends Model>(this: ModelClass<T>, begin?: number, end?: number): T[];
    /** The records loaded (clones); `{ clear: true }` empties the model first. */
    static refresh<T extends Model>(this: ModelClass<T>, values: unknown, options?: Attributes): T[];
    static create<T extends Model>(this: ModelClass<T>, atts?: Attributes, options?: SaveOptions<T>): T | false;
    /** `Model.find(id).updateAttributes(atts, options)`. */
    static update<T extends Model>(this: ModelClass<T>, id: RecordId, atts: Attributes, options?: SaveOptions<T>): T | false;
    /** Destroys the record with this id, if the model holds it. */
    static destroy<T extends Model>(this: ModelClass<T>, id: RecordId, options?: SaveOptions<T>): T | undefined;
    /** With a function: binds it to "fetch"; else triggers "fetch" with the arguments (Spine's; atmos2's pull is `sync`). */
    static fetch(callbackOrParams?: Callback | Attributes): unknown;
    static toJSON(): Model[];
    static destroyAll(options?: Attributes): void;
    static deleteAll(): void;
    static fromJSON(objects: unknown): Model | Model[];
    static uid(prefix?: string): string;
    static uuid?: () => string;
    /** A model's callbacks get what `ModelEvents` names for one event; several at once ("create update") get them loose. Returns the model. */
    static bind<T extends Model, E extends keyof ModelEvents<T>>(this: ModelClass<T>, ev: E, callback: (...args: ModelEvents<T>[E]) => unknown): ModelClass<T>;
    static bind<T extends Model>(this: ModelClass<T>, ev: string, callback: Callback): ModelClass<T>;
    static one<T extends Model, E extends keyof ModelEvents<T>>(this: ModelClass<T>, ev: E, callback: (...args: ModelEvents<T>[E]) => unknown): ModelClass<T>;
    static one<T extends Model>(this: ModelClass<T>, ev: string, callback: Callback): ModelClass<T>;
    static unbind<T extends Model>(this: ModelClass<T>, ev?: string, callback?: Callback): ModelClass<T>;
    static trigger(ev: string, ...args: unknown[]): unknown;
    static on<T extends Model, E extends keyof ModelEvents<T>>(this: ModelClass<T>, ev: E, callback: (...args: ModelEvents<T>[E]) => unknown): ModelClass<T>;
    static on<T extends Model>(this: ModelClass<T>, ev: string, callback: Callback): ModelClass<T>;
    static off<T extends Model>(this: ModelClass<T>, ev?: string, callback?: Callback): ModelClass<T>;
    static change(callback: Callback): unknown;
    static comparator?: (a: Model, b: Model) => number;
    static sort(): unknown;
    // Added by spine/lib/relation (`import "spine/lib/relation"` before the models use them).
    /** `Album.hasMany("photos", Photo)`: `album.photos()`; the foreign key defaults to `album_id`. */
    static hasMany(name: string, model: typeof Model | string, fkey?: string): unknown;
    /** `Photo.belongsTo("album", Album)`: `photo.album()`; the foreign key defaults to `album_id`. */
    static belongsTo(name: string, model: typeof Model | string, fkey?: string): unknown;
    /** `User.hasOne("profile", Profile)`: `user.profile()`. */
    static hasOne(name: string, model: typeof Model | string, fkey?: string): unknown;

    // Added by `Model.extend(Spine.Model.Atmosphere)` (call it after configure).
    /** Local records (refresh); with `{ remote: true }` then the server's, merged. */
    static sync<T extends Model>(this: ModelClass<T>, options?: SyncOptions<T>): Promise<T[]>;
    /** Sends every unsent change of this model. */
    static push(): Promise<void>;
    /** Records with unsent changes. */
    static dirty<T extends Model>(this: ModelClass<T>): T[];
    /** Remote ids deleted locally and not yet deleted on the server. */
    static destroyedIds(): string[];
    // Settings atmos2 reads from the model class.
    /** Foreign keys that follow a server-assigned id: `{ taskListID: "List" }`. */
    static remoteKeys?: RemoteKeys;
    /** Default options of every remote save. */
    static remoteSaveOptions?: SaveOptions;
    /** The REST collection name live changes use (default: the class name's plural). */
    static collection?: string;
    /** Never sent to a server. */
    static local?: boolean;
    /** Never cached locally; always sent. */
    static remote?: boolean;
    /**
     * Shapes every record the server sends (a pulled page's, a save's answer,
     * a live change's) before it is stored: fills in what the body leaves out
     * (a foreign key from a link, `null` for a field Google omits when empty).
     * Return the attributes to store, or change them in place and return nothing.
     */
    static fromRemote?(attrs: Attributes): Attributes | void;
    /** Merges a pulled record with unsent local edits (default: local fields win). */
    static resolveConflict?(local: Attributes, remote: Attributes, base: Attributes | undefined): Attributes;
    /** How `sync({ since: "auto" })` asks for changes only. */
    static incremental?: { param?: string; field?: string; params?: Attributes };

    constructor(atts?: Attributes);
    id: string;
    cid: string;
    destroyed?: boolean;
    isNew(): boolean;
    isValid(): boolean;
    validate(): string | void;
    load(atts: Attributes): this;
    attributes(): Attributes;
    eql(rec: Model): boolean;
    /** `{ remote: true }` also sends the change to the server. */
    save(options?: SaveOptions<this>): this | false;
    updateAttribute(name: string, value: unknown, options?: SaveOptions<this>): this | false;
    updateAttributes(atts: Attributes, options?: SaveOptions<this>): this | false;
    changeID(id: RecordId): void;
    /** `{ remote: true }` also deletes on the server. */
    destroy(options?: SaveOptions<this>): this;
    dup(newRecord?: boolean): this;
    clone(): this;
    reload(): this;
    refresh(atts: Attributes): this;
    exists(): boolean;
    toJSON(): Attributes;
    /** Added by Spine.Model.Atmosphere: "local" | "pending" | "synced" | "failed". */
    syncState(): SyncState;
  }

  // A namespace merged with the exported const, so that an app can augment it
  // (`declare module "spine"` cannot add to a module whose export is a plain const).
  namespace Spine {
    /**
     * The mixins on `Spine.Model`, named so that a misspelt one is a compile
     * error rather than an `extend(undefined)` at run time. Declare one of your
     * own by merging: `declare module "spine" { interface ModelPlugins { Mine: object } }`.
     */
    interface ModelPlugins {
      Atmosphere: typeof AtmosphereMixin;
      /** Spine's ajax.js. */
      Ajax: object;
      /** Spine's local.js. */
      Local: object;
      /** ajax.js's base URL of every model. */
      host: string;
    }
  }

  type ModelClass<T extends Model = Model> = (new (atts?: Attributes) => T) & typeof Model;

  /** What Spine passes a model's callbacks, by event name (Spine 1.6 and 1.2 alike). */
  interface ModelEvents<T> {
    create: [record: T, options: Attributes];
    update: [record: T, options: Attributes];
    save: [record: T, options: Attributes];
    destroy: [record: T, options: Attributes];
    beforeCreate: [record: T, options: Attributes];
    beforeUpdate: [record: T, options: Attributes];
    beforeSave: [record: T, options: Attributes];
    beforeDestroy: [record: T, options: Attributes];
    /** `"refresh"`: one record's `refresh(atts)`; a model's refresh is its own event. */
    change: [record: T, type: "create" | "update" | "destroy" | "refresh", options: Attributes | undefined];
    /** The records loaded (clones). */
    refresh: [records: T[], options: Attributes];
    /** What `validate()` returned: the record was not saved. */
    error: [record: T, error: unknown];
    /** Added by Spine.Model.Atmosphere: a record's `syncState()` changed. */
    syncState: [record: T, state: SyncState];
  }

  class Controller extends Module {
    constructor(options?: Attributes);
    el: any;
    $el?: any;
    events?: Record<string, string>;
    elements?: Record<string, string>;
    tag: string;
    className?: string;
    html(element: unknown): unknown;
    append(...elements: unknown[]): unknown;
    replace(element: unknown): unknown;
    release(callback?: Callback): unknown;
    delay(fn: Callback, timeout?: number): unknown;
    [name: string]: any;
  }

  const Spine: {
    $: any;
    version: string;
    Events: any;
    Module: typeof Module;
    /** `Spine.Model.Atmosphere` is registered by loading atmos2; `Ajax`, `Local`... by their own files. */
    Model: typeof Model & Spine.ModelPlugins;
    Controller: typeof Controller;
    [name: string]: any;
  };
  export = Spine;
}
