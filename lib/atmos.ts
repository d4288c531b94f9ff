import type { AtmosEvents, AtmosOptions, ConflictEvent, SyncStatus } from "./atmos-options";
import { badOption, checkedOptions } from "./checked-options";
import { checkAtmosOptions } from "./call-options";
import { AppContext, modelOptions, type ModelOptions } from "./app-context";
import { heldClock, systemClock, type Clock, type HeldClock } from "./env/clock";
export type { AtmosEvents, AtmosOptions, SyncStatus, ConflictEvent } from "./atmos-options";
import { browserConnectivity } from "./env/connectivity";
import { uuidv4, type Random } from "./env/uuid";
import { Emitter } from "./events";
import { defaultLease, type TabLease } from "./env/tab-lease";
import { browserFeed, defaultFeed, type ChangeFeed } from "./store/change-feed";
import { swapId, type RemoteContext } from "./sync/apply-remote";
import { StatusBoard } from "./sync/status-board";
import type { LiveClient } from "./live/live-client";
import { MetaContext } from "./meta-context";
import { syncStateOf, type RecordEntry, type SyncState } from "./store/record-entry";
import { placeName, type Store } from "./store/store";
import { WebStorageStore } from "./store/web-storage-store";
import { LocalChanges } from "./sync/local-changes";
import { tellOrphans } from "./sync/parent-order";
import { revertEntry } from "./sync/revert";
import { triedElsewhere, type RememberedCalls } from "./sync/settled-elsewhere";
import { TabNews } from "./sync/tab-news";
import { syncModel, type ModelSyncParts, type SyncOptions } from "./sync/model-sync";
import { Puller } from "./sync/puller";
import { Pusher } from "./sync/pusher";
import { outboxRows, type OutboxRow } from "./sync/outbox-rows";
import { ResourceClient } from "./sync/resource-client";
import { offlineDefaults, type OfflineStatusCodes } from "./sync/retry-policy";
import { noteOutcome } from "./sync/request-outcome";
import { storageFailure, storageUnread, unreadableStored, type SyncError } from "./sync/sync-error";
import type { SyncHost } from "./sync/sync-host";

/**
 * `last`: the Atmos the models used, closed, when none was made since; the
 * models then read its state but do not start a default one (atmosphere.ts).
 */
export const closed: { last?: Atmos } = {};

/** The Atmos instances made and not closed, oldest first: closing the last one made hands the models to the one before. */
const open: Atmos[] = [];

/** What a closed Atmos, and the models after it, throw on what would send, pull or store. */
export const closedError = () => new Error("atmos2: the Atmos was closed (atmos.close()): make a new one, new Atmos(...), to sync again");

/** Every event an Atmos emits (its live part's too): `on()` refuses any other name. A record, so the type checker finds one left out. */
const EVENTS = Object.keys({
  auth_fail: 1, auth_success: 1, error: 1, online: 1, offline: 1, status: 1, conflict: 1,
  "live:connected": 1, "live:disconnected": 1, "live:change": 1, "live:error": 1, "live:resync": 1,
} satisfies Record<keyof AtmosEvents, 1>);

/** A Spine record, `{ className, id }`, or a row of `atmos.outbox()` (`{ model, id }`). */
export type RecordRef = { id: unknown } | { className: string; id: unknown } | { model: string; id: unknown };

/**
 * The synchroniser: wires the resource client, the record of remotely-known
 * ids, the outbox pusher and the puller to the Spine models extended with
 * `Spine.Model.Atmosphere`.
 *
 * This file is the public surface of API.md's "Atmos instance" section (one
 * method per entry, each delegating to the part that does the work; `on`,
 * `off` and `emit` are the Emitter's), which is why it is longer than the others.
 */
export class Atmos extends Emitter<AtmosEvents> {
  /** The last Atmos made (once it is closed, the last one made before it that is still open); the Atmosphere extension uses it. */
  static instance: Atmos | undefined;

