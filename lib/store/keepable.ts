import { spineMethodIn } from "../app-context/record-methods";
import { hasOwn } from "./record-entry";

/**
 * Why a record from a server (a pull, a live change) could not be kept as a
 * Spine record, if it could not: its id (`unkeepableId`) or its fields
 * (`unkeepableFields`). Checked before anything of the record is stored.
 */
export function unkeepable(id: unknown, attrs: object): string | undefined {
  return unkeepableId(id) ?? unkeepableFields(attrs);
}

/**
 * Spine indexes records in plain objects, so an id such as "toString" or
 * "__proto__" breaks the model's index (every later `all()` throws, after a
 * reload too); an id that is an object would be stored as "[object Object]",
 * one record for all of them; and "." or ".." in a route's path are steps up
 * it (fetch's URL parser takes %2e too): an edit of ".." went to the
 * collection's parent.
 */
export function unkeepableId(id: unknown): string | undefined {
  if (typeof id != "string" && !(typeof id == "number" && isFinite(id))) return `an id that is not a string or a number (${shown(id)})`;
  if (String(id) in Object.prototype) return `the id "${String(id)}", which Spine cannot index: every object has a "${String(id)}"`;
  if (id === "." || id === "..") return `the id "${id}", which a URL reads as a step up the path: a request for it would reach another address`;
  return undefined;
}

/**
 * Spine loads each field onto the record: a field "__proto__" or
 * "constructor" breaks the record, one named after a record method that
 * changes something is run, not kept (record-methods.ts), and one nested
 * too deep cannot be written to any storage.
 */
export function unkeepableFields(attrs: object): string | undefined {
  for (const field of FIELDS_NO_RECORD_HOLDS) if (hasOwn.call(attrs, field)) return `a field "${field}", which a Spine record cannot hold`;
  const method = spineMethodIn(attrs);
  if (method) return `a field "${method}", which Spine would run as the record's ${method}() method instead of keeping it`;
  const deep = nestedPast(attrs, MAX_DEPTH);
  if (deep) return `a field "${deep}" nested more than ${MAX_DEPTH} levels deep, which no storage could write (JSON.stringify overflows)`;
  return undefined;
}

/** Levels of objects and arrays a record may nest: JSON.parse takes 100,000, JSON.stringify's stack does not. */
const MAX_DEPTH = 1000;

/** The field of `attrs` whose value nests past `limit` levels, if one does; walked without recursion. */
function nestedPast(attrs: object, limit: number): string | undefined {
  for (const field in attrs) {
    const top = (attrs as Record<string, unknown>)[field];
    // Most fields hold no object: nothing to walk, nothing to allocate.
    if (!top || typeof top != "object") continue;
    const stack: Array<[unknown, number]> = [[top, 1]];
    while (stack.length) {
      const [value, depth] = stack.pop()!;
      if (!value || typeof value != "object") continue;
      if (depth > limit) return field;
      for (const key in value) stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return undefined;
}

const FIELDS_NO_RECORD_HOLDS = ["__proto__", "constructor"];

/** A value as a message shows it: JSON where it can be (a BigInt or a cycle cannot), else its type. */
export function shown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
}
