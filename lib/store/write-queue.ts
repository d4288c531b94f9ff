import type { Clock } from "../env/clock";
import type { RecordEntry } from "./record-entry";
import type { PartialBatch, Store, StoreOp } from "./store";
import { toStored } from "./stored-entry";

const written = Promise.resolve();
const ignore = (): undefined => undefined;

/**
 * The entries waiting to be written, by storage key (null: to be deleted),
 * written in batches in the order they changed: changes made in one tick go
 * out as one batch (e.g. one IndexedDB transaction), and a batch starts only
 * once the one before it is written. A failed batch (storage full) is put
 * back in front of what changed since, reported once while it keeps
 * failing, and tried again later.
 */
export class WriteQueue {
  private pending = new Map<string, RecordEntry | { value: unknown } | null>();
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private retryTimer: unknown;
  /** The last batch failed (storage full): reported, and not again until a write succeeds. */
  private failing = false;
  /** Batches asked for by `flush` and not finished yet. */
  private batches = 0;
  /** The batch queued behind the one being written, if any. */
  private nextBatch: Promise<void> | undefined;
  /** With a store that orders batches, the batches handed over and not finished yet. */
  private running = new Set<Promise<void>>();
  /**
   * With a store that orders batches, per key being written, the number of
   * the last batch that took it (batches of other stores never overlap: a
   * pull's thousands of keys are not counted there).
   */
  private takenBy = new Map<string, number>();
  private batchNumber = 0;

  constructor(
    private readonly store: Store,
    private readonly options: {
      clock: Clock;
      /** Writes wait for this (the stored entries being read: a write must not replace what the read is to find). */
      ready: () => Promise<void>;
      loaded: () => boolean;
      /** With the first record of the batch that failed, if it held one. */
      onWriteError: (error: unknown, record?: RecordEntry) => void;
      onWritten?: (keys: string[]) => void;
    },
  ) {}

  /** Nothing waiting and nothing being written: a synchronous store may write a change at once, in order. */
  get idle(): boolean {
    return this.pending.size === 0 && this.batches === 0;
  }

  /** Whether every change made so far has been handed to the store. */
  get clean(): boolean {
    return this.pending.size === 0;
  }

  /** Writes fail (storage full): what waits may wait long, and is not newer than other tabs' news of it. */
  get stuck(): boolean {
    return this.failing;
  }

  /** Whether this key waits to be written (this tab's own write follows). */
  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** A mark of the batches handed over so far (see `wroteSince`). */
  mark(): number {
    return this.batchNumber;
  }

  /**
   * Whether this tab wrote the key since `mark`, or is about to: a read of
   * a store that orders batches, made at `mark`, does not see that write,
   * which lands after it.
   */
  wroteSince(key: string, mark: number): boolean {
    return this.pending.has(key) || (this.takenBy.get(key) ?? 0) > mark;
  }

  /** Drops the key's waiting write: storage already holds what it should (another tab's newer write). */
  forget(key: string): void {
    this.pending.delete(key);
  }

  /** Queues the entry's write (null: the key's delete); the newer change of a key replaces the older. */
  set(key: string, entry: RecordEntry | null): void {
    this.pending.set(key, entry);
    this.schedule();
  }

  /** Queues the write of a value that is not a record's entry (written as it is). */
  setValue(key: string, value: unknown): void {
    this.pending.set(key, { value });
    this.schedule();
  }

  /**
   * Writes every pending change. Rejects (keeping the changes pending, in
   * order) when the store fails, e.g. storage full; retried later.
   */
  flush(): Promise<void> {
    // Nothing waiting and nothing being written: storage already holds every change.
    if (this.idle) return written;
    // A batch queued and not started yet takes every change made until it starts.
    if (this.nextBatch) return this.nextBatch;
    if (this.store.ordersBatches) return this.handOver();
    // Nothing being written: start at once (a Web Storage store has written
    // when this returns); else queue behind the batch being written.
    const run = this.batches++ === 0 ? this.writeBatch() : (this.nextBatch = this.writing.then(this.writeBatch));
    this.writing = run.catch(ignore);
    return run;
  }

  /**
   * For a store that applies batches in the order they were handed over:
   * what is pending goes now, without waiting for the batches before it.
   * Resolves once it and every batch before it are written.
   */
  private handOver(): Promise<void> {
    const waited = [...this.running];
    if (this.pending.size > 0) {
      this.batches++;
      const run = this.writeBatch();
      const finished = (): void => void this.running.delete(run);
      run.then(finished, finished);
      this.running.add(run);
      waited.push(run);
    }
    return waited.length === 1 ? waited[0] : Promise.all(waited).then(ignore);
  }

  close(): void {
    if (this.retryTimer !== undefined) this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** The queue's tick: one closure for the life of the queue, not one per save. */
  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush().catch(ignore);
  };

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.options.loaded()) queueMicrotask(this.flushSoon);
    else this.options.ready().then(this.flushSoon, this.flushSoon);
  }

  /** Writes what is pending now: one batch of `flush`. */
  private readonly writeBatch = async (): Promise<void> => {
    this.nextBatch = undefined;
    const number = ++this.batchNumber;
    const takenBy = this.store.ordersBatches ? this.takenBy : undefined;
    const ops: StoreOp[] = [];
    try {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      for (const [key, entry] of batch) {
        takenBy?.set(key, number);
        if (!entry) ops.push({ type: "delete", key });
        else ops.push({ type: "put", key, value: "className" in entry ? toStored(entry) : entry.value });
      }
      try {
        await this.store.batch(ops);
        this.failing = false;
        this.options.onWritten?.(ops.map((op) => op.key));
      } catch (error) {
        // What the store wrote before it failed is in storage, and other tabs
        // may have read it: they hear of it, and it is not written again
        // (it would go over a newer write of theirs, a delete brought back).
        const written = (error as PartialBatch | null)?.written ?? [];
        for (const key of written) batch.delete(key);
        if (written.length) this.options.onWritten?.(written);
        // Put the rest back in front of anything changed since, so the order
        // of changes is kept; the newer version of a key wins, and so does
        // a later batch that took the key (handed over before this one failed).
        const merged = new Map<string, RecordEntry | { value: unknown } | null>();
        for (const [key, entry] of batch) if (!takenBy || takenBy.get(key) === number) merged.set(key, entry);
        for (const [key, entry] of this.pending) merged.set(key, entry);
        this.pending = merged;
        // Said once while it keeps failing (every save and retry would say it again).
        if (!this.failing) this.options.onWriteError(error, firstRecord(batch.values()));
        this.failing = true;
        this.retryLater();
        throw error;
      }
    } finally {
      if (takenBy) for (const op of ops) if (takenBy.get(op.key) === number) takenBy.delete(op.key);
      this.batches--;
    }
  };

  private retryLater(): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.flush().catch(ignore);
    }, 5000);
  }
}

/** The first record entry among a batch's values (others are deletes or plain values). */
function firstRecord(values: Iterable<RecordEntry | { value: unknown } | null>): RecordEntry | undefined {
  for (const value of values) if (value && "className" in value) return value;
  return undefined;
}
