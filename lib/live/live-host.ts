import type { AppContext, ModelOptions } from "../app-context";
import type { MetaContext } from "../meta-context";
import type { RecordEntry } from "../store/record-entry";
import type { Store } from "../store/store";
import type { PullOptions } from "../sync/puller";
import type { ResourceClient } from "../sync/resource-client";
import type { LiveChange, SeqMap } from "./live-protocol";

/**
 * What the live entry uses of an Atmos instance (lib/atmos.ts implements
 * it): named here so that the live client does not depend on the core's
 * class, which names the live client's type for `atmos.live`.
 */
export interface LiveAtmos {
  readonly store: Store;
  readonly prefix: string;
  readonly metaContext: MetaContext;
  readonly appContext: AppContext;
  readonly resourceClient: ResourceClient;
  emit(name: keyof LiveEvents, payload?: LiveEvents[keyof LiveEvents]): void;
  options(className: string): ModelOptions;
  sync(className: string, options?: PullOptions & { remote?: boolean }): Promise<unknown>;
  statusChanged(entry?: RecordEntry): void;
  createsAnswered(className: string): Promise<void>;
}

/**
 * What the live client needs from its owner (the Atmos instance): apply a
 * change to local records, emit events, persist seqs, pull after a resync.
 */
export interface LiveHost {
  /** Applies via the app context; never echoes back, never overwrites unsent local edits. */
  /** Resolves with "kept" when a record with unsent local edits was left as it was (see live:change's `kept`). */
  applyLiveChange(change: LiveChange): Promise<"kept" | void>;
  /** Events on atmos: live:connected, live:disconnected, live:change, live:error, live:resync. */
  emit(event: string, payload?: unknown): void;
  /** Where the last applied seq per channel is kept (keys start with `${prefix}live:`). */
  store: Store;
  /** The storage key prefix of the owner (default "atmos2:"). */
  readonly prefix?: string;
  /** Whether every record write so far reached storage (false while storage is full): the last applied seq is stored only then. */
  recordsStored?(): boolean;
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
  /**
   * The change applied, as it arrived (`type`, `collection`, `id`, `attrs`),
   * with its channel and seq; `change` is the same change. `kept: true`: it
   * was not applied, the record has unsent local edits and stays as the user
   * has it (a delete elsewhere: the edit's push is then answered 404 or a
   * deleted record, and `atmos.revert(record)` removes it).
   */
  "live:change": LiveChange & { channel: string; seq: number; change: LiveChange; kept?: true };
  /** `code` 4401/4403 when the server refused the token or a channel; `change` when applying one failed. */
  "live:error": { error: Error; code?: number; change?: LiveChange };
  "live:resync": { channel: string; seq: number };
}
