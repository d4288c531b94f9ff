import { placeName, type Store } from "./store";
import { WebStorageStore, type WebStorage } from "./web-storage-store";

/**
 * Tells other tabs of the same app which storage keys this tab wrote, so
 * they can re-read those records.
 */
export interface ChangeFeed {
  publish(keys: string[]): void;
  subscribe(listener: (keys: string[]) => void): () => void;
  close(): void;
}

export const silentFeed: ChangeFeed = { publish: () => undefined, subscribe: () => () => undefined, close: () => undefined };

/** A BroadcastChannel feed in browsers; silent elsewhere. */
export function browserFeed(name: string): ChangeFeed {
  const isBrowser = typeof (globalThis as { document?: unknown }).document !== "undefined";
  const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  if (!isBrowser || !Channel) return silentFeed;
  const channel = new Channel(name);
  // Node's (a test with a global document): it must not hold the process open.
  (channel as { unref?: () => void }).unref?.();
  const listeners = new Set<(keys: string[]) => void>();
  channel.onmessage = (event: MessageEvent) => {
    const keys = (event.data as { keys?: unknown })?.keys;
    if (Array.isArray(keys)) for (const fn of listeners) fn(keys.map(String));
  };
  return {
    publish: (keys) => channel.postMessage({ keys }),
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: () => channel.close(),
  };
}

/**
 * The feed an Atmos uses unless given one: over the page's own localStorage
 * (or sessionStorage), the browser's `storage` event, which the browser
 * sends other tabs for every write at no cost to the writer; elsewhere (an
 * IndexedDB store, which has no such event) a BroadcastChannel message per
 * batch written, which costs about as much as the write itself.
 */
export function defaultFeed(store: Store, prefix: string): ChangeFeed {
  if (store instanceof WebStorageStore && isPageStorage(store.storage)) return storageEventFeed(store.storage, `${prefix}rec:`);
  return browserFeed(placeName(store, `${prefix}changes`));
}

/** Whether `storage` is this page's localStorage or sessionStorage (the ones `storage` events report). */
function isPageStorage(storage: WebStorage): boolean {
  const page = globalThis as { document?: unknown; addEventListener?: unknown; localStorage?: Storage; sessionStorage?: Storage };
  if (typeof page.document === "undefined" || typeof page.addEventListener !== "function") return false;
  try {
    return storage === page.localStorage || storage === page.sessionStorage;
  } catch {
    return false; // storage blocked for this page (e.g. a sandboxed frame)
  }
}

/** Storage-event feeds of this realm: another Atmos on the same page fires no storage event here. */
const sameRealm = new Set<{ storage: WebStorage; prefix: string; take(keys: string[]): void }>();

/**
 * Keys under `prefix` that other tabs wrote to `storage`, from the browser's
 * `storage` event (and, since a page's own writes fire none, from any other
 * Atmos over the same storage in this page, told directly). A tab writing
 * many records fires an event per key: they are handed on together once
 * the burst is over (a timer, not a microtask: each event is a task of its own).
 */
export function storageEventFeed(storage: WebStorage, prefix: string): ChangeFeed {
  const page = globalThis as unknown as Window;
  const listeners = new Set<(keys: string[]) => void>();
  let keys = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deliver = () => {
    timer = undefined;
    const batch = Array.from(keys);
    keys = new Set();
    for (const fn of listeners) fn(batch);
  };
  const take = (written: string[]) => {
    for (const key of written) if (key.startsWith(prefix)) keys.add(key);
    if (keys.size) timer ??= setTimeout(deliver, 0);
  };
  const onStorage = (event: StorageEvent) => {
    if (event.storageArea === storage && event.key) take([event.key]);
  };
  const self = { storage, prefix, take };
  sameRealm.add(self);
  page.addEventListener("storage", onStorage);
  return {
    publish: (written) => {
      // The usual page has one Atmos: nothing to tell (the browser tells other tabs).
      if (sameRealm.size < 2) return;
      for (const other of sameRealm) if (other !== self && other.storage === storage && other.prefix === prefix) other.take(written);
    },
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: () => {
      sameRealm.delete(self);
      page.removeEventListener("storage", onStorage);
      if (timer !== undefined) clearTimeout(timer);
      listeners.clear();
    },
  };
}
