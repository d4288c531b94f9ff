/**
 * The methods Spine gives every record (Spine.Model.prototype, the events
 * mixed into it): AppContext.install names them, from the Spine it found.
 */
let spineRecord: Record<string, unknown> | undefined;

export function knowRecordMethods(prototype: Record<string, unknown>): void {
  spineRecord = prototype;
}

/**
 * The field of `attrs` Spine's `load()` would run as a record method that
 * changes something (`record[field](value)`), if one would: from a server,
 * "destroy" deleted the record here and at the server, "changeID" moved it
 * onto another record's id, "updateAttributes" sent the server's values
 * back with the user's token. Spine's own methods count, overridden by the
 * app or not; a method of the app's own model (a setter for a field, as
 * Spine allows) is the app's to have called. A method that only answers
 * (`attributes`, `validate`, `clone`: many servers send an "attributes"
 * field) changes nothing when called: its field is left out of the record,
 * as Spine leaves it, and the record is kept.
 */
export function spineMethodIn(attrs: object): string | undefined {
  const methods = spineRecord;
  if (!methods) return undefined;
  // ("constructor" is refused before: keepable.ts.)
  for (const field in attrs) if (typeof methods[field] === "function" && !ANSWERS_ONLY.has(field)) return field;
  return undefined;
}

/** Record methods (Spine's, and every object's) that change nothing when `load()` calls them with a value. */
const ANSWERS_ONLY = new Set(["attributes", "validate", "isValid", "isNew", "exists", "eql", "dup", "clone", "toJSON", "toString", "proxy", "stripCloneAttrs", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "valueOf", "__lookupGetter__", "__lookupSetter__"]);