  readonly resourceClient = new ResourceClient();
  readonly appContext = new AppContext();
  readonly metaContext: MetaContext;
  readonly store: Store;
  /** Statuses that mean "offline, retry later" (or a function of the failed response); checked when assigned (see the end of this file). */
  declare offlineStatusCodes: OfflineStatusCodes;
  readonly clock: Clock;
  /** `clock` for sending and storing: its timers hold a Node process open while the app awaits them. */
  private readonly timers: HeldClock;
  readonly random: Random;
  /** Prefix of every storage key this instance writes (`new Atmos({ prefix })`, default "atmos2:"). */
  readonly prefix: string;
  /**
   * The live client's class, set by `import "atmos2/live"` (or by loading
   * dist/atmos2-live.js after dist/atmos2.js). Kept out of the core so an app
   * without live updates does not download it.
   */
  static LiveClient?: typeof LiveClient;
  private liveClient?: LiveClient;
  private readonly WebSocket: AtmosOptions["WebSocket"];
  private readonly pusher: Pusher;
  private readonly puller: Puller;
  private readonly host: SyncHost;
  /** The options and callbacks of this tab's remote calls, by op key, with the record each was made on. */
  private readonly callbacks = new Map<string, RememberedCalls>();
  private readonly lease: TabLease;
  private readonly feed: ChangeFeed;
  /** Between the app's tabs: Retry-After pauses, and resume() (see the constructor). */
  private readonly pauses: ChangeFeed;
  private readonly remote: RemoteContext;
  private readonly board: StatusBoard;
  private authFailed = false;
  /**
   * What the app's Spine calls on extended models do here (the hooks
   * `Spine.Model.Atmosphere` calls): queue, keep refreshed records, follow ids.
   */
  readonly hooks: LocalChanges;
  /** What `close()` stops: each once. */
  private readonly closers: Array<() => void>;
  private shut = false;
  /** Shows what other tabs of the app wrote, and sends what they left to send once this tab may. */
  private readonly tabNews: TabNews;
  /** What `Model.sync` needs of this instance (sync/model-sync.ts). */
  private readonly modelSync: ModelSyncParts;

