import { registeredModels, sendsNothing, WRAPPED, type SpineModel } from "./spine-state";

/**
 * Spine's relations (spine/lib/relation.js: `hasMany`, `belongsTo`,
 * `hasOne`) as foreign keys: each one declared between two extended models
 * counts as a `remoteKeys` entry, so a child waits for its parent's server
 * id and then points at it, as one declared by hand does. Spine keeps no
 * record of a relation (only a closure on the prototype), so atmos2 notes
 * each declaration as it is made: it watches the three methods on
 * Spine.Model, whether relation.js loaded before atmos2 or after.
 */

type Kind = "hasMany" | "belongsTo" | "hasOne";

interface Relation {
  kind: Kind;
  /** The class the relation was declared on. */
  owner: SpineModel;
  /** The other model: a class, or the string relation.js looks up (`require`, then a global). */
  model: unknown;
  fkey: string;
}

const KINDS: Kind[] = ["hasMany", "belongsTo", "hasOne"];
/** Shared by every copy of atmos2 on one Spine, so the copy that watches first serves all. */
const NOTED: symbol = typeof Symbol == "function" ? Symbol.for("atmos2.relations") : ("atmos2:relations" as unknown as symbol);
/** What `relationKeys` gives a model without relations (one object: callers compare with it). */
export const noRelationKeys: Record<string, string> = Object.freeze({}) as Record<string, string>;

let noted: Relation[] = [];
let cache = new Map<string, Record<string, string>>();
/** What the cache was built from: the relations noted and the models extended, by count (both only grow). */
let cachedRelations = 0;
let cachedModels = 0;

/** Starts noting the relations declared on Spine's models (called once Spine is found). */
export function watchRelations(Model: SpineModel): void {
  // A second Spine on the page (app-context.ts: spines) notes into the same list.
  noted = Model[NOTED] ??= noted;
  if (Object.getOwnPropertyDescriptor(Model, KINDS[0])?.get) return;
  for (const kind of KINDS) {
    let current = noting(kind, Model[kind]);
    // relation.js adds them with Spine.Model.extend, an assignment: it meets the setter.
    Object.defineProperty(Model, kind, {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (method) => (current = noting(kind, method)),
    });
  }
}

function noting(kind: Kind, method: unknown): any {
  if (typeof method != "function" || (method as SpineModel)[WRAPPED]) return method;
  const relations = noted;
  return Object.assign(
    function (this: SpineModel, name: string, model: unknown, fkey?: string) {
      // eslint-disable-next-line prefer-rest-params -- relation.js's own arguments, as given
      const result = method.apply(this, arguments);
      relations.push({ kind, owner: this, model, fkey: fkey ?? defaultKey(kind, this, name) });
      return result;
    },
    { [WRAPPED]: true },
  );
}

/** relation.js's own naming: `album_id` for Album's hasMany and hasOne, and for `belongsTo("albums")`. */
function defaultKey(kind: Kind, owner: SpineModel, name: string): string {
  const base = kind == "belongsTo" ? String(name).replace(/s$/, "") : String(owner.className);
  const snake = base
    .replace(/::/g, "/")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z\d])([A-Z])/g, "$1_$2")
    .replace(/[-.]/g, "_")
    .toLowerCase();
  return `${snake}_id`;
}

/**
 * The foreign keys of `className` its relations declare (attribute →
 * class name), between extended models atmos2 sends (a parent it never
 * sends, local or sent by Spine Ajax, would keep a child waiting for good).
 */
export function relationKeys(className: string): Record<string, string> {
  if (!noted.length) return noRelationKeys;
  // Checked on every save: two numbers, no string made.
  if (noted.length !== cachedRelations || registeredModels.size !== cachedModels) {
    cache = new Map();
    cachedRelations = noted.length;
    cachedModels = registeredModels.size;
  }
  let keys = cache.get(className);
  if (!keys) {
    keys = {};
    for (const relation of noted) {
      const other = nameOf(relation.model);
      const [child, parent] = relation.kind == "belongsTo" ? [relation.owner.className, other] : [other, relation.owner.className];
      if (child === className && parent !== undefined && synced(parent) && synced(child)) keys[relation.fkey] = parent;
    }
    if (!Object.keys(keys).length) keys = noRelationKeys;
    cache.set(className, keys);
  }
  return keys;
}

/** An extended model's class name for a relation's model: the class, its class name, or a `require` path ending in it. */
function nameOf(model: unknown): string | undefined {
  if (typeof model == "function") return (model as SpineModel).className;
  if (typeof model != "string") return undefined;
  if (registeredModels.has(model)) return model;
  const base = model.split("/").pop()!.replace(/[-_.]/g, "").toLowerCase();
  for (const name of registeredModels.keys()) if (name.toLowerCase() === base) return name;
  return undefined;
}

function synced(className: string): boolean {
  const model = registeredModels.get(className);
  return !!model && !sendsNothing(model);
}
