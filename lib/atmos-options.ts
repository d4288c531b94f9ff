import type { Clock } from "./env/clock";
import type { AtmosRecord } from "./model-types";
import type { Connectivity } from "./env/connectivity";
import type { TabLease } from "./env/tab-lease";
import type { Random } from "./env/uuid";
import type { Attrs } from "./store/record-entry";
import type { ChangeFeed } from "./store/change-feed";
import type { Store } from "./store/store";
import type { LiveSocketConstructor } from "./live/live-socket";
import type { LiveEvents } from "./live/live-host";
import type { ErrorPayload } from "./sync/sync-error";
import type { WebStorage } from "./store/web-storage-store";

/** `atmos.status()`: what the UI shows in a sync pill. */
export interface SyncStatus {
  pending: number;
  inFlight: number;
  failed: number;
  online: boolean;
}

export interface ConflictEvent {
  model: string;
  /** The Spine record, or null when the page holds none for it. */
  record: AtmosRecord | null;
  local: Attrs;
  remote: Attrs;
  merged: Attrs;
  /**
   * The server version the local edit was based on, when known: a field
   * whose `local` and `remote` values both differ from it was changed on
   * both sides (`merged` holds the value kept).
   */
  base?: Attrs;
}

/**
 * Events on the Atmos instance and their payloads (`atmos.on(name, fn)`).
 * The `live:*` ones come from `atmos.live` (import "atmos2/live").
 */
export interface AtmosEvents extends LiveEvents {
  /** A request was refused with HTTP 401; sending waits for `atmos.resume()`. */
  auth_fail: ErrorPayload;
  /** A request succeeded after an `auth_fail`. */
  auth_success: void;
  /** Every failed request, and failed storage writes. */
  error: ErrorPayload;
  online: void;
  offline: void;
  /** The counts of pending / in-flight / failed changes changed. */
  status: SyncStatus;
  /** A pull met a record with unsent local edits; `merged` is what is kept. */
  conflict: ConflictEvent;
}

export interface AtmosOptions {
  /** A Web Storage object (default `globalThis.localStorage`). */
  storage?: WebStorage | undefined;
  /** An asynchronous store adapter (e.g. IndexedDBStore); overrides `storage`. */
  store?: Store | undefined;
  /** Prefix of every storage key (default "atmos2:"). */
  prefix?: string | undefined;
  clock?: Clock | undefined;
  random?: Random | undefined;
  connectivity?: Connectivity | undefined;
  /** Which tab sends (default: Web Locks or a storage lease in browsers, sole sender in Node). */
  lease?: TabLease | undefined;
  /** WebSocket implementation for `atmos.live` (default: the global WebSocket, else the `ws` package). */
  WebSocket?: LiveSocketConstructor | undefined;
  /** How other tabs hear of this tab's writes (default: the browser's storage event over the page's localStorage, a BroadcastChannel over other stores, silent in Node). */
  feed?: ChangeFeed | undefined;
}
