/**
 * The persistence seam. Asynchronous on purpose: the localStorage store
 * answers at once, but an IndexedDB store (for data sets past localStorage's
 * ~5 MB quota) cannot, and the sync code must not care which one it has.
 *
 * Values are plain JSON-compatible data; a store may copy or serialise them.
 */
export type StoreOp = { type: "put"; key: string; value: unknown } | { type: "delete"; key: string };

export interface Store {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** The values of `keys`, in their order, read at once (one transaction), for stores where one `get` each costs a request (IndexedDB). */
  getMany?<T = unknown>(keys: string[]): Promise<Array<T | undefined>>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Applies the operations in order; a store that can makes them atomic. One
   * that cannot, and failed part-way, names the keys it did write in the
   * error's `written` (see PartialBatch).
   */
  batch(ops: StoreOp[]): Promise<void>;
  /** Every entry whose key starts with `prefix`. */
  entries<T = unknown>(prefix: string): Promise<Array<[string, T]>>;
  /**
   * Writes one value, given as its JSON text, before returning: for stores
   * that can and keep text (Web Storage); throws when the write fails (e.g.
   * storage full). With it, a save is in storage when `save()` returns, at
   * the cost of one write and nothing else; without it, changes are written
   * in one batch a microtask later.
   */
  putSync?(key: string, json: string): void;
  /**
   * Keys whose values could not be read (text that is not JSON: cut short,
   * or another program's), found since the last call, each named once. They
   * are skipped and left as they are; the Atmos reports them as errors.
   */
  unreadable?(): string[];
  /**
   * `entries`, answered before returning: for stores that can (Web Storage).
   * With it, a new Atmos knows every stored record the moment it is made,
   * so a save right after `new Atmos()` is decided with what storage knows.
   */
  entriesSync?<T = unknown>(prefix: string): Array<[string, T]>;
  /**
   * false when no other tab can see what this store holds (sessionStorage,
   * an in-memory polyfill): each tab then sends its own outbox, with no
   * lease to share. Left out: other tabs may share it (localStorage, IndexedDB).
   */
  readonly sharedByTabs?: boolean;
  /**
   * Where the data is, when one page can hold stores of this kind in
   * several places (an IndexedDB database's name): Atmos instances on
   * different places share no news of writes and no sending turn, whatever
   * their prefix.
   */
  readonly place?: string;
  /**
   * true when batches are applied in the order `batch` was called, even
   * when one is called before the one before it finished (IndexedDB: the
   * transactions of one object store run in the order they were made). A
   * batch is then handed over at once, not after the one before it: a page
   * closed right after a save has the save in the store's hands (and, for
   * IndexedDB, in its journal).
   */
  readonly ordersBatches?: boolean;
  /** What to say when the store is full, after "free some storage" (the localStorage store's: keep larger data in IndexedDB). */
  readonly whenFull?: string;
  /**
   * For a store whose writes can be cut short when a tab goes (IndexedDB: a
   * page's unfinished transactions are aborted; see idb-journal.ts): follows
   * the app's other tabs, and when one goes, tells `page` the keys it wrote
   * or was writing, whose news may never have gone out, after writing back
   * what `page` allows of what never got written. Returns the function that
   * stops it.
   */
  followGoneTabs?(page: GoneTabWrites): () => void;
  /**
   * Tells `listener` when what the store held was deleted from outside
   * (IndexedDB: another tab's `deleteDatabase`; Web Storage: another tab's
   * `clear()`): the page then forgets what it held too (AppContext.forgetAll).
   * Returns the function that stops telling it.
   */
  onWiped?(listener: () => void): () => void;
}

/** What a page tells a store that follows the app's other tabs (see `Store.followGoneTabs`). */
export interface GoneTabWrites {
  /** Settles once the page has read the store: what it holds is known then. */
  readonly ready: Promise<unknown>;
  /** Whether a put the gone tab never got written may be written back, while its key is still absent from the store. */
  mayWriteBack(key: string, value: unknown): boolean;
  /** The keys the gone tab wrote or was writing (written back or not): to be read again, here and in the other tabs. */
  wrote(keys: string[]): void;
}

/** True for the error a browser or polyfill throws when storage is full. */
export function isQuotaError(error: unknown): boolean {
  const e = error as { name?: string; code?: number } | null;
  return !!e && (e.name === "QuotaExceededError" || e.name === "NS_ERROR_DOM_QUOTA_REACHED" || e.code === 22 || e.code === 1014);
}

/**
 * The error of a batch that failed part-way (Web Storage full after some
 * puts): `written` are the keys already in storage, which other tabs may
 * have read, so they are not written again (over another tab's newer write).
 */
export interface PartialBatch {
  written?: string[];
}

/** A name shared by the Atmos instances of one store's place (`prefix` + `name`, then `@place` when the store has one): its news channel, its lease. */
export function placeName(store: Store, prefixed: string): string {
  return store.place === undefined ? prefixed : `${prefixed}@${store.place}`;
}
