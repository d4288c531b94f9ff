import { isParked, type OutboxOp, type RecordEntry } from "../store/record-entry";
import { backoffDelay } from "./retry-policy";
import { storageFailure, type SyncError } from "./sync-error";
import type { Answer } from "./answered-record";
import { applyAnswer, callApp, errorPayload, finishDestroy, recordOf } from "./outbox-exchange";
import { beginAttempt, requestToSend, takenUnread } from "./op-request";
import { failedAttempt, notSent, tellFirstFailure } from "./failed-attempt";
import { refusedAsStale } from "./stale-update";
import { dropRecordWhoseIdWasReused } from "./reused-id";
import { releaseAllHeld, releaseHeld } from "./held-changes";
import type { RemoteCallOptions, SyncHost } from "./sync-host";
import { stillOrphan, unsentParent, waitsForParkedParent } from "./parent-order";

/** Records sent at once while online. */
const CONCURRENCY = 4;

/**
 * Sends the outbox. One op at a time per record (its queue is ordered), up to
 * `CONCURRENCY` records at once, oldest op first.
 *
 *            kick()                      2xx
 *   queued ─────────▶ in flight ──────────────────▶ done (next op of the record)
 *     ▲                  │ offline / 5xx / 429
 *     └── backoff timer ─┤ 401 ──▶ paused until resume()
 *         push(), online │ 4xx ──▶ parked (failed) until retry() / revert()
 *
 * A little over 300 lines: the round, its timers (backoff, Retry-After, the
 * offline probe) and the records in flight share one state. What a failure
 * means is in failed-attempt.ts; what an answer does, in outbox-exchange.ts.
 */
export class Pusher {
  /** The records whose request is out, by class and id (a tab's write read back replaces an entry object meanwhile), with the entry sent. */
  private inFlight = new Map<string, RecordEntry>();
  private attempt = 0;
  private retryAt = 0;
  /**
   * Ends the backoff after its delay in real time: `retryAt` is a time on the
   * clock, which may step back (an NTP correction) and would then hold
   * sending back for as long again.
   */
  private backoffTimer: unknown;
  private timer: unknown;
  private kicked = false;
  private paused = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private staleTries = new Map<string, number>();
  /**
   * Set while this Atmos, taking sending over from another, reads what
   * storage holds: its news of the other's writes may be behind (an
   * answer's not come yet), and a create sent from it would go twice.
   */
  private catchingUp?: Promise<void>;
  /** Whether the last failed attempt never reached the server (refused, no host): it was down, not dropping requests. */
  private unreached = false;
  /** The calls whose error callback heard of a failure that is sent again (failed-attempt.ts), shared with settledElsewhere. */
  readonly toldOfFailure = new WeakSet<RemoteCallOptions>();

  constructor(private readonly host: SyncHost) {}

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Whether this record's request is under way. */
  sending(entry: RecordEntry): boolean {
    return this.inFlight.has(flightKey(entry));
  }

  /** Whether a create of this model is under way. */
  creating(className: string): boolean {
    for (const sent of this.inFlight.values()) {
      // Read as held now: the sent entry may have been replaced, and takes its server id when answered.
      if (sent.className === className && this.host.meta.get(className, sent.id)?.queue[0]?.kind === "create") return true;
    }
    return false;
  }

  /** Whether this entry has something the pusher will send (now or after a wait). */
  sendable(entry: RecordEntry): boolean {
    return !isParked(entry) && entry.queue.length > 0 && !entry.queue[0].hold;
  }

  /** Schedules a sending round (coalesced to one per tick). */
  kick(): void {
    if (this.kicked || this.closed) return;
    this.kicked = true;
    queueMicrotask(() => {
      this.kicked = false;
      this.run();
    });
  }

  /**
   * Sends now, skipping any backoff wait (but not a Retry-After), after
   * releasing held changes of `className` (or of every model). Resolves when
   * the round has settled: nothing more can be sent right now.
   */
  push(className?: string): Promise<void> {
    this.release(className);
    this.retryAt = 0;
    // Every path of run() ends in checkIdle(), which resolves it once nothing
    // is in flight and nothing can be sent without waiting.
    const settled = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.run();
    return settled;
  }

  /** Sends nothing until `read` (of what storage holds) settles, then sends what is queued. */
  catchUp(read: Promise<unknown>): void {
    const reading: Promise<void> = read.then(
      () => undefined,
      () => undefined,
    );
    this.catchingUp = reading;
    void reading.then(() => {
      if (this.catchingUp === reading) this.catchingUp = undefined;
      this.kick();
    });
  }

  /** Queues the held changes of `className` (or of every model) to be sent: they are pending from now on. */
  release(className?: string): void {
    releaseAllHeld(this.host, className);
  }

  resume(): void {
    this.paused = false;
    this.retryAt = 0;
    this.kick();
  }

