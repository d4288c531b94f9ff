/**
 * The methods Spine gives every record (Spine.Model.prototype, the events
 * mixed into it): AppContext.install names them, from the Spine it found.
 */
let spineRecord: Record<string, unknown> | undefined;

export function knowRecordMethods(prototype: Record<string, unknown>): void {
  spineRecord = prototype;
}

/**
 * The field of `attrs` Spine's `load()` would run as a record method
 * (`record[field](value)`) instead of keeping it, if one would: from a
 * server, "destroy" deleted the record here and at the server, "changeID"
 * moved it onto another record's id, "updateAttributes" sent the server's
 * values back with the user's token. Spine's own methods and the one the
 * Atmosphere gives (syncState) count, overridden by the app or not; a
 * method of the app's own model (a setter for a field, as Spine allows) is
 * the app's to have called.
 */
export function spineMethodIn(attrs: object): string | undefined {
  const methods = spineRecord;
  if (!methods) return undefined;
  for (const field in attrs) if (field === "syncState" || (field !== "constructor" && typeof methods[field] === "function")) return field;
  return undefined;
}
