import type { Attrs, RecordEntry } from "./record-entry";
import { toStored } from "./stored-entry";

/**
 * This module's own: it is called some thirty times a save, and an import
 * is read through the module's exports wherever modules are not bundled
 * (tsx, a CommonJS build), a getter call each time.
 */
const hasOwn = Object.prototype.hasOwnProperty;

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
  if (!text || !sameState(entry, text.state)) texts.set(entry, (text = encodeAround(entry)));
  // The edit times change with the attributes: written next to them, not kept.
  return text.head + JSON.stringify(entry.attrs) + (entry.stamps ? stampsJson(entry.stamps, text) : "") + text.tail;
}

/** The text around each edit time of a set of field names, by the names joined (the fields of a model, edited in one order). */
const stampTexts = new Map<string, string[]>();

/**
 * `,"stamps":{…}`: only the times change from save to save, so the text
 * between them is kept by field names, and with the entry's text for the
 * fields it had last time (the same ones again, as a rule: looked up by
 * name only when they are not).
 */
function stampsJson(stamps: Record<string, number>, around: Around): string {
  let pieces = around.stampPieces;
  if (!pieces || !sameKeys(stamps, around.stampFields!)) {
    let names = "";
    for (const field in stamps) names += field + "\u0000";
    pieces = stampTexts.get(names);
    if (!pieces) {
      if (stampTexts.size > 1000) stampTexts.clear();
      pieces = Object.keys(stamps).map((field, i) => (i ? "," : ',"stamps":{') + JSON.stringify(field) + ":");
      stampTexts.set(names, pieces);
    }
    around.stampFields = Object.keys(stamps);
    around.stampPieces = pieces;
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
  /** The stamped fields last written, and the text around their times (see `stampsJson`). */
  stampFields?: string[];
  stampPieces?: string[];
}

const texts = new WeakMap<RecordEntry, Around>();
const writtenOnce = new WeakSet<RecordEntry>();
/** Stands for the attributes while the text around them is made. */
const hole = "\u0000atmos2-attrs\u0000";
const holeJson = JSON.stringify(hole);
/** Ends a nested list of values in a state (no stored value is this object). */
const end = {};

function encodeAround(entry: RecordEntry): Around {
  const json = JSON.stringify(Object.assign({}, toStored(entry), { attrs: hole, stamps: undefined }));
  const at = json.indexOf(holeJson);
  return { head: json.slice(0, at), tail: json.slice(at + holeJson.length), state: stateOf(entry) };
}

/**
 * Every value the text around the attributes depends on: each field of the
 * entry but attrs and base (key, value), each field of each queued op, and
 * the base's difference from the attributes (see `pushDiff`).
 */
function stateOf(entry: RecordEntry): unknown[] {
  const state: unknown[] = [];
  const fields = entry as unknown as Record<string, unknown>;
  for (const key in fields) {
    if (!hasOwn.call(fields, key) || key === "attrs" || key === "base" || key === "stamps") continue;
    state.push(key, fields[key]);
    if (key === "queue") for (const op of entry.queue) pushFields(state, op as unknown as Record<string, unknown>);
  }
  state.push(end);
  if (entry.base) pushDiff(state, entry.base, entry.attrs);
  return state;
}

/**
 * `baseDiffOf(base, attrs)` (stored-entry.ts) as a state holds it: each
 * field `set` (key, value), `end`, each field `unset`, `end`. The same
 * walk as `baseDiffOf`'s, so `sameDiff` can follow it on every save
 * without building the difference.
 */
function pushDiff(state: unknown[], base: Attrs, attrs: Attrs): void {
  for (const key in base) if (hasOwn.call(base, key) && (base[key] !== attrs[key] || !hasOwn.call(attrs, key))) state.push(key, base[key]);
  state.push(end);
  for (const key in attrs) if (hasOwn.call(attrs, key) && !hasOwn.call(base, key)) state.push(key);
  state.push(end);
}

/** Whether `pushDiff(…, base, attrs)` would push `state` from `at` on: the index after it, else -1. */
function sameDiff(state: unknown[], at: number, base: Attrs, attrs: Attrs): number {
  let i = at;
  for (const key in base) {
    if (!hasOwn.call(base, key) || (base[key] === attrs[key] && hasOwn.call(attrs, key))) continue;
    if (state[i++] !== key || state[i++] !== base[key]) return -1;
  }
  if (state[i++] !== end) return -1;
  for (const key in attrs) if (hasOwn.call(attrs, key) && !hasOwn.call(base, key) && state[i++] !== key) return -1;
  return state[i++] === end ? i : -1;
}

function pushFields(state: unknown[], object: Record<string, unknown>): void {
  for (const key in object) if (hasOwn.call(object, key)) state.push(key, object[key]);
  state.push(end);
}

/** Whether `stateOf(entry)` would give `state` again (without building it, nor the base's difference). */
function sameState(entry: RecordEntry, state: unknown[]): boolean {
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
  if (entry.base && (i = sameDiff(state, i, entry.base, entry.attrs)) < 0) return false;
  return i === state.length;
}

/** Whether a `for…in` over `object` gives `keys`, in order (as it does for the fields of the stamps last written). */
function sameKeys(object: object, keys: string[]): boolean {
  let i = 0;
  for (const key in object) if (keys[i++] !== key) return false;
  return i === keys.length;
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
