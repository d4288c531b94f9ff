import type { RecordEntry } from "./record-entry";

/** How long a page remembers that it let go of a record (see `HeldEntries.released`): an hour. */
export const RELEASE_MEMORY_MS = 60 * 60 * 1000;

/**
 * The record entries a tab holds in memory, by class and id, with two
 * indexes kept beside them: the entries that have queued changes (what the
 * outbox and `status()` walk, instead of every record), and the ids records
 * left for their server ids (looked up for every record another tab writes).
 */
export class HeldEntries {
  private byClass = new Map<string, Map<string, RecordEntry>>();
  /** Entries that have queued changes (held, sendable or parked). */
  readonly queued = new Set<RecordEntry>();
  /** Of those, the ones parked for pointing at a parent deleted before the server had it (see parent-order.ts). */
  readonly orphans = new Set<RecordEntry>();
  /** `className:former id` → the id its record has now. */
  private formerIdsTo = new Map<string, string>();
  /**
   * `className:id` of the entries let go in this page (deleted, moved,
   * removed by another tab) in the last `RELEASE_MEMORY_MS` → when, oldest
   * first. A late write (behind another tab's large write, or left by a tab
   * that went) lands within seconds; older ones are forgotten, so a page
   * open for days does not keep every id it ever let go.
   */
  private released = new Map<string, number>();
  /** Of the entries let go deleted (kept as `released` is): the server version each was deleted at (see `deletedAt`). */
  private deletedBases = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  get(className: string, id: string): RecordEntry | undefined {
    return this.byClass.get(className)?.get(id);
  }

  all(className: string): RecordEntry[] {
    return Array.from(this.byClass.get(className)?.values() ?? []);
  }

  classes(): string[] {
    return Array.from(this.byClass.keys());
  }

  /** Every entry held, class by class (a copy: not a generator, which the ES5 build cannot hold). */
  entries(): RecordEntry[] {
    const all: RecordEntry[] = [];
    for (const map of this.byClass.values()) for (const entry of map.values()) all.push(entry);
    return all;
  }

  /** Holds `entry` under its class and id, and indexes its former ids (its queue: see `track`). */
  set(entry: RecordEntry): void {
    let map = this.byClass.get(entry.className);
    if (!map) this.byClass.set(entry.className, (map = new Map()));
    map.set(entry.id, entry);
    // On every save: no array made for the many records that never moved.
    if (entry.formerIds) for (const former of entry.formerIds) this.formerIdsTo.set(`${entry.className}:${former}`, entry.id);
  }

  /** Keeps the queued index right after an entry's queue changed. */
  track(entry: RecordEntry): void {
    if (entry.queue.length > 0) this.queued.add(entry);
    else this.queued.delete(entry);
    if (entry.orphanOf && entry.queue.length > 0) this.orphans.add(entry);
    // On every write: no lookup while none is parked so (the usual case).
    else if (this.orphans.size > 0) this.orphans.delete(entry);
  }

  /** Lets go of the entry held under this class and id, if any. */
  drop(className: string, id: string): void {
    const entry = this.get(className, id);
    if (entry) {
      this.queued.delete(entry);
      this.orphans.delete(entry);
    }
    this.byClass.get(className)?.delete(id);
    const key = `${className}:${id}`;
    const now = this.now();
    // Deleted first, so the map stays in the order of the times.
    this.released.delete(key);
    this.released.set(key, now);
    const base = entry?.deleted ? baseOf(entry) : undefined;
    if (base === undefined) this.deletedBases.delete(key);
    else this.deletedBases.set(key, base);
    for (const [oldest, at] of this.released) {
      if (at > now - RELEASE_MEMORY_MS) break;
      this.released.delete(oldest);
      this.deletedBases.delete(oldest);
    }
  }

  /**
   * The server version (as JSON) a record this page let go deleted had then,
   * if it did within `RELEASE_MEMORY_MS`: a write another tab made of that
   * version, edited, was made before it heard of the delete.
   */
  deletedAt(className: string, id: string): string | undefined {
    return this.releasedAt(className, id) === undefined ? undefined : this.deletedBases.get(`${className}:${id}`);
  }

  /** When this page let go of the record under this class and id (the last time), if it did. */
  releasedAt(className: string, id: string): number | undefined {
    const at = this.released.get(`${className}:${id}`);
    return at !== undefined && at > this.now() - RELEASE_MEMORY_MS ? at : undefined;
  }

  /** Whether this page holds, or held, a record under this class and id (or its record moved from it). */
  knows(className: string, id: string): boolean {
    return !!this.get(className, id) || this.releasedAt(className, id) !== undefined || !!this.movedFrom(className, id);
  }

  /** The record that left `id` for its server id, if one did. */
  movedFrom(className: string, id: string): RecordEntry | undefined {
    // Asked on every save: nothing to look up until a record here took a server id.
    if (!this.formerIdsTo.size) return undefined;
    const now = this.formerIdsTo.get(`${className}:${id}`);
    const entry = now === undefined ? undefined : this.get(className, now);
    return entry?.formerIds?.includes(id) ? entry : undefined;
  }

  /** The entry held under one of the former ids of `moved`, if any. */
  underFormerId(moved: RecordEntry): RecordEntry | undefined {
    for (const former of moved.formerIds ?? []) {
      const held = this.get(moved.className, former);
      if (held) return held;
    }
    return undefined;
  }
}

/**
 * The server version an entry was last known at, as JSON with its fields in
 * order: its `base` while it has unsent edits, else its fields (undefined
 * for a record the server never had).
 */
export function baseOf(entry: RecordEntry): string | undefined {
  if (!entry.acked) return undefined;
  const base = entry.base ?? (entry.queue.every((op) => op.kind === "destroy") ? entry.attrs : undefined);
  return base && JSON.stringify(Object.keys(base).sort().map((key) => [key, base[key]]));
}
