/**
 * Tells other tabs of the same app which storage keys this tab wrote, so
 * they can re-read those records (IndexedDB has no storage event of its own).
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