  constructor(options: AtmosOptions = {}) {
    super(EVENTS);
    checkAtmosOptions(options);
    this.clock = options.clock ?? systemClock;
    this.timers = heldClock(this.clock);
    this.random = options.random ?? Math.random;
    this.store = options.store ?? WebStorageStore.of(options.storage);
    const prefix = (this.prefix = options.prefix ?? "atmos2:");
    this.offlineStatusCodes = [...offlineDefaults];
    this.feed = options.feed ?? defaultFeed(this.store, prefix);
    this.metaContext = new MetaContext(this.store, {
      prefix,
      clock: this.timers,
      onWriteError: (error, entry) => this.emit("error", storageFailure(error, entry?.className ?? null, entry ? this.appContext.find(entry.className, entry.id) ?? null : null, this.store.whenFull)),
      onWritten: (keys) => this.feed.publish(keys),
      localOnly: (className) => this.options(className).local,
    });
    this.remote = { meta: this.metaContext, app: this.appContext, options: (className) => this.options(className) };
    this.board = new StatusBoard({
      meta: this.metaContext,
      sendable: (entry) => this.pusher.sendable(entry),
      stuck: (entry) => this.pusher.stuck(entry),
      inFlight: () => this.pusher.inFlightCount,
      emit: (name, payload) => this.emit(name, payload as never),
      notify: (entry) => this.appContext.notifySyncState(entry.className, entry.id, syncStateOf(entry)),
    });
    this.host = this.createHost();
    const rc = this.resourceClient;
    rc.models = () => this.appContext.classNames();
    rc.pauses.clock = this.timers;
    // A Retry-After one tab was told holds the app's other tabs too; a
    // resume() after a 401, called in any tab, reaches the one sending.
    const pauses = (this.pauses = browserFeed(`${prefix}pauses`));
    rc.pauses.onPause = (origin, until) => pauses.publish([origin, String(until)]);
    const stopPauses = pauses.subscribe(([origin, until]) => (until === undefined ? this.pusher.resume() : rc.pauses.hold(origin, Number(until))));
    // An execute() is a request as a pull is: an answer says the network is
    // up (and, after a 401, auth_success), no answer that it is down; a
    // failure is reported (error, and on a 401 auth_fail). A 401 does not
    // pause the outbox: a custom endpoint may need rights the records'
    // routes do not, and a queued change refused with 401 pauses it anyway.
    rc.executeSettled = (error) => {
      noteOutcome(this.host, error, () => this.board.setOnline(false));
      if (error) this.reportFailure(null, error);
    };
    this.pusher = new Pusher(this.host);
    this.hooks = new LocalChanges({
      host: this.host,
      app: this.appContext,
      kick: () => this.pusher.kick(),
      remember: (key, options, className, id) => {
        const known = this.callbacks.get(key);
        if (known) known.calls.push(options);
        else this.callbacks.set(key, { className, id, calls: [options] });
      },
    });
    this.puller = new Puller(this.host);
    this.modelSync = {
      host: this.host,
      app: this.appContext,
      puller: this.puller,
      board: this.board,
      kick: () => this.pusher.kick(),
      closed: () => (this.shut ? closedError() : undefined),
      reportFailure: (model, error) => this.reportFailure(model, error),
      conflict: (model, id, versions) => this.conflict(model, id, versions),
    };
    this.tabNews = new TabNews({ remote: this.remote, host: this.host, board: this.board, pusher: this.pusher, callbacks: this.callbacks });
    const unsubscribe = (options.connectivity ?? browserConnectivity()).subscribe((online) => {
      if (online) this.pusher.wake();
      this.board.setOnline(online);
    });
    Atmos.instance = this;
    open.push(this);
    closed.last = undefined;
    this.lease = options.lease ?? defaultLease(this.store, placeName(this.store, `${prefix}lease`), uuidv4(), this.clock);
    this.WebSocket = options.WebSocket;
    const stopFeed = this.feed.subscribe((keys) => void this.tabNews.wrote(keys));
    // What a gone tab wrote, or was writing: news to this tab and the others.
    const stopFollowing = this.store.followGoneTabs?.({
      ready: this.metaContext.ready.catch(() => undefined),
      mayWriteBack: (key, value) => this.metaContext.mayWriteBack(key, value),
      wrote: (keys) => {
        this.feed.publish(keys);
        void this.tabNews.wrote(keys);
      },
    });
    // Storage wiped by another tab: this page forgets what it held too (app-context.ts).
    const stopWiped = this.store.onWiped?.(() => Atmos.instance === this && this.appContext.forgetAll());
    this.closers = [unsubscribe, stopFeed, () => stopFollowing?.(), () => stopWiped?.(), () => this.feed.close(), stopPauses, () => pauses.close(), () => this.lease.release(), () => this.liveClient?.disconnect()];
    // Resume an outbox left by an earlier page load, once this tab may send.
    // Counted at once when storage answered at once: whenSynced() right
    // after new Atmos() waits for what it holds.
    const count = () => {
      for (const entry of this.metaContext.queued()) this.board.track(entry);
      this.board.changed();
    };
    const countedAtOnce = this.metaContext.loaded;
    if (countedAtOnce) count();
    let retry: unknown;
    let unread = false;
    const afterRead = () =>
      this.metaContext.ready.then(
        () => {
          // Closed before storage was read: it never takes the lease (it would hold it for good).
          if (this.shut) return;
          if (!countedAtOnce) count();
          for (const key of this.store.unreadable?.() ?? []) if (key.startsWith(this.prefix)) this.emit("error", unreadableStored(key, this.metaContext.recordOf(key)?.[0] ?? null));
          this.tabNews.takeTurnsSending(this.lease);
        },
        // Storage could not be read (an IndexedDB that failed to open): said once, and read again, as writes are tried again.
        (error: unknown) => {
          if (this.shut) return;
          if (!unread) this.emit("error", storageUnread(error));
          unread = true;
          retry = this.clock.setTimeout(afterRead, 5000);
        },
      );
    void afterRead();
    this.closers.push(() => this.clock.clearTimeout(retry));
  }

