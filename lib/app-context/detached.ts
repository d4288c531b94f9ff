import type { Attrs } from "../store/record-entry";

/**
 * Attributes that share no array or object with Spine's records. Spine's
 * `attributes()`, `load()` and clones copy one level: an app that edits
 * `task.tags.push("b")` in place would also change the stored version a
 * save is compared with, and the edit would look like no change at all.
 * Records of plain values (the usual) are returned as they are, uncopied.
 */
export function detached(attrs: Attrs): Attrs {
  let copy: Attrs | undefined;
  for (const key in attrs) {
    const value = attrs[key];
    if (value !== null && typeof value === "object") (copy ??= { ...attrs })[key] = copied(value);
  }
  return copy ?? attrs;
}

/** A deep copy of arrays, plain objects and Dates; any other object (the app's own class) is kept as it is. */
function copied(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copied);
  if (value instanceof Date) return new Date(value.getTime());
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  // defineProperty: an own "__proto__" key (JSON.parse makes one) stays a key.
  for (const key of Object.keys(value)) Object.defineProperty(copy, key, { value: copied((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  return copy;
}
