import type { RecordEntry } from "./record-entry";
import { baseDiffOf, hasOwn, toStored, type StoredEntry } from "./stored-entry";

/**
 * The JSON text of an entry's stored form, the same JSON value as
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
  // The edit times change with the attributes: written next to them, not kept.
  return text.head + JSON.stringify(entry.attrs) + (entry.stamps ? stampsJson(entry.stamps) : "") + text.tail;
}

/** The text around each edit time of a set of field names, by the names joined (the fields of a model, edited in one order). */
const stampTexts = new Map<string, string[]>();

/** `,"stamps":{…}`: only the times change from save to save, so the text between them is kept by field names. */
function stampsJson(stamps: Record<string, number>): string {
  let names = "";
  for (const field in stamps) names += field + "\u0000";
  let pieces = stampTexts.get(names);
  if (!pieces) {
    if (stampTexts.size > 1000) stampTexts.clear();
    pieces = Object.keys(stamps).map((field, i) => (i ? "," : ',"stamps":{') + JSON.stringify(field) + ":");
    stampTexts.set(names, pieces);
  }
  if (!pieces.length) return ',"stamps":{}';
  let out = "";
  let i = 0;
  for (const field in stamps) {
    const at = stamps[field];
    out += pieces[i++] + (Number.isFinite(at) ? at : "null");
  }
  return out + "}";
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
  const json = JSON.stringify(Object.assign({}, toStored(entry), { attrs: hole, stamps: undefined }));
  const at = json.indexOf(holeJson);
  return { head: json.slice(0, at), tail: json.slice(at + holeJson.length), state: stateOf(entry, diff) };
}

/**
 * Every value the text around the attributes depends on: each field of the
 * entry but attrs and base (key, value), each field of each queued op, and
 * the base's difference from the attributes.
 */
function stateOf(entry: RecordEntry, diff: StoredEntry["baseDiff"]): unknown[] {
  const state: unknown[] = [];
  const fields = entry as unknown as Record<string, unknown>;
  for (const key in fields) {
    if (!hasOwn.call(fields, key) || key === "attrs" || key === "base" || key === "stamps") continue;
    state.push(key, fields[key]);
    if (key === "queue") for (const op of entry.queue) pushFields(state, op as unknown as Record<string, unknown>);
  }
  state.push(end);
  if (diff) {
    pushFields(state, diff.set);
    state.push(diff.unset?.join("\u0000"));
  }
  return state;
}

function pushFields(state: unknown[], object: Record<string, unknown>): void {
  for (const key in object) if (hasOwn.call(object, key)) state.push(key, object[key]);
  state.push(end);
}

/** Whether `stateOf(entry, diff)` would give `state` again (without building it). */
function sameState(entry: RecordEntry, diff: StoredEntry["baseDiff"], state: unknown[]): boolean {
  let i = 0;
  const fields = entry as unknown as Record<string, unknown>;
  for (const key in fields) {
    if (!hasOwn.call(fields, key) || key === "attrs" || key === "base" || key === "stamps") continue;
    if (state[i++] !== key || state[i++] !== fields[key]) return false;
    if (key === "queue") {
      for (const op of entry.queue) {
        if (!sameFields(state, i, op as unknown as Record<string, unknown>)) return false;
        i = skipFields(state, i);
      }
    }
  }
  if (state[i++] !== end) return false;
  if (diff) {
    if (!sameFields(state, i, diff.set)) return false;
    i = skipFields(state, i);
    if (state[i++] !== diff.unset?.join("\u0000")) return false;
  }
  return i === state.length;
}

function sameFields(state: unknown[], at: number, object: Record<string, unknown>): boolean {
  let i = at;
  for (const key in object) {
    if (!hasOwn.call(object, key)) continue;
    if (state[i++] !== key || state[i++] !== object[key]) return false;
  }
  return state[i] === end;
}

function skipFields(state: unknown[], at: number): number {
  let i = at;
  while (state[i] !== end) i += 2;
  return i + 1;
}
