/**
 * Whether the network is reachable, as an injected seam.
 *
 * `navigator.onLine` lies in Chromium, so atmos2 starts as online and learns
 * from failed requests; this seam only reports the *transitions* the platform
 * tells us about (the window's `online`/`offline` events), which are used to
 * send at once when the network comes back.
 */
export interface Connectivity {
  /** Subscribe to transitions; returns the unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** Listens to the window's `online` and `offline` events where there is a window. */
export function browserConnectivity(): Connectivity {
  return {
    subscribe(listener) {
      const target = globalThis as unknown as {
        addEventListener?: (name: string, fn: () => void) => void;
        removeEventListener?: (name: string, fn: () => void) => void;
      };
      if (typeof target.addEventListener !== "function") return () => {};
      const up = () => listener(true);
      const down = () => listener(false);
      target.addEventListener("online", up);
      target.addEventListener("offline", down);
      return () => {
        target.removeEventListener?.("online", up);
        target.removeEventListener?.("offline", down);
      };
    },
  };
}

/** A connectivity you switch by hand: for Node apps and for specs. */
export class ManualConnectivity implements Connectivity {
  private listeners = new Set<(online: boolean) => void>();
  online = true;

  subscribe(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(online: boolean): void {
    this.online = online;
    for (const listener of [...this.listeners]) listener(online);
  }
}
