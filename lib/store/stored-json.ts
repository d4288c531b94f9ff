import type { RecordEntry } from "./record-entry";
import { baseDiffOf, hasOwn, toStored, type StoredEntry } from "./stored-entry";

/**
 * The JSON text of an entry's stored form, the same as
 * `JSON.stringify(toStored(entry))`, for stores that keep text (Web Storage).
 *
 * It is made on every save, and a record being edited again and again has
 * the same sync state each time: its one queued op, its base, its flags.
 * Only its attributes change. So the text around the attributes is kept per
 * entry, with the values it was made from, and made again only when one of
 * them is not the same value any more (compared by identity: an entry's
 * fields, its ops' fields, the base's difference). Encoding the sync state
 * was half the JSON work of a save.
 */
export function storedJson(entry: RecordEntry): string {
  let text = texts.get(entry);
  // Written once so far (as each record of a pull is): nothing to keep yet.
  if (!text && !writtenOnce.has(entry)) {
    writtenOnce.add(entry);
    return JSON.stringify(toStored(entry));
  }
  const diff = entry.base ? baseDiffOf(entry.base, entry.attrs) : undefined;
  if (!text || !sameState(entry, diff, text.state)) texts.set(entry, (text = encodeAround(entry, diff)));
  return text.head + JSON.stringify(entry.attrs) + text.tail;
}

interface Around {
  /** Before and after the attributes' text. */
  head: string;
  tail: string;
  /** What the text was made from, in order (see `stateOf`). */
  state: unknown[];
}

const texts = new WeakMap<RecordEntry, Around>();
const writtenOnce = new WeakSet<RecordEntry>();
/** Stands for the attributes while the text around them is made. */
const hole = "\u0000atmos2-attrs\u0000";
const holeJson = JSON.stringify(hole);
/** Ends a nested list of values in a state (no stored value is this object). */
const end = {};

function encodeAround(entry: RecordEntry, diff: StoredEntry["baseDiff"]): Around {
  const json = JSON.stringify(Object.assign({}, toStored(entry), { attrs: hole }));
  const at = json.indexOf(holeJson);
  return { head: json.slice(0, at), tail: json.slice(at + holeJson.length), state: stateOf(entry, diff) };
}

/** Every value the text around the attributes depends on, in order (see `walkState`). */
function stateOf(entry: RecordEntry, diff: StoredEntry["baseDiff"]): unknown[] {
  const state: unknown[] = [];
  walkState(entry, diff, (value) => {
    state.push(value);
    return true;
  });
  return state;
}

/** Whether `stateOf(entry, diff)` would give `state` again (without building it). */
function sameState(entry: RecordEntry, diff: StoredEntry["baseDiff"], state: unknown[]): boolean {
  let i = 0;
  return walkState(entry, diff, (value) => state[i++] === value) && i === state.length;
}

/**
 * Hands `visit` every value the text around the attributes depends on: each
 * field of the entry but attrs and base (key, value), each field of each
 * queued op, and the base's difference from the attributes, with `end`
 * after each list of fields. Stops, returning false, as soon as `visit` does.
 */
function walkState(entry: RecordEntry, diff: StoredEntry["baseDiff"], visit: (value: unknown) => boolean): boolean {
  const fields = entry as unknown as Record<string, unknown>;
  for (const key in fields) {
    if (!hasOwn.call(fields, key) || key === "attrs" || key === "base") continue;
    if (!visit(key) || !visit(fields[key])) return false;
    if (key === "queue") for (const op of entry.queue) if (!walkFields(op as unknown as Record<string, unknown>, visit)) return false;
  }
  if (!visit(end)) return false;
  return !diff || (walkFields(diff.set, visit) && visit(diff.unset?.join("\u0000")));
}

function walkFields(object: Record<string, unknown>, visit: (value: unknown) => boolean): boolean {
  for (const key in object) if (hasOwn.call(object, key) && !(visit(key) && visit(object[key]))) return false;
  return visit(end);
}
