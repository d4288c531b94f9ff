import type { StoreOp } from "./store";
import type { WebStorage } from "./web-storage-store";

/** What the journal needs of `navigator.locks`. */
export interface JournalLocks {
  request(name: string, options: object, fn: (lock: unknown) => Promise<void>): Promise<unknown>;
  query(): Promise<{ held?: Array<{ name?: string }> }>;
}

interface Written {
  /** When the batch was handed to IndexedDB (ms since the epoch). */
  at: number;
  ops: StoreOp[];
}

/** Past this, what a closed tab left is not written back: another tab may have written newer data since. */
const REPLAY_WITHIN_MS = 30_000;

/**
 * A browser aborts the IndexedDB transactions of a page that goes away
 * before they finish: a save made just before a reload or a tab closed is
 * lost with them. So each batch is also kept, synchronously, in
 * localStorage until its transaction completes; the next page to open the
 * database, when no other tab of it is open, writes back what a tab that is
 * gone left there (a reload finds its own last saves), and drops it.
 *
 * A tab holds a Web Lock for as long as it lives, so a page knows which
 * tabs are gone; the entries of a live tab (still being written) are left
 * to it. Without Web Locks, or localStorage, nothing is kept (as before).
 */
export class IdbJournal {
  private readonly prefix: string;
  private readonly tab = Math.random().toString(36).slice(2, 10);
  private count = 0;
  private releaseLock?: () => void;

  private constructor(
    database: string,
    private readonly storage: WebStorage,
    private readonly locks: JournalLocks,
    private readonly now: () => number,
  ) {
    this.prefix = `atmos2-idb-journal:${database}:`;
    // Held until the page goes (or close()): the browser frees it then.
    locks.request(this.lockName(this.tab), { mode: "exclusive" }, () => new Promise<void>((resolve) => (this.releaseLock = resolve))).catch(() => undefined);
  }

  /** The journal of `database` in this page, if it has localStorage and Web Locks. */
  static open(database: string, options: { storage?: WebStorage | null; locks?: JournalLocks | null; now?: () => number } = {}): IdbJournal | undefined {
    const page = globalThis as { localStorage?: WebStorage; navigator?: { locks?: JournalLocks } };
    let storage = options.storage;
    if (storage === undefined) {
      try {
        storage = page.localStorage;
      } catch {
        storage = undefined; // blocked for this page (a sandboxed frame)
      }
    }
    const locks = options.locks === undefined ? page.navigator?.locks : options.locks;
    if (!storage || !locks) return undefined;
    return new IdbJournal(database, storage, locks, options.now ?? Date.now);
  }

  /** Keeps a batch until `done` is called with the key returned; undefined when it could not be kept (storage full). */
  keep(ops: StoreOp[]): string | undefined {
    const key = `${this.prefix}${this.tab}:${String(++this.count).padStart(10, "0")}`;
    try {
      const written: Written = { at: this.now(), ops };
      this.storage.setItem(key, JSON.stringify(written));
      return key;
    } catch {
      return undefined;
    }
  }

  /** The batch is in IndexedDB (or failed while the page lives, and is the write queue's to retry). */
  done(key: string | undefined): void {
    if (key === undefined) return;
    try {
      this.storage.removeItem(key);
    } catch {
      // Nothing to do: a later open drops it as too old, or writes back what IndexedDB already has.
    }
  }

  /**
   * What tabs that are gone left unfinished, oldest first, to be written
   * back (then `done` with each of `keys`). Entries older than
   * REPLAY_WITHIN_MS, or unreadable, are dropped now.
   */
  async leftOvers(): Promise<{ ops: StoreOp[]; keys: string[] }> {
    const keys: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key && key.startsWith(this.prefix)) keys.push(key);
    }
    if (keys.length === 0) return { ops: [], keys: [] };
    const held = new Set(((await this.locks.query()).held ?? []).map((lock) => lock.name));
    // Another tab of this database is open: it may have written newer data
    // since (an edit, a delete) over what a gone tab left, and it would not
    // hear of a write-back. So a write-back happens only in a page that is
    // alone (a reload, a tab opened again); otherwise what gone tabs left is
    // dropped, as it was before the journal.
    let alone = true;
    for (const name of held) if (name && name.startsWith(this.prefix) && name !== this.lockName(this.tab)) alone = false;
    const left: Array<{ key: string; written: Written }> = [];
    for (const key of keys) {
      const tab = key.slice(this.prefix.length).split(":")[0];
      if (tab === this.tab || held.has(this.lockName(tab))) continue;
      let written: Written | null = null;
      try {
        written = JSON.parse(this.storage.getItem(key) ?? "null") as Written | null;
      } catch {
        // Not a journal entry after all: dropped below.
      }
      if (alone && written && Array.isArray(written.ops) && this.now() - written.at <= REPLAY_WITHIN_MS) left.push({ key, written });
      else this.done(key);
    }
    left.sort((a, b) => a.written.at - b.written.at || (a.key < b.key ? -1 : 1));
    return { ops: left.flatMap((entry) => entry.written.ops), keys: left.map((entry) => entry.key) };
  }

  close(): void {
    this.releaseLock?.();
  }

  private lockName(tab: string): string {
    return `${this.prefix}${tab}`;
  }
}