  /**
   * Another request got an answer after the server could not be reached:
   * sends at once, as `wake` does. Not after an attempt that may have arrived
   * (a server that cuts requests keeps its backoff, however often the app pulls).
   */
  answeredAgain(): void {
    if (this.unreached) this.wake();
  }

  /** The network came back: send at once (Retry-After still applies). */
  wake(): void {
    this.attempt = 0;
    this.retryNow();
  }

  /**
   * Sends at once, skipping a backoff wait (not a Retry-After), but
   * remembering the failures so far: another failure waits longer still.
   */
  retryNow(): void {
    this.retryAt = 0;
    this.kick();
  }

  close(): void {
    this.closed = true;
    this.stopTimer();
    if (this.backoffTimer !== undefined) this.host.clock.clearTimeout(this.backoffTimer);
    this.flushIdle();
  }

  private run(): void {
    const { host } = this;
    if (!this.mayRun()) return this.checkIdle();
    const wait = this.waitMs();
    if (wait > 0) {
      this.scheduleRun(wait);
      return this.checkIdle();
    }
    const candidates: RecordEntry[] = [];
    for (const entry of host.meta.queued()) {
      if (!this.sendable(entry) || (this.inFlight.size > 0 && this.inFlight.has(flightKey(entry)))) continue;
      if (entry.orphanOf && stillOrphan(host.meta, entry)) {
        host.meta.touch(entry);
        host.statusChanged(entry);
        continue;
      }
      const parent = unsentParent(host, entry);
      if (!parent) candidates.push(entry);
      // This record is to reach the server, which it cannot without its
      // parent: a parent saved without `remote` is sent first (next round).
      else if (releaseHeld(host, parent)) this.kick();
    }
    candidates.sort((a, b) => a.queue[0].seq - b.queue[0].seq);
    let started = false;
    // While offline, one record probes the network: every record tried seals
    // its op (it may have arrived), so later edits queue behind it instead of
    // folding in. One probe keeps that to one record per retry.
    const limit = host.online() ? CONCURRENCY : 1;
    for (const entry of candidates) {
      if (this.inFlight.size >= limit) break;
      const key = flightKey(entry);
      this.inFlight.set(key, entry);
      started = true;
      const done = (settled: RecordEntry) => {
        this.inFlight.delete(key);
        host.statusChanged(settled);
        this.run();
      };
      void this.send(entry).then(done, () => done(entry));
    }
    // The in-flight count changed: a status indicator shows "sending".
    if (started) host.statusChanged();
    this.checkIdle();
  }

  /**
   * Closed, or no longer the sender, while a request was out: the Atmos that
   * sends now (a new one on this storage, another tab) sends the change
   * again, with the same Idempotency-Key, and its answer is the one to keep.
   * The change stays as stored, for it.
   */
  private dropsAnswers(): boolean {
    return this.closed || !this.host.isLeader();
  }

  /**
   * `dropsAnswers()`, once the lease is read again if it lapsed while the
   * request was out (this tab's timers held back): another tab may have
   * taken over and sent the change again, and its answer is the one kept.
   */
  private async answerDropped(): Promise<boolean> {
    if (!this.closed) await this.host.confirmLeader();
    return this.dropsAnswers();
  }

  /** Whether this tab may send at all now (closed, paused by a 401, or another tab sends). */
  private mayRun(): boolean {
    return !this.closed && !this.paused && !this.catchingUp && this.host.isLeader();
  }

  /**
   * How long a backoff or a Retry-After still holds sending back (nothing
   * when not positive). The resource client keeps the Retry-After pauses
   * (nothing is sent before one ends, not even on push()), whichever
   * request was answered with one: a send, a pull or a custom request.
   */
  private waitMs(): number {
    const { clock, rc } = this.host;
    return Math.max(this.retryAt - clock.now(), rc.pauses.left(rc.base));
  }

  /** Whether this record waits for a parent that will not be sent (see parent-order.ts). */
  stuck(entry: RecordEntry): boolean {
    return waitsForParkedParent(this.host, entry);
  }