  /** Live updates from an atmos2-server: `atmos.live.connect(url, { token, channels })`. Needs `import "atmos2/live"`. */
  get live(): LiveClient {
    const Live = Atmos.LiveClient;
    if (!Live) {
      throw new Error('atmos.live needs the live client: add import "atmos2/live" (or a script tag for dist/atmos2-live.js after dist/atmos2.js)');
    }
    if (!this.liveClient) {
      const client = (this.liveClient = new Live(this, { clock: this.clock, random: this.random, WebSocket: this.WebSocket }));
      // Back online: live updates resume at once, not after the socket's back-off.
      this.on("online", () => client.wake());
    }
    return this.liveClient;
  }

  /** Sends every unsent change of every model (or of one class); resolves when the sends have settled. */
  push(className?: string): Promise<void> {
    return this.refused() ?? this.timers.hold(this.pushNow(className));
  }

  private async pushNow(className?: string): Promise<void> {
    // Pending from this call on (syncState, whenSynced), before any wait.
    if (this.metaContext.loaded) this.pusher.release(className);
    await this.metaContext.ready;
    // Right after a page opens, wait to know whether this tab is the sender.
    await this.lease.decided;
    // Another tab sends: wait until it has tried what is queued now.
    const tried = this.host.isLeader() ? undefined : triedElsewhere(this.metaContext, (e) => !e.failed && !this.pusher.stuck(e), className);
    await this.pusher.push(className);
    if (tried) await this.board.until(tried);
    await this.metaContext.flush().catch(() => undefined);
  }

  /** Resolves when nothing is left to send (parked failures excepted) and storage is written. */
  whenSynced(): Promise<void> {
    const refused = this.refused();
    if (refused) return refused;
    // Nothing to send (as right after a local save): only the write to wait for.
    if (this.metaContext.loaded && this.board.idle() && !this.tabNews.shown()) return this.metaContext.flush();
    return this.timers.hold(this.untilSynced());
  }

  private async untilSynced(): Promise<void> {
    await this.metaContext.ready;
    // Another tab's news being read may bring changes to send (a record it made, a change it left).
    await this.tabNews.shown();
    await this.board.until(() => this.board.idle());
    await this.metaContext.flush();
  }

  status(): SyncStatus {
    return this.board.status();
  }

  /**
   * The unsent changes, one row per record, oldest first: what the next
   * request does (create, update, delete), how often it was tried, why it
   * last failed, and whether it is sending, waiting, held or parked. A
   * read-only copy for a "what is waiting" view; act on a row with
   * `retry(row)` or `revert(row)`.
   */
  outbox(): OutboxRow[] {
    return outboxRows(this.metaContext.queued(), (entry) => this.pusher.sending(entry));
  }

  /** Sends a parked change again. */
  retry(record: RecordRef): Promise<void> {
    return this.refused() ?? this.timers.hold(this.retryNow(record));
  }

  private async retryNow(record: RecordRef): Promise<void> {
    const entry = this.entryOf(record, "retry");
    if (!entry) return;
    entry.failed = undefined;
    entry.queue = entry.queue.map((op) => ({ ...op, hold: undefined }));
    this.metaContext.touch(entry);
    this.board.changed(entry);
    this.pusher.kick();
    // Settled: answered, or waiting for a parked parent.
    await this.board.until(() => syncStateOf(this.metaContext.get(entry.className, entry.id)) !== "pending" || this.pusher.stuck(entry));
  }

