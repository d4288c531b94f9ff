import type { StoreOp } from "./store";
import type { WebStorage } from "./web-storage-store";

/** What the journal needs of `navigator.locks`. */
export interface JournalLocks {
  request(name: string, options: object, fn: (lock: unknown) => Promise<void>): Promise<unknown>;
  query(): Promise<{ held?: Array<{ name?: string }> }>;
}

/** A batch a gone tab kept: `id` names it among every tab's batches of the database. */
export interface KeptBatch {
  id: string;
  ops: StoreOp[];
}

interface Written {
  /** When the batch was handed to IndexedDB (ms since the epoch). */
  at: number;
  ops: StoreOp[];
}

/**
 * How long what a gone tab left is kept for the next page, at most: the app
 * may not be opened again for days (a browser quit just after a save, a
 * laptop shut). Past this it is dropped, unread, so the journal cannot grow
 * without end. A batch is written back once: a page that takes one up notes
 * it in the database for as long (TAKEN_KEPT_MS in indexeddb-store.ts).
 */
export const KEPT_FOR_MS = 30 * 24 * 3_600_000;

/**
 * A browser aborts the IndexedDB transactions of a page that goes away
 * before they finish: a save made just before a reload or a tab closed is
 * lost with them. So each batch is also kept, synchronously, in
 * localStorage until its transaction completes, and what a tab that is
 * gone left there is taken up:
 *
 * - by the next page to open the database, if no other tab of it is open:
 *   it writes all of it back before it reads anything (a reload finds its
 *   own last saves);
 * - while other tabs stay open, by one of them, the moment the tab goes
 *   (`follow`): the records it wrote, or was writing, are read again and
 *   shown (its news may never have gone out), and what the page allows of
 *   what never got written (records created there) is written back first.
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
  /** Whether this tab holds its lock: until then nothing is kept (a follower could take a batch for a gone tab's). */
  private locked = false;
  /** The gone tabs whose lock this page holds as it takes up their batches (see `follow`). */
  private readonly takingUp = new Set<string>();
  /** Stops each `follow` of this page. */
  private readonly stopFollowing: Array<() => void> = [];

  private constructor(
    database: string,
    private readonly storage: WebStorage,
    private readonly locks: JournalLocks,
    private readonly now: () => number,
  ) {
    this.prefix = `atmos2-idb-journal:${database}:`;
    // Held until the page goes (or close()): the browser frees it then.
    locks
      .request(this.lockName(this.tab), { mode: "exclusive" }, () => {
        this.locked = true;
        return new Promise<void>((resolve) => (this.releaseLock = resolve));
      })
      .catch(() => undefined);
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
    if (!this.locked) return undefined;
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
   * What tabs that are gone left unfinished, oldest first, for a page that
   * opens the database to write back before it reads (then `done` with each
   * of `keys`): only when no other tab of the database is open. Another tab
   * may have written newer data since (an edit, a delete) over what a gone
   * tab left, and would not hear of a write-back: what is left is then the
   * followers' (see `follow`), which take it up as the tab goes, or at once
   * when it went before they opened (a restored session opens its tabs
   * together). Entries older than KEPT_FOR_MS, or unreadable, are dropped
   * now. A lock this page holds as it takes up a gone tab's batches is no
   * other tab's: a reloaded page can hear of its last document's batches
   * (the `storage` event) and take that tab's lock before it opens the
   * database.
   */
  async leftOvers(): Promise<{ batches: KeptBatch[]; keys: string[] }> {
    const keys = this.keys((tab) => tab !== this.tab);
    if (keys.length === 0) return { batches: [], keys: [] };
    const held = ((await this.locks.query()).held ?? []).map((lock) => lock.name ?? "");
    for (const name of held) {
      if (name.startsWith(this.prefix) && name !== this.lockName(this.tab) && !this.takingUp.has(name.slice(this.prefix.length))) return { batches: [], keys: [] };
    }
    const left = this.take(keys);
    return { batches: left.map((entry) => this.kept(entry)), keys: left.map((entry) => entry.key) };
  }

  /**
   * Takes up what each other tab of the database leaves unfinished when it
   * goes, from this page, while it follows them (until the function
   * returned is called, or `close`). Each tab is followed by waiting for its
   * lock, which the browser frees when the tab goes; the tabs are found from
   * the locks held now, from the journal's keys as they are written (the
   * `storage` event), and from the keys already there: a tab gone before this
   * page opened, with no page open then to take up what it left and none
   * opening alone since (two tabs a restored session opens at once each see
   * the other, and leave `leftOvers` alone) is taken up at once. `take`
   * gets the gone tab's batches, oldest first, each with its id, and the
   * tab's name; once it resolves they are let go.
   *
   * A page's copy of localStorage hears of another tab's writes late, by
   * another channel than its lock: when the lock is granted, the last
   * batches the tab kept (the save made just before it went) may not be in
   * it yet, while another page's copy has them, or has only those. So every
   * page that follows a tab takes up what its copy holds, `take` tells which
   * batch another page took up already (by its id), and a batch of a gone
   * tab this page hears of only afterwards is taken up then.
   */
  follow(take: (batches: KeptBatch[], tab: string) => Promise<void>): () => void {
    const page = globalThis as { addEventListener?: Window["addEventListener"]; removeEventListener?: Window["removeEventListener"] };
    const Abort = (globalThis as { AbortController?: typeof AbortController }).AbortController;
    const abort = Abort ? new Abort() : undefined;
    const options = abort ? { mode: "exclusive", signal: abort.signal } : { mode: "exclusive" };
    /** The tabs followed (this one is never). */
    const tabs = new Set<string>([this.tab]);
    /** The followed tabs that are gone (their lock was granted here). */
    const gone = new Set<string>();
    let stopped = false;
    const onStorage = (event: StorageEvent) => {
      if (event.storageArea !== this.storage || !event.key?.startsWith(this.prefix) || event.newValue === null) return;
      const tab = tabOf(event.key, this.prefix);
      // A gone tab's batch this page hears of only now: its lock is free, taken at once.
      if (gone.has(tab)) takeUp(tab);
      else followTab(tab);
    };
    // Waits for the tab's lock, then takes up what this page's copy holds of its batches.
    const takeUp = (tab: string) => {
      this.locks
        .request(this.lockName(tab), options, async () => {
          if (stopped) return;
          gone.add(tab);
          this.takingUp.add(tab);
          try {
            const left = this.take(this.keys((t) => t === tab));
            if (left.length) await take(left.map((entry) => this.kept(entry)), tab);
            for (const entry of left) this.done(entry.key);
          } finally {
            this.takingUp.delete(tab);
          }
        })
        .catch(() => undefined); // aborted, or the write-back failed: the next page alone writes it back
    };
    const followTab = (tab: string) => {
      if (stopped || tabs.has(tab)) return;
      tabs.add(tab);
      takeUp(tab);
    };
    const stop = () => {
      stopped = true;
      abort?.abort();
      page.removeEventListener?.("storage", onStorage);
    };
    page.addEventListener?.("storage", onStorage);
    void this.locks.query().then(
      (state) => {
        for (const lock of state.held ?? []) if (lock.name?.startsWith(this.prefix)) followTab(lock.name.slice(this.prefix.length));
        for (const key of this.keys((tab) => tab !== this.tab)) followTab(tabOf(key, this.prefix));
      },
      () => undefined,
    );
    this.stopFollowing.push(stop);
    return stop;
  }

  /** A batch read from the journal, named by its key past the prefix (the tab's name and the batch's number). */
  private kept(entry: { key: string; written: Written }): KeptBatch {
    return { id: entry.key.slice(this.prefix.length), ops: entry.written.ops };
  }

  /** The journal's keys of the tabs `accept`ed. */
  private keys(accept: (tab: string) => boolean): string[] {
    const keys: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key && key.startsWith(this.prefix) && accept(tabOf(key, this.prefix))) keys.push(key);
    }
    return keys;
  }

  /** The batches kept under `keys`, oldest first; unreadable ones, and those older than KEPT_FOR_MS, are dropped now. */
  private take(keys: string[]): Array<{ key: string; written: Written }> {
    const left: Array<{ key: string; written: Written }> = [];
    for (const key of keys) {
      let written: Written | null = null;
      try {
        written = JSON.parse(this.storage.getItem(key) ?? "null") as Written | null;
      } catch {
        // Not a journal entry after all: dropped below.
      }
      if (written && Array.isArray(written.ops) && this.now() - written.at <= KEPT_FOR_MS) left.push({ key, written });
      else this.done(key);
    }
    return left.sort((a, b) => a.written.at - b.written.at || (a.key < b.key ? -1 : 1));
  }

  close(): void {
    for (const stop of this.stopFollowing.splice(0)) stop();
    this.releaseLock?.();
  }

  private lockName(tab: string): string {
    return `${this.prefix}${tab}`;
  }
}

/** The tab a journal key (or a tab's lock name) is of. */
function tabOf(key: string, prefix: string): string {
  return key.slice(prefix.length).split(":")[0];
}
