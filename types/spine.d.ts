// Spine 1.6 ships no types. This declares the part of its surface that atmos2
// and the example use; it is deliberately loose where Spine is dynamic.
declare module "spine" {
  type Callback = (...args: any[]) => unknown;

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

  class Model extends Module {
    static className: string;
    static attributes: string[];
    static records: Model[];
    static irecords: Record<string, Model>;
    static url?: string | (() => string);
    static configure(name: string, ...attributes: string[]): typeof Model;
    static find<T extends Model>(this: ModelClass<T>, id: string, notFound?: (id: string) => T | null): T;
    static exists(id: string): boolean;
    static all<T extends Model>(this: ModelClass<T>): T[];
    static select<T extends Model>(this: ModelClass<T>, fn: (r: T) => boolean): T[];
    static findByAttribute<T extends Model>(this: ModelClass<T>, name: string, value: unknown): T | null;
    static findAllByAttribute<T extends Model>(this: ModelClass<T>, name: string, value: unknown): T[];
    static count(): number;
    static first<T extends Model>(this: ModelClass<T>): T | undefined;
    static last<T extends Model>(this: ModelClass<T>): T | undefined;
    static each(fn: (r: Model) => void): void;
    static refresh(values: unknown, options?: Record<string, unknown>): Model[];
    static create<T extends Model>(this: ModelClass<T>, atts?: Record<string, unknown>, options?: Record<string, unknown>): T | false;
    static destroyAll(options?: Record<string, unknown>): void;
    static deleteAll(): void;
    static fromJSON(objects: unknown): Model | Model[];
    static uid(prefix?: string): string;
    static uuid?: () => string;
    static bind(ev: string, callback: Callback): unknown;
    static one(ev: string, callback: Callback): unknown;
    static unbind(ev?: string, callback?: Callback): unknown;
    static trigger(ev: string, ...args: unknown[]): unknown;
    static on(ev: string, callback: Callback): unknown;
    static off(ev?: string, callback?: Callback): unknown;
    static change(callback: Callback): unknown;
    static comparator?: (a: Model, b: Model) => number;
    static sort(): unknown;
    constructor(atts?: Record<string, unknown>);
    id: string;
    cid: string;
    destroyed?: boolean;
    isNew(): boolean;
    isValid(): boolean;
    validate(): string | void;
    load(atts: Record<string, unknown>): this;
    attributes(): Record<string, unknown>;
    eql(rec: Model): boolean;
    save(options?: Record<string, unknown>): this | false;
    updateAttribute(name: string, value: unknown, options?: Record<string, unknown>): this | false;
    updateAttributes(atts: Record<string, unknown>, options?: Record<string, unknown>): this | false;
    changeID(id: string): void;
    destroy(options?: Record<string, unknown>): this;
    dup(newRecord?: boolean): this;
    clone(): this;
    reload(): this;
    refresh(atts: Record<string, unknown>): this;
    exists(): boolean;
    toJSON(): Record<string, unknown>;
    [attribute: string]: any;
  }

  type ModelClass<T extends Model = Model> = (new (atts?: Record<string, unknown>) => T) & typeof Model;

  class Controller extends Module {
    constructor(options?: Record<string, unknown>);
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
    Model: typeof Model & { Atmosphere?: unknown; [name: string]: any };
    Controller: typeof Controller;
    [name: string]: any;
  };
  export = Spine;
}