  /** Drops the unsent changes of a record and restores the last server version. */
  async revert(record: RecordRef): Promise<void> {
    if (this.shut) throw closedError();
    const entry = this.entryOf(record, "revert");
    if (!entry) return;
    tellOrphans(this.host, revertEntry(this.remote, entry, record));
    this.board.changed(entry);
    await this.metaContext.flush();
  }

  /** Sends again after a 401 paused sending (call it once the token is refreshed), in whichever tab sends. */
  resume(): void {
    this.pusher.resume();
    this.pauses.publish(["resume"]);
  }

  /** Stops timers, sockets and sending. */
  close(): void {
    this.shut = true;
    this.resourceClient.close(closedError);
    // Changes still in memory (e.g. storage was full) get one last try.
    void this.metaContext.flush().catch(() => undefined);
    this.pusher.close();
    this.metaContext.close();
    for (const close of this.closers.splice(0)) close();
    const at = open.indexOf(this);
    if (at >= 0) open.splice(at, 1);
    if (Atmos.instance === this) {
      // An earlier one still open takes the models back (as it takes back sending: see tab-lease.ts).
      Atmos.instance = open[open.length - 1];
      closed.last = Atmos.instance ? undefined : this;
    }
  }

  /** Model.sync(options): local records first, then (remote) the server's. */
  sync(className: string, options: SyncOptions = {}): Promise<unknown[]> {
    return syncModel(this.modelSync, className, options);
  }

  syncState(className: string, id: string): SyncState {
    return syncStateOf(this.metaContext.get(className, id));
  }

  dirty(className: string): string[] {
    return this.metaContext.all(className).filter((e) => !e.deleted && (e.queue.length > 0 || e.failed)).map((e) => e.id);
  }

  destroyedIds(className: string): string[] {
    // (A record cleared by deleteAll() while its save was out is deleted here, but has no delete to send.)
    return this.metaContext.all(className).filter((e) => e.deleted && e.acked && e.queue.some((op) => op.kind === "destroy")).map((e) => e.id);
  }

  options(className: string): ModelOptions {
    const options = modelOptions(this.appContext.model(className), className);
    // A remote-only model is never cached locally.
    if (options.remote) this.metaContext.volatile.add(className);
    return options;
  }

  /**
   * A record's sync state may have changed by a change from elsewhere (a
   * live update): views and `status()` hear of it. (For atmos2's own parts.)
   */
  statusChanged(entry?: RecordEntry): void {
    this.board.changed(entry);
  }

  /**
   * Resolves once no create of this model is on its way from this tab, the
   * ones sent and not answered (before, or while it waited) sent again and
   * answered too (for atmos2's own parts: news of a record this tab does not
   * know may be of one of them).
   */
  createsAnswered(className: string): Promise<void> {
    // In flight now and unanswered in the end (a timeout): sent again too, once.
    const flying = this.pusher.creating(className);
    return this.host
      .retryLostCreates(className)
      .then(() => this.host.createsAnswered(className))
      .then(() => (flying ? this.host.retryLostCreates(className) : undefined));
  }

  /** Whether a create of `className` went out and is not answered, nor being sent now. */
  private lostCreateOf(className: string): boolean {
    for (const e of this.metaContext.queued()) if (e.className === className && !e.failed && e.queue[0].kind === "create" && e.queue[0].sent && !this.pusher.sending(e)) return true;
    return false;
  }

  /** Once closed, what would send or change the store rejects, as the models throw (atmosphere.ts). */
  private refused(): Promise<never> | undefined {
    return this.shut ? Promise.reject(closedError()) : undefined;
  }

  /** The `error` event (and on a 401 `auth_fail`) of a failed pull or custom request. */
  private reportFailure(model: string | null, error: SyncError): void {
    this.host.reportError({ model, record: null, status: error.status, body: error.body, error, type: error.type });
  }

  /**
   * Whether the server answers. Back online, learnt from an answer (a pull's,
   * a 401), not only from the browser: what waited for a server that was
   * down goes at once (unless a 401 paused sending).
   */
  private reachable(online: boolean): void {
    if (online && !this.board.online) this.pusher.answeredAgain();
    this.board.setOnline(online);
  }

