import type { Store } from "../store/store";
import type { LiveChange, SeqMap } from "./live-protocol";

/**
 * What the live client needs from its owner (the Atmos instance): apply a
 * change to local records, emit events, persist seqs, pull after a resync.
 */
export interface LiveHost {
  /** Applies via the app context; never echoes back, never overwrites unsent local edits. */
  applyLiveChange(change: LiveChange): Promise<void>;
  /** Events on atmos: live:connected, live:disconnected, live:change, live:error, live:resync. */
  emit(event: string, payload?: unknown): void;
  /** Where the last applied seq per channel is kept (keys start with `${prefix}live:`). */
  store: Store;
  /** The storage key prefix of the owner (default "atmos2:"). */
  readonly prefix?: string;
  /**
   * Called after a `resync`: with a collection name for each of the client's
   * `resyncCollections`, or once with no argument (= every model) when none
   * are configured, since a channel does not say which collections it carries.
   */
  pull?(collection?: string): Promise<void>;
}

/** Payloads of the events the live client emits on its host. */
export interface LiveEvents {
  "live:connected": { channels: string[]; seq: SeqMap };
  "live:disconnected": { code: number; reason: string };
  "live:change": { channel: string; seq: number; change: LiveChange };
  /** `code` 4401/4403 when the server refused the token or a channel; `change` when applying one failed. */
  "live:error": { error: Error; code?: number; change?: LiveChange };
  "live:resync": { channel: string; seq: number };
}