  /** Sends a record's first op and applies the answer; resolves with the record's entry then. */
  private async send(entry: RecordEntry): Promise<RecordEntry> {
    const { host } = this;
    let op = entry.queue[0];
    // Saved without options (sent by push()), or sent again after a reload: the model's defaults.
    const remembered = host.callOptions(op.key);
    const calls = remembered.length ? remembered : [host.options(entry.className).remoteSaveOptions];
    // A lease not renewed lately (this tab's timers held back) is read again before
    // anything is tried: another tab may have taken over, and sends this change itself.
    const leads = host.confirmLeader();
    if (leads !== true && !(await leads)) return entry;
    [entry, op] = this.current(entry, op);
    try {
      const firstRequest = beginAttempt(host, entry, op, calls);
      // The outbox entry reaches storage before the request leaves. When
      // storage is full the change waits in memory and is tried again later.
      try {
        await host.meta.flush();
      } catch (error) {
        if (firstRequest) notSent(op);
        // A save's error callback hears it (once): its change waits to be written, and is sent then.
        const record = recordOf(host, entry);
        tellFirstFailure(this.toldOfFailure, calls, record, { ...storageFailure(error, entry.className, record, this.host.meta.store.whenFull), retrying: true });
        this.backOff();
        return entry;
      }
      [entry, op] = this.current(entry, op);
      const request = requestToSend(host, entry, op, calls, firstRequest);
      const conditional = request.headers["If-Match"] !== undefined;
      let response: Answer;
      try {
        response = await host.rc.request(request);
      } catch (error) {
        if (await this.answerDropped()) return entry;
        [entry, op] = this.current(entry, op);
        const failure = error as SyncError;
        if (!takenUnread(failure, op)) {
          if (!conditional || failure.status !== 412) throw error;
          await refusedAsStale(host, this.staleTries, entry, op, failure, request.path, () => !this.dropsAnswers());
          return entry;
        }
        host.reportError(errorPayload(entry.className, recordOf(host, entry), failure));
        response = { status: failure.status, body: undefined };
      }
      if (await this.answerDropped()) return entry;
      if (op.kind === "create") await dropRecordWhoseIdWasReused(host, entry, response.body);
      if (this.dropsAnswers()) return entry;
      [entry, op] = this.current(entry, op);
      this.attempt = 0;
      this.staleTries.delete(op.key);
      host.setOnline(true);
      const carried = op.kind === "destroy" ? (finishDestroy(host, entry, op), []) : applyAnswer(host, entry, response, calls);
      const record = recordOf(host, entry);
      for (const call of calls) callApp(() => call.success?.(record, response.body));
      host.dropCallOptions(op.key);
      // Saves this request carried (made while an attempt that never left was out) hear its answer too.
      for (const key of carried) {
        for (const call of host.callOptions(key)) callApp(() => call.success?.(record, response.body));
        host.dropCallOptions(key);
      }
    } catch (error) {
      this.staleTries.delete(op.key);
      // Closed meanwhile (close() aborts what is out, e.g. the read of a 412's
      // current version): the next Atmos sends the change; nothing to report.
      if (!this.closed) this.handleFailure(entry, op, error, calls);
    }
    return entry;
  }

  /**
   * The record's entry now. Storage news read while the request was out (this
   * tab's own write read back late, another tab's edit queued after the op)
   * replaced the entry object: the answer is applied to the one held now.
   */
  private current(entry: RecordEntry, op: OutboxOp): [RecordEntry, OutboxOp] {
    const now = this.host.meta.get(entry.className, entry.id);
    return now && now !== entry && now.queue[0]?.key === op.key ? [now, now.queue[0]] : [entry, op];
  }

  /** A failed attempt (failed-attempt.ts); then a backoff when the change waits to be sent again. */
  private handleFailure(entry: RecordEntry, op: OutboxOp, error: unknown, calls: RemoteCallOptions[]): void {
    const pause = () => !this.paused && (this.paused = true);
    this.unreached = (error as SyncError | null)?.unsent === true;
    const next = failedAttempt(this.host, entry, op, error, calls, { told: this.toldOfFailure, pause });
    if (next) this.backOff(next.retryAfterMs);
  }

  /** Waits before the next round: a backoff, at least as long as a Retry-After (which holds back push() too: see waitMs). */
  private backOff(retryAfterMs?: number): void {
    const delay = Math.max(backoffDelay(this.attempt++, this.host.random), retryAfterMs ?? 0);
    const { clock } = this.host;
    this.retryAt = clock.now() + delay;
    if (this.backoffTimer !== undefined) clock.clearTimeout(this.backoffTimer);
    this.backoffTimer = clock.setTimeout(() => {
      this.backoffTimer = undefined;
      this.retryAt = 0;
      this.run();
    }, delay);
  }

  private scheduleRun(delay: number): void {
    if (this.closed) return;
    this.stopTimer();
    this.timer = this.host.clock.setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, delay);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.host.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private checkIdle(): void {
    // Catching up: what is queued is known once storage is read.
    if (this.idleWaiters.length === 0 || this.inFlight.size > 0 || this.catchingUp) return;
    if (this.mayRun() && this.waitMs() <= 0) {
      // A failed change sent again later (a 5xx) is not waited for: whenSynced() excepts failed changes.
      for (const entry of this.host.meta.queued()) if (!entry.failed && this.sendable(entry) && !unsentParent(this.host, entry)) return;
    }
    this.flushIdle();
  }

  private flushIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A record's identity while its request is out. */
function flightKey(entry: RecordEntry): string {
  return `${entry.className}\n${entry.id}`;
}
