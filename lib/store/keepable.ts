import { hasOwn } from "./record-entry";

/**
 * Why a record from a server (a pull, a live change) could not be kept as a
 * Spine record, if it could not: Spine indexes records in plain objects and
 * loads each field onto the record, so an id such as "toString" or
 * "__proto__" breaks the model's index (every later `all()` throws, after a
 * reload too), and a field "__proto__" or "constructor" breaks the record.
 * An id that is an object would be stored as "[object Object]", one record
 * for all of them. Checked before anything of the record is stored.
 */
export function unkeepable(id: unknown, attrs: object): string | undefined {
  if (typeof id != "string" && !(typeof id == "number" && isFinite(id))) return `an id that is not a string or a number (${shown(id)})`;
  if (String(id) in Object.prototype) return `the id "${String(id)}", which Spine cannot index: every object has a "${String(id)}"`;
  for (const field of FIELDS_NO_RECORD_HOLDS) if (hasOwn.call(attrs, field)) return `a field "${field}", which a Spine record cannot hold`;
  return undefined;
}

const FIELDS_NO_RECORD_HOLDS = ["__proto__", "constructor"];

function shown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
}
