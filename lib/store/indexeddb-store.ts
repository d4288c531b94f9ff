import { IdbJournal, KEPT_FOR_MS, type KeptBatch } from "./idb-journal";
import type { GoneTabWrites, Store, StoreOp } from "./store";
import { openDatabase } from "./idb-open";

/** What the store needs of an IDBFactory (`indexedDB`, or a fake's), declared so that its types need no DOM lib. */
export interface IndexedDBFactory {
  open(name: string, version?: number): unknown;
}

/**
 * A Store in IndexedDB, for data sets past localStorage's ~5 MB quota.
 * One object store of key → value; a batch is one transaction, so a record
 * and its outbox change are written together or not at all.
 *
 *   new Atmos({ store: new IndexedDBStore("my-app") })
 */
export class IndexedDBStore implements Store {
  private db?: Promise<IDBDatabase>;
  /** This page's transactions over one object store run in the order they were made (another tab's may land between them, or late). */
  readonly ordersBatches = true;
  /** Said when it is full: the IndexedDB store is already the larger one. */
  readonly whenFull = " (the browser's storage for this site: other data of the site, or the disk)";
  /** Keeps each batch until its transaction completes (see idb-journal.ts); none outside a browser. */
  private readonly journal: IdbJournal | undefined;
  /** The batches handed to IndexedDB and not yet complete. */
  private readonly writing = new Set<Promise<void>>();
  /** Told when another tab deletes the database (see `onWiped`). */
  private readonly wiped = new Set<() => void>();
  /** Milliseconds an open may go unanswered before it counts as failed (and is tried again). */
  private readonly openTimeout: number;

  /**
   * @param journal where the journal keeps batches, the locks it takes and
   *   its clock: the page's localStorage, Web Locks and Date.now by default
   *   (`storage` or `locks` null: no journal). A spec gives it a page's copy
   *   of localStorage that hears of another tab's writes late.
   *   `openTimeout` (ms, default 10,000): how long an open may go
   *   unanswered before the app is told and it is tried again.
   */
  constructor(
    readonly name = "atmos2",
    private readonly factory?: IndexedDBFactory,
    options: Parameters<typeof IdbJournal.open>[1] & { openTimeout?: number } = {},
  ) {
    this.journal = IdbJournal.open(name, options);
    this.openTimeout = options.openTimeout ?? 10_000;
  }

  /** The database: Atmos instances on another one share no news with this one (store.ts). */
  get place(): string {
    return `indexeddb:${this.name}`;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const db = await this.open();
    return request<T | undefined>(db.transaction("kv", "readonly").objectStore("kv").get(key));
  }

  async getMany<T>(keys: string[]): Promise<Array<T | undefined>> {
    const db = await this.open();
    const tx = db.transaction("kv", "readonly");
    const kv = tx.objectStore("kv");
    const values: Array<T | undefined> = new Array(keys.length);
    keys.forEach((key, i) => {
      const got = kv.get(key);
      got.onsuccess = () => (values[i] = got.result as T | undefined);
    });
    await done(tx);
    return values;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.batch([{ type: "put", key, value }]);
  }

  async delete(key: string): Promise<void> {
    await this.batch([{ type: "delete", key }]);
  }

  async batch(ops: StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    const db = await this.open();
    // Kept in localStorage until the transaction completes and the other
    // tabs are told: a page that goes away first has its transaction
    // aborted, or its news never sent, and another tab, or the next page,
    // writes the batch back from there and tells them.
    const kept = this.journal?.keep(ops);
    const written = write(db, ops);
    this.writing.add(written);
    try {
      await written;
    } finally {
      this.writing.delete(written);
      // Let go a task later: the write queue tells the other tabs in the
      // microtasks right after this resolves, and a closing page's script
      // can stop in between. The entry left is then taken up, and told, by
      // another tab (one that deleted the record meanwhile deletes it again).
      if (kept !== undefined) setTimeout(() => this.journal?.done(kept), 0);
    }
  }

