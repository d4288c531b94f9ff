import type { PartialBatch, Store, StoreOp } from "./store";

/**
 * What atmos2 uses of a Web Storage object (localStorage, sessionStorage, a
 * polyfill), declared here so that its types need no DOM lib.
 */
export interface WebStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * A Store over the Web Storage API (localStorage, sessionStorage, or a
 * polyfill in Node). One storage key per value, so writing one record costs
 * the size of that record, never the size of the collection.
 */
export class WebStorageStore implements Store {
  /** A store over `storage`, or over the global localStorage (throwing, naming the options, where there is none). */
  static of(storage: WebStorage | undefined): WebStorageStore {
    const chosen = storage ?? (globalThis as { localStorage?: Storage }).localStorage;
    if (!chosen) {
      throw new Error("atmos2: no localStorage here; pass new Atmos({ storage }) (e.g. from localstorage-polyfill) or new Atmos({ store })");
    }
    return new WebStorageStore(chosen);
  }

  /** The Web Storage object written to (the change feed listens to its `storage` events). */
  constructor(readonly storage: WebStorage) {
    if (!storage || typeof storage.getItem !== "function") {
      throw new Error("atmos2: WebStorageStore needs a Web Storage object (localStorage, sessionStorage or a polyfill)");
    }
  }

  /** Only the page's localStorage is seen by the other tabs of its origin. */
  get sharedByTabs(): boolean {
    try {
      return this.storage === (globalThis as { localStorage?: Storage }).localStorage;
    } catch {
      return false; // storage blocked for this page: nothing is shared
    }
  }

  /**
   * Tells `listener` when another tab clears this storage
   * (`localStorage.clear()`, whose `storage` event names no key; store.ts).
   * Nothing to hear outside a page.
   */
  onWiped(listener: () => void): () => void {
    const page = globalThis as { addEventListener?: (type: string, fn: (event: StorageEvent) => void) => void; removeEventListener?: (type: string, fn: (event: StorageEvent) => void) => void };
    if (typeof page.addEventListener !== "function") return () => undefined;
    const onStorage = (event: StorageEvent) => {
      if (event.key === null && event.storageArea === this.storage) listener();
    };
    page.addEventListener("storage", onStorage);
    return () => page.removeEventListener?.("storage", onStorage);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.read<T>(key);
  }

  async put(key: string, value: unknown): Promise<void> {
    this.putSync(key, JSON.stringify(value));
  }

  putSync(key: string, json: string): void {
    this.storage.setItem(key, json);
  }

  async delete(key: string): Promise<void> {
    this.storage.removeItem(key);
  }

  /**
   * Web Storage has no transactions. Puts go first, deletes last, and a failed
   * put (storage full) stops the batch before anything is deleted, so a crash
   * or quota error leaves the old data readable.
   */
  async batch(ops: StoreOp[]): Promise<void> {
    const written: string[] = [];
    try {
      for (const op of ops) {
        if (op.type !== "put") continue;
        this.putSync(op.key, JSON.stringify(op.value));
        written.push(op.key);
      }
      for (const op of ops) {
        if (op.type !== "delete") continue;
        this.storage.removeItem(op.key);
        written.push(op.key);
      }
    } catch (error) {
      // The puts before the one that failed are in storage (see PartialBatch).
      if (written.length && error && typeof error == "object") (error as PartialBatch).written = written;
      throw error;
    }
  }

  async entries<T>(prefix: string): Promise<Array<[string, T]>> {
    return this.entriesSync<T>(prefix);
  }

  entriesSync<T>(prefix: string): Array<[string, T]> {
    const keys = this.allKeys().filter((key) => key.startsWith(prefix));
    const result: Array<[string, T]> = [];
    for (const key of keys) {
      const value = this.read<T>(key);
      if (value !== undefined) result.push([key, value]);
    }
    return result;
  }

  /**
   * Browsers list a Storage's keys as own properties, which is O(N); some
   * polyfills only offer key(i), which may itself be O(N) per call.
   */
  private allKeys(): string[] {
    const storage = this.storage;
    const own = Object.keys(storage);
    // A polyfill's own fields (e.g. a map and a quota) can match the item
    // count by chance: use own keys only when every one of them is an item.
    if (own.length === storage.length && own.every((key) => storage.getItem(key) !== null)) return own;
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null) keys.push(key);
    }
    return keys;
  }

  /** Keys found not to hold JSON, in the order found; the first `handed` were given to `unreadable()` (each is named once). */
  private named = new Set<string>();
  private handed = 0;

  unreadable(): string[] {
    const found = [...this.named].slice(this.handed);
    this.handed = this.named.size;
    return found;
  }

  private read<T>(key: string): T | undefined {
    const raw = this.storage.getItem(key);
    if (raw === null || raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      // Cut short, or another program's value under our prefix: skipped
      // rather than refuse to load everything else, and named (Atmos emits it).
      this.named.add(key);
      return undefined;
    }
  }
}
