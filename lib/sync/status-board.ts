import type { SyncStatus } from "../atmos-options";
import type { MetaContext } from "../meta-context";
import { syncStateOf, type RecordEntry, type SyncState } from "../store/record-entry";

interface BoardDeps {
  meta: MetaContext;
  sendable(entry: RecordEntry): boolean;
  /** Whether a sendable record waits for a parent that is parked. */
  stuck(entry: RecordEntry): boolean;
  inFlight(): number;
  emit(name: "status" | "online" | "offline", payload?: SyncStatus): void;
  /** Tells the record's views its sync state may have changed. */
  notify(entry: RecordEntry): void;
}

/**
 * What `atmos.status()` reports, kept current one record at a time so a save
 * costs the same whatever the number of records with unsent changes; emits
 * `status`, `online` and `offline`, and wakes those waiting on a condition
 * (`whenSynced`, `retry`).
 */
export class StatusBoard {
  online = true;
  /** Bumped each time the network is seen up: a late failure of an older request must not say offline. */
  onlineMark = 0;
  private pending = new Set<RecordEntry>();
  private failed = new Set<RecordEntry>();
  private last: SyncStatus | undefined;
  private shown = new WeakMap<RecordEntry, SyncState>();
  private waiters: Array<{ done: () => boolean; resolve: () => void }> = [];

  constructor(private readonly deps: BoardDeps) {}

  status(): SyncStatus {
    return { pending: this.pending.size, inFlight: this.deps.inFlight(), failed: this.failed.size, online: this.online };
  }

  /** Nothing left to send or in flight (parked failures, and what waits for them, excepted): what `whenSynced` waits for. */
  idle(): boolean {
    if (this.deps.inFlight()) return false;
    // Usually the first pending record is one that can go: one look.
    for (const entry of this.pending) if (!this.deps.stuck(entry)) return false;
    return true;
  }

  /** Re-counts one record. */
  track(entry: RecordEntry): void {
    const live = this.deps.meta.get(entry.className, entry.id) === entry;
    const failed = live && !!entry.failed;
    const pending = live && !failed && this.deps.sendable(entry);
    if (failed) this.failed.add(entry);
    else this.failed.delete(entry);
    if (pending) this.pending.add(entry);
    else this.pending.delete(entry);
  }

  /** Something changed (for one record, or in general): re-count, tell, wake. */
  changed(entry?: RecordEntry): void {
    if (entry) {
      this.track(entry);
      // Views hear of a record's sync state only when it changes.
      const state = syncStateOf(entry);
      if (this.shown.get(entry) !== state) {
        this.shown.set(entry, state);
        this.deps.notify(entry);
      }
    } else {
      // An entry another tab rewrote is re-read as a new object: the old one
      // is no longer live and must not be counted (whenSynced would hang).
      for (const tracked of [...this.pending, ...this.failed]) this.track(tracked);
    }
    // Runs on every save: compare the counts before building a status object.
    const last = this.last;
    const inFlight = this.deps.inFlight();
    if (!last || last.pending !== this.pending.size || last.inFlight !== inFlight || last.failed !== this.failed.size || last.online !== this.online) {
      const status = this.status();
      this.last = status;
      this.deps.emit("status", status);
    }
    if (!this.waiters.length) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) (w.done() ? w.resolve() : this.waiters.push(w));
  }

  setOnline(online: boolean): void {
    if (online) this.onlineMark++;
    if (online === this.online) return;
    this.online = online;
    this.deps.emit(online ? "online" : "offline");
    this.changed();
  }

  /** Resolves once `done()` holds, checked on every change. */
  until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }
}