  /**
   * Follows the app's other tabs (see idb-journal.ts): when one goes, the
   * records it created in batches that never got written, and that `page`
   * allows, are written back where their keys are still absent; then `page`
   * is told every key it wrote or was writing, to read them again. Without a
   * journal, nothing to follow.
   */
  followGoneTabs(page: GoneTabWrites): () => void {
    if (!this.journal) return () => undefined;
    return this.journal.follow(async (batches) => {
      // What the page holds decides: once it has read the store.
      await page.ready;
      const db = await this.open();
      // This page's own batches first: none of them is then written over.
      await this.batchesDone();
      const taken = await takeUp(db, batches, (key, value) => page.mayWriteBack(key, value));
      if (taken.length) page.wrote(Array.from(new Set(taken.flatMap((batch) => batch.ops.map((op) => op.key)))));
    });
  }

  async entries<T>(prefix: string): Promise<Array<[string, T]>> {
    const db = await this.open();
    const store = db.transaction("kv", "readonly").objectStore("kv");
    const range = IDBKeyRange.bound(prefix, prefix + "\uffff");
    const [keys, values] = await Promise.all([request<IDBValidKey[]>(store.getAllKeys(range)), request<T[]>(store.getAll(range))]);
    return keys.map((key, i) => [String(key), values[i]]);
  }

  /** Tells `listener` when another tab deletes the database (store.ts). */
  onWiped(listener: () => void): () => void {
    this.wiped.add(listener);
    return () => this.wiped.delete(listener);
  }

  /** Closes the database connection (tests, or before deleting the database). */
  async close(): Promise<void> {
    // Its lock is kept until its batches are in, and let go of (a task after): a tab that follows this one would write them back again.
    await this.batchesDone();
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.journal?.close();
    const db = this.db;
    this.db = undefined;
    if (db) (await db.catch(() => undefined))?.close();
  }

  /** Settles once every batch handed to IndexedDB so far has completed or failed. */
  private batchesDone(): Promise<unknown> {
    return Promise.all(Array.from(this.writing, (written) => written.catch(() => undefined)));
  }

  private open(): Promise<IDBDatabase> {
    if (this.db) return this.db;
    const factory = (this.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB) as IDBFactory | undefined;
    if (!factory) return Promise.reject(new Error("atmos2: IndexedDBStore needs indexedDB (a browser); use WebStorageStore elsewhere"));
    const opened = openDatabase(factory, this.name, this.openTimeout, (deleted) => {
      // Another tab deleting or upgrading the database: let it, and open it again at the next read or write.
      if (this.db === db) this.db = undefined;
      if (deleted) for (const listener of Array.from(this.wiped)) listener();
    });
    const db = opened.then((opened) => this.writeBack(opened));
    // A failed open is not kept: the next read or write tries again (storage blocked for a moment, say).
    db.catch(() => {
      if (this.db === db) this.db = undefined;
    });
    this.db = db;
    return db;
  }

  /** Writes back what a tab that went away left unfinished, before this page reads anything. */
  private async writeBack(db: IDBDatabase): Promise<IDBDatabase> {
    const journal = this.journal;
    if (!journal) return db;
    try {
      const { batches, keys } = await journal.leftOvers();
      if (batches.length) await writeBackTaken(db, batches);
      for (const key of keys) journal.done(key);
    } catch {
      // Left in the journal: the next page tries again.
    }
    return db;
  }
}

/** Applies the operations in one transaction; resolves once it completed. */
function write(db: IDBDatabase, ops: StoreOp[]): Promise<void> {
  const tx = db.transaction("kv", "readwrite");
  const kv = tx.objectStore("kv");
  for (const op of ops) {
    // Structured clone happens here, synchronously: later changes to the
    // object in memory cannot leak into this write.
    if (op.type === "put") kv.put(op.value, op.key);
    else kv.delete(op.key);
  }
  const finished = done(tx);
  // Commit now rather than once the page has heard every request succeed:
  // the browser is told at once that nothing more is coming. (Browsers
  // without commit() commit on their own, as before.)
  (tx as { commit?: () => void }).commit?.();
  return finished;
}

