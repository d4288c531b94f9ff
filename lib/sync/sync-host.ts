import type { AtmosRecord } from "../model-types";
import type { ModelOptions } from "../app-context";
import type { Clock } from "../env/clock";
import type { Random } from "../env/uuid";
import type { MetaContext } from "../meta-context";
import type { Attrs, RecordEntry } from "../store/record-entry";
import type { ResourceClient } from "./resource-client";
import type { OfflineStatusCodes } from "./retry-policy";
import type { ErrorPayload } from "./sync-error";

/** Per-call options of a remote save, destroy or sync (API.md). */
export interface RemoteCallOptions {
  pathParams?: Record<string, unknown>;
  params?: Record<string, unknown>;
  prepareData?: (data: Attrs, record: unknown) => unknown;
  updateFromData?: (record: unknown, data: unknown) => Attrs | void;
  success?: (record: unknown, response: unknown) => void;
  error?: (record: unknown, error: ErrorPayload) => void;
}

/**
 * What the pusher and puller need from the Atmos instance. Keeps them free of
 * Spine and testable on their own.
 */
export interface SyncHost {
  readonly meta: MetaContext;
  readonly rc: ResourceClient;
  readonly clock: Clock;
  readonly random: Random;
  readonly offlineStatusCodes: OfflineStatusCodes;
  options(className: string): ModelOptions;
  /**
   * The Spine record for callbacks and error payloads. One Spine no longer
   * holds (destroyed, or not loaded) is made from `attrs`, a record of its
   * model that is not added to Spine's collection; null without `attrs`.
   */
  record(className: string, id: string, attrs?: Attrs): AtmosRecord | null;
  /** Shows the server's attributes of a record in the UI (Spine refresh events, as Spine Ajax fires for an answer). */
  show(entry: RecordEntry, attrs: Attrs): void;
  /** Gives a record its server id everywhere: storage, UI, foreign keys (`quiet`: the caller shows the record next, with its refresh). */
  swapId(entry: RecordEntry, newId: string, quiet?: boolean): void;
  /** Whether this tab holds the lease to send the outbox. */
  isLeader(): boolean;
  /** Whether this tab holds it now, read again if it may have lapsed (see TabLease.confirm): before a send, and for an answer. */
  confirmLeader(): boolean | Promise<boolean>;
  /** Resolves once no create of the model is in flight from this tab (answered, or failed), with whether one was when asked. */
  createsAnswered(className: string): Promise<boolean>;
  /**
   * Sends now (skipping a backoff) the creates of the model that were sent
   * and not answered, and resolves once they are answered or failed again:
   * each may be on the server, where only its answer tells which item it is.
   */
  retryLostCreates(className: string): Promise<void>;
  /** Removes a record from the UI (Spine destroy events). */
  hide(className: string, id: string): void;
  reportError(payload: ErrorPayload): void;
  /** A server version changed under a local edit and was merged (the `conflict` event). */
  conflict?(entry: RecordEntry, local: Attrs, remote: Attrs, merged: Attrs, base?: Attrs): void;
  setOnline(online: boolean): void;
  /** Whether the network was up at the last attempt. */
  online(): boolean;
  authFailed(): void;
  statusChanged(entry?: RecordEntry): void;
  /** Per-call options registered with the op (callbacks do not survive a reload). */
  callOptions(opKey: string): RemoteCallOptions[];
  dropCallOptions(opKey: string): void;
}
