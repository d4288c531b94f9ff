import { hasOwn, type Attrs, type RecordEntry } from "./record-entry";

/**
 * A record's entry as it is written to storage. The server version an edit
 * is based on (`base`) is kept as its difference from `attrs`: the fields it
 * holds with other values (`set`) and the fields it lacks (`unset`). Editing
 * one field of a synced record then writes that field twice, not the whole
 * record twice — the entry is written on every save, so its size is the
 * save's cost (JSON.stringify and setItem both grow with it).
 *
 * Entries written before this format carry `base` whole; they are read as
 * they are.
 */
export interface StoredEntry extends Omit<RecordEntry, "base"> {
  base?: Attrs;
  baseDiff?: { set: Attrs; unset?: string[] };
}

/** The form of `entry` to write. Pure: `entry` is left as it is. */
export function toStored(entry: RecordEntry): RecordEntry | StoredEntry {
  if (!entry.base) return entry;
  // Object.assign: a spread followed by more keys takes V8's slow path.
  const stored: StoredEntry = Object.assign({}, entry, { base: undefined });
  stored.baseDiff = baseDiffOf(entry.base, entry.attrs);
  return stored;
}

/** How `base` differs from `attrs` (see `StoredEntry`). Pure. */
export function baseDiffOf(base: Attrs, attrs: Attrs): NonNullable<StoredEntry["baseDiff"]> {
  const set: Attrs = {};
  let unset: string[] | undefined;
  // Same value by identity: base is a shallow copy of attrs, so fields the
  // user did not touch hold the very same values.
  for (const key in base) if (hasOwn.call(base, key) && (base[key] !== attrs[key] || !hasOwn.call(attrs, key))) set[key] = base[key];
  for (const key in attrs) if (hasOwn.call(attrs, key) && !hasOwn.call(base, key)) (unset ??= []).push(key);
  return unset ? { set, unset } : { set };
}

/** An entry read from storage, in memory form (its `base` whole again). */
export function fromStored(stored: StoredEntry): RecordEntry {
  const diff = stored.baseDiff;
  if (!diff) return stored as RecordEntry;
  const base: Attrs = { ...stored.attrs, ...diff.set };
  for (const key of diff.unset ?? []) delete base[key];
  const entry = stored as StoredEntry & RecordEntry;
  delete entry.baseDiff;
  entry.base = base;
  return entry;
}