  /** The `conflict` event: a record's server version changed under its unsent local edit. */
  private conflict(model: string, id: string, versions: Pick<ConflictEvent, "local" | "remote" | "merged" | "base">): void {
    this.emit("conflict", { model, record: this.appContext.find(model, id), ...versions });
  }

  /**
   * The entry `retry`/`revert` act on: of a Spine record, `{ className, id }`
   * or a row of `outbox()` (`model`). Anything else, or a model no
   * extend made, is a programmer error naming what to pass.
   */
  private entryOf(record: any, call: "retry" | "revert"): RecordEntry | undefined {
    // A Spine record's class first: its attributes may hold a `model` field (a car's).
    const className = record?.className ?? (typeof record == "object" ? record?.constructor?.className : undefined) ?? record?.model;
    if (typeof className != "string" || record.id === undefined || record.id === null) {
      throw badOption(`atmos.${call}(record)`, "the Spine record, { className, id } or a row of atmos.outbox()", record);
    }
    if (!this.appContext.model(className)) {
      const known = this.appContext.classNames().map((name) => JSON.stringify(name)).join(", ");
      throw new Error(`atmos2: atmos.${call}(record): ${JSON.stringify(className)} is not a model extended with Spine.Model.Atmosphere (the models are ${known || "none yet"})`);
    }
    return this.metaContext.get(className, String(record.id));
  }


  private createHost(): SyncHost {
    const atmos = this;
    return {
      meta: this.metaContext,
      rc: this.resourceClient,
      clock: this.timers,
      random: this.random,
      get offlineStatusCodes() {
        return atmos.offlineStatusCodes;
      },
      options: (className) => this.options(className),
      record: (className, id, attrs) => this.appContext.find(className, id, attrs),
      show: (entry, attrs) => this.appContext.update(entry.className, entry.id, attrs, "refresh"),
      hide: (className, id) => this.appContext.destroy(className, id),
      swapId: (entry, newId, quiet) => swapId(this.remote, entry, newId, quiet),
      // Not before the stored entries are read: they decide create or update.
      isLeader: () => this.metaContext.loaded && this.lease.held,
      confirmLeader: () => this.metaContext.loaded && (this.lease.confirm ? this.lease.confirm() : this.lease.held),
      createsAnswered: (className) => {
        const flying = this.pusher.creating(className);
        return this.board.until(() => !this.pusher.creating(className)).then(() => flying);
      },
      retryLostCreates: async (className) => {
        if (!this.host.isLeader() || !this.lostCreateOf(className)) return;
        this.pusher.retryNow();
        // The round starts in a microtask: the creates are in flight after it.
        await undefined;
        await this.host.createsAnswered(className);
      },
      reportError: (payload) => {
        this.emit("error", payload);
        if (payload.status === 401) this.emit("auth_fail", payload);
      },
      conflict: (entry, local, remote, merged, base) => this.conflict(entry.className, entry.id, { local, remote, merged, base }),
      setOnline: (online) => {
        if (online && this.authFailed) {
          this.authFailed = false;
          this.emit("auth_success");
        }
        this.reachable(online);
      },
      online: () => this.board.online,
      authFailed: () => {
        this.authFailed = true;
        // A 401 is an answer: the server is reachable (auth_success waits for an accepted request).
        this.reachable(true);
      },
      statusChanged: (entry) => this.board.changed(entry),
      callOptions: (key) => this.callbacks.get(key)?.calls ?? [],
      dropCallOptions: (key) => void this.callbacks.delete(key),
    };
  }
}

checkedOptions(Atmos.prototype, "atmos", {
  offlineStatusCodes: [
    "an array of statuses (0 for no answer, else 100 to 599) or a function",
    (value) => typeof value == "function" || (Array.isArray(value) && value.every((s) => s === 0 || (Number.isInteger(s) && s >= 100 && s < 600))),
    offlineDefaults,
  ],
});