/** Where the database notes the gone tabs' batches a page took up (no record key starts so). */
const TAKEN = "\u0000atmos2-taken:";
/** How long a note of a batch taken up is kept: as long as the journal keeps a batch, so none is taken up twice. */
const TAKEN_KEPT_MS = KEPT_FOR_MS;

/**
 * Takes up, in one transaction, each of a gone tab's `batches` that no
 * other page took up (its note is there): notes it, and puts each value of
 * those `mayWriteBack` allows whose key is absent (a key written meanwhile,
 * by any tab, holds newer data). Resolves with the batches this page took
 * up, once the transaction completed.
 */
function takeUp(db: IDBDatabase, batches: KeptBatch[], mayWriteBack: (key: string, value: unknown) => boolean): Promise<KeptBatch[]> {
  return untaken(db, batches, (kv, taken) => {
    const last = new Map<string, StoreOp>();
    for (const { ops } of taken) for (const op of ops) last.set(op.key, op);
    last.forEach((op) => {
      if (op.type !== "put" || !mayWriteBack(op.key, op.value)) return;
      const counted = kv.count(op.key);
      counted.onsuccess = () => {
        if (counted.result === 0) kv.put(op.value, op.key);
      };
    });
  });
}

/**
 * Writes back all of what gone tabs left, for a page alone, in one
 * transaction with the notes that it was taken up: a page that follows
 * one of those tabs too (see `leftOvers`) then leaves it. A batch another
 * page took up already is left: that page may have shown it and written
 * newer data since (one that took it up and went before letting it go of
 * in `localStorage`).
 */
function writeBackTaken(db: IDBDatabase, batches: KeptBatch[]): Promise<KeptBatch[]> {
  return untaken(db, batches, (kv, taken) => {
    for (const { ops } of taken) {
      for (const op of ops) {
        if (op.type === "put") kv.put(op.value, op.key);
        else kv.delete(op.key);
      }
    }
  });
}

/**
 * In one transaction: reads which of `batches` no page took up yet (no
 * note), notes them, and hands them to `write` in the same transaction.
 * Resolves with them once it completed.
 */
function untaken(db: IDBDatabase, batches: KeptBatch[], write: (kv: IDBObjectStore, taken: KeptBatch[]) => void): Promise<KeptBatch[]> {
  const tx = db.transaction("kv", "readwrite");
  const kv = tx.objectStore("kv");
  const taken: KeptBatch[] = [];
  // Requests of one transaction succeed in the order they were made: the last note read, all are.
  batches.forEach((batch, i) => {
    const noted = kv.get(TAKEN + batch.id);
    noted.onsuccess = () => {
      if (noted.result === undefined) taken.push(batch);
      if (i < batches.length - 1 || taken.length === 0) return;
      noteTaken(kv, taken);
      write(kv, taken);
    };
  });
  return done(tx).then(() => taken);
}

/** Notes `batches` as taken up; notes taken up long ago go. */
function noteTaken(kv: IDBObjectStore, batches: KeptBatch[]): void {
  const now = Date.now();
  const old = kv.openCursor(IDBKeyRange.bound(TAKEN, TAKEN + "\uffff"));
  old.onsuccess = () => {
    const cursor = old.result;
    if (!cursor) return;
    if (typeof cursor.value !== "number" || now - cursor.value > TAKEN_KEPT_MS) cursor.delete();
    cursor.continue();
  };
  for (const { id } of batches) kv.put(now, TAKEN + id);
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("atmos2: IndexedDB transaction aborted"));
  });
}

// The UMD file exports the class itself: `const { IndexedDBStore } = require(…)`
// of it (a tool without exports maps, through atmos2/indexeddb/package.json)
// finds the class too, as `require("atmos2").Atmos` does.
(IndexedDBStore as unknown as Record<string, unknown>).IndexedDBStore = IndexedDBStore;
