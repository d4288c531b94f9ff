import type { Clock } from "./env/clock";
import { uuidv4 } from "./env/uuid";
import { syncStateOf, type OutboxOp, type RecordEntry } from "./store/record-entry";
import type { Store } from "./store/store";
import { fromStored, type StoredEntry } from "./store/stored-entry";
import { WriteQueue } from "./store/write-queue";
import { storedJson } from "./store/stored-json";
import { mergeEarlyChange } from "./store/early-change";
import { AnswerMarks } from "./store/answer-marks";
import { GoneList } from "./store/gone-list";
import { mergeWrittenOver, shortKey, withDone } from "./store/entry-merge";
import { EditedHere } from "./store/edited-here";
import { baseOf, HeldEntries } from "./store/held-entries";
import { WrittenOps } from "./store/written-ops";
import { DroppedHere } from "./store/dropped-here";
import { enqueue } from "./store/compaction";
import { olderVersion } from "./sync/merge";

/** The time of an entry's latest edit (see `stamps`); Infinity when it tells none. */
function newestEdit(entry: RecordEntry): number {
  const times = Object.values(entry.stamps ?? {});
  return times.length ? Math.max(...times) : Infinity;
}

/** Whether `entry` is the server version `base` (see `baseOf`), edited: acked, not deleted, with only edits queued. */
function editOf(entry: RecordEntry, base: string): boolean {
  return !entry.deleted && entry.queue.length > 0 && entry.queue.every((op) => op.kind === "update") && baseOf(entry) === base;
}

/** How many keys of another tab's news `reload` reads in one request, where the store can. */
const READ_AHEAD = 500;

/** A record another tab wrote, as read back from storage (none: removed), and as this tab held it before. */
export interface Reloaded {
  className: string;
  id: string;
  entry?: RecordEntry;
  before?: RecordEntry;
}

/** Create or update: the one decision the remote-id record exists for. Pure. */
export function remoteAction(entry: Pick<RecordEntry, "acked">): "create" | "update" {
  return entry.acked ? "update" : "create";
}

/**
 * The persisted record of remotely-known ids: for every record, whether the
 * server has acknowledged it, its last server version, and its queued changes.
 * It alone decides create vs update (see `remoteAction`).
 *
 * All entries are held in memory and written one key per record, so a save
 * costs O(1) whatever the number of stored records: at once where the store
 * writes synchronously (Web Storage), else through a coalescing write queue
 * (changes made in one tick go out as one batch, e.g. one IndexedDB
 * transaction). Either way a change is in storage before the event loop turns.
 *
 * Longer than the other files: `reload`, the rules for taking in what
 * another tab wrote, acts on this class's private state at every step (the
 * held entries, the write queue and its marks, the ops as last written,
 * the records dropped here), and split out it would need all of it.
 */
export class MetaContext {
  /**
   * Resolves once the stored entries have been read. A read that failed
   * (an IndexedDB that could not be opened) is not kept: asked for after
   * it, storage is read again.
   */
  get ready(): Promise<void> {
    if (this.readFailed) this.reading = this.read();
    return this.reading;
  }
  private reading: Promise<void>;
  private readFailed = false;
  /** Whether `ready` has resolved (read without waiting for it). */
  loaded = false;
  /** The entries, by class and id, with the ones that have queued changes. */
  private held: HeldEntries;
  private seq = 0;
  private readonly writes: WriteQueue;
  /** Which records a server answer changed while a pull was out (puller.ts asks). */
  readonly answers = new AnswerMarks();
  /** Records whose delete the server confirmed here lately. */
  readonly gone: GoneList;
  /** Classes whose records are never written to storage (`Model.remote = true`). */
  readonly volatile = new Set<string>();
  /** Where the records' keys start: `${prefix}rec:`, then class name and id. */
  private readonly recPrefix: string;
  /** Records deleted here before the server had them (see dropped-here.ts). */
  readonly dropped: DroppedHere;

  constructor(
    readonly store: Store,
    private readonly options: {
      prefix: string;
      clock: Clock;
      onWriteError: (error: unknown, record?: RecordEntry) => void;
      onWritten?: (keys: string[]) => void;
      newKey?: () => string;
      /** Whether a class is a local-only model (`local = true`): its entries never hold ops. */
      localOnly?: (className: string) => boolean;
    },
  ) {
    const prefix = (this.recPrefix = `${options.prefix}rec:`);
    const { clock, onWriteError, onWritten } = options;
    this.held = new HeldEntries(() => clock.now());
    // Before the read below: a Web Storage store is read at once, and the read may queue writes.
    this.writes = new WriteQueue(store, { clock, ready: () => this.ready, loaded: () => this.loaded, onWriteError, onWritten });
    // A store that can answer at once (Web Storage) is read before this
    // returns, so a save made right after `new Atmos()` is decided with all
    // that storage knows; another is read as soon as it answers.
    this.gone = new GoneList(`${options.prefix}gone`, (className, id) => this.keyOf(className, id), (key, value) => this.writes.setValue(key, value));
    this.dropped = new DroppedHere(`${options.prefix}dropped`, (key, value) => this.writes.setValue(key, value));
    this.reading = this.read();
  }

  private read(): Promise<void> {
    const { store } = this;
    this.readFailed = false;
    // Plain ifs: the ES5 build's async transform turns `a ?? (await b)` inside out.
    const reading = (async () => {
      const rows = store.entriesSync?.<StoredEntry>(this.recPrefix);
      if (rows) this.load(rows);
      else this.load(await store.entries<StoredEntry>(this.recPrefix));
    })();
    reading.then(
      () => {
        // Not part of `ready`: nothing waits for them but late news, which comes long after.
        this.gone.load(store).catch(() => undefined);
        this.dropped.load(store).catch(() => undefined);
      },
      () => (this.readFailed = true),
    );
    return reading;
  }

  keyOf(className: string, id: string): string {
    return `${this.recPrefix}${className}:${id}`;
  }

  /** Where the last complete incremental pull of a model's index path is remembered. */
  highWaterKey(className: string, path: string): string {
    return `${this.options.prefix}hw:${className}:${path}`;
  }

  get(className: string, id: string): RecordEntry | undefined {
    return this.held.get(className, id);
  }

  all(className: string): RecordEntry[] {
    return this.held.all(className);
  }

  classes(): string[] {
    return this.held.classes();
  }

  /** Entries that have queued changes (held, sendable or parked). */
  queued(): Iterable<RecordEntry> {
    return this.held.queued;
  }

  /** Queued entries parked for pointing at a parent deleted before the server had it (parent-order.ts). */
  orphans(): Iterable<RecordEntry> {
    return this.held.orphans;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Adds or replaces an entry and schedules its write. */
  put(entry: RecordEntry): void {
    const prior = this.get(entry.className, entry.id);
    // A new object for a record held here: what was settled of it is still settled, and when its fields were edited.
    if (prior && prior !== entry) {
      entry.done ??= prior.done;
      entry.stamps ??= prior.stamps;
      this.written.carry(prior, entry);
    }
    this.held.set(entry);
    this.touch(entry);
  }

  /** The fields the user changed in this tab, with the op that carries each edit (change-recorder.ts notes them). */
  readonly edited = new EditedHere();

  /** The keys of each entry's ops as last written (or read): an op gone since is named in `done`. */
  private written = new WrittenOps();

  /**
   * Whether what a tab that went away was writing under `key`, and never
   * wrote (its transaction aborted), may be written back from this tab: only
   * a record created there, which the server does not know and this tab never
   * held, so nothing this tab did (an edit, a delete) is newer. The gone
   * tab's unwritten edits of records this tab holds are lost with it: written
   * back, they could undo this tab's later ones.
   */
  mayWriteBack(key: string, value: unknown): boolean {
    const record = this.loaded ? this.recordOf(key) : undefined;
    if (!record) return false;
    const [className, id] = record;
    const stored = value as Partial<StoredEntry> | null;
    return !!stored && stored.acked !== true && !stored.deleted && !this.held.knows(className, id);
  }

  /** The class name and id a record's storage key is of; undefined for a key that is not a record's. */
  recordOf(key: string): [string, string] | undefined {
    if (!key.startsWith(this.recPrefix)) return undefined;
    const rest = key.slice(this.recPrefix.length);
    const colon = rest.indexOf(":");
    return [rest.slice(0, colon), rest.slice(colon + 1)];
  }

  /** Writes an entry changed in place (at once where the store can, else in the next batch). */
  touch(entry: RecordEntry): void {
    this.held.track(entry);
    if (this.volatile.has(entry.className)) return;
    this.written.noteSettled(entry);
    const key = this.keyOf(entry.className, entry.id);
    // Nothing queued before it (order is kept): a synchronous store writes it now.
    if (this.loaded && this.store.putSync && this.writes.idle) {
      try {
        this.store.putSync(key, storedJson(entry));
        this.options.onWritten?.([key]);
        return;
      } catch {
        // Queued instead: the batch tries again and reports the failure.
      }
    }
    this.writes.set(key, entry);
  }

  remove(className: string, id: string): void {
    this.held.drop(className, id);
    this.answers.stamp(className, id);
    if (this.volatile.has(className)) return;
    this.writes.set(this.keyOf(className, id), null);
  }

  /** Moves an entry to its server-assigned id; the old key is deleted in the same batch. */
  rekey(entry: RecordEntry, newId: string): void {
    const oldId = entry.id;
    if (oldId === newId) return;
    this.held.drop(entry.className, oldId);
    entry.formerIds = [...(entry.formerIds ?? []), oldId];
    entry.id = newId;
    entry.attrs = { ...entry.attrs, id: newId };
    this.put(entry);
    if (!this.volatile.has(entry.className)) this.writes.set(this.keyOf(entry.className, oldId), null);
  }

  /** Whether every change made so far has reached storage. */
  get clean(): boolean {
    return this.writes.clean;
  }

  /** Whether writes fail (storage full): changes wait in memory until a write works. */
  get writesFailing(): boolean {
    return this.writes.stuck;
  }

  /**
   * Writes every pending change. Rejects (keeping the changes pending, in
   * order) when the store fails, e.g. storage full; retried later.
   */
  flush(): Promise<void> {
    return this.writes.flush();
  }

  /**
   * Re-reads keys another tab wrote. Entries this tab is about to write
   * itself are left alone (its own write follows). Returns what changed,
   * with the entries as they were before.
   */
  async reload(keys: string[]): Promise<Reloaded[]> {
    const recPrefix = this.recPrefix;
    const changes: Reloaded[] = [];
    let ahead: Map<string, StoredEntry | undefined> | undefined;
    let readAt = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      // This tab's own write of the key follows at once, and holds what it
      // knows; unless writes fail (storage full): then another tab's news is
      // taken in, and what waits here is written as merged with it.
      const waiting = this.writes.has(key);
      const record = this.recordOf(key);
      if (!record || (waiting && !this.writes.stuck)) continue;
      const [className, id] = record;
      // Many keys (another tab's pull) are read a few hundred to a request, not one by one.
      if (!ahead?.has(key)) {
        readAt = this.writes.mark();
        ahead = this.store.getMany && keys.length > 1 ? await this.readAhead(keys.slice(i, i + READ_AHEAD)) : undefined;
      }
      const stored = ahead ? ahead.get(key) : await this.store.get<StoredEntry>(key);
      // Changed here while it was read: this tab's write lands after what was read, and holds what it knows.
      if (!this.writes.stuck && this.writes.wroteSince(key, readAt)) continue;
      const old = this.get(className, id);
      if (old) this.held.queued.delete(old);
      const theirs = stored && fromStored(stored);
      if (theirs) theirs.queue ??= [];
      // A record this tab deleted, written back by the sending tab that had
      // not heard of it (its create sent, or answered): deleted again.
      const droppedAs = theirs && !old && !theirs.deleted ? this.dropped.match(key, theirs, (former) => this.keyOf(className, former)) : undefined;
      if (droppedAs) {
        // Still remembered: the sending tab may write it back once more
        // (under its server id, once answered) before it hears of this delete.
        const entry = this.adopt(theirs!);
        const written = entry.queue;
        entry.deleted = true;
        entry.queue = enqueue(written, { kind: "destroy", seq: this.nextSeq(), key: (this.options.newKey ?? uuidv4)() }, entry.acked);
        this.writeMerged(entry, written);
        changes.push({ className, id, entry, before: undefined });
        continue;
      }
      // Written under an id its record left for the server's (by a tab that
      // had not heard of the create's answer yet): it belongs to the record
      // under the new id, and the old key goes.
      const moved = theirs && !old ? this.held.movedFrom(className, id) : undefined;
      if (moved) {
        this.writes.set(key, null);
        const into = this.mergeOver(moved, underId(theirs!, moved));
        if (!into) continue;
        this.held.queued.delete(moved);
        const entry = this.adopt(into);
        this.writeMerged(entry, moved.queue);
        changes.push({ className, id: moved.id, entry, before: moved });
        continue;
      }
      // The other way round: storage's entry is the record this tab holds
      // under an old id, moved by the sending tab (its create answered) from
      // what that tab held, which may lack an edit made here just before.
      const former = theirs && !old ? this.held.underFormerId(theirs) : undefined;
      if (former) {
        changes.push({ className, id, entry: this.takeMoved(former, theirs!), before: former });
        continue;
      }
      // An edit another tab made of the server version this tab deleted and
      // let go of (its delete answered), before it heard of the delete (its
      // write holds no delete, and only edits): the delete wins, as the
      // README promises, and the key is removed again. (While this tab still
      // holds the delete, the merge below drops the edit.) An edit of a newer
      // version (a pull since, a server that reused the id) is kept.
      const deletedAs = theirs && !old ? this.held.deletedAt(className, id) : undefined;
      if (deletedAs !== undefined && editOf(theirs!, deletedAs)) {
        this.writes.set(key, null);
        continue;
      }
      // A record this tab let go of (deleted here, or heard deleted),
      // brought back by a write whose edits are all older than that: made
      // before the delete, it landed late (behind a large write of a tab
      // that went). It stays gone. (Without edit times, a record made again
      // under its id, or edited since, comes back.)
      if (theirs && !old && !theirs.deleted && (this.held.releasedAt(className, id) ?? -Infinity) > newestEdit(theirs)) {
        this.writes.set(key, null);
        continue;
      }
      // An older server version than the one shown here, with no edit on
      // either side: written by a tab whose live socket lags this one's (each
      // tab applies the same changes); shown, it would take the record back
      // for a moment. Kept as it is: that tab writes the newer one once its
      // news catches up.
      if (theirs && old && untouched(old) && untouched(theirs) && olderVersion(theirs.attrs, old.attrs)) continue;
      // Both tabs wrote it at once: storage kept the other's write, this tab holds both and writes them.
      const merged = theirs && old ? this.mergeOver(old, theirs) : undefined;
      const entry = theirs ? this.adopt(merged ?? theirs) : undefined;
      if (!entry) this.held.drop(className, id);
      else if (merged) this.writeMerged(entry, theirs!.queue);
      else if (old) this.edited.keep(old, entry);
      // What waited here is older than what storage holds now (unless merged above, and written as such).
      if (waiting && !merged) this.writes.forget(key);
      changes.push({ className, id, entry, before: old });
      // A create gone before this tab heard where to: the server answered it,
      // and the news of its new key may still be on its way (storage is read
      // as it is now). Found by its former id, it is shown as moved. (Never
      // for a local-only record: it gets no server id.)
      if (!stored && old && !old.acked && !old.deleted && !this.options.localOnly?.(className)) {
        for (const [movedKey, moved] of await this.store.entries<StoredEntry>(`${recPrefix}${className}:`)) {
          // (No `continue` here: the ES5 build's async transform made it a `return`.)
          if (moved.formerIds?.includes(id) && !this.writes.has(movedKey)) {
            const prior = this.get(className, moved.id);
            changes.push({ className, id: moved.id, entry: prior ? this.adopt(moved) : this.takeMoved(old, fromStored(moved)), before: prior ?? old });
          }
        }
      }
    }
    // A record let go above and held again since (the user edited it while
    // later keys, or the records of its class, were read): this tab's write
    // of it lands after the delete read, and the page keeps showing it.
    const shown = changes.filter((change) => change.entry || !this.get(change.className, change.id));
    // What another tab wrote is newer than what a pull in flight here read
    // (the sending tab's answers, creates and deletes come only this way).
    for (const change of shown) this.answers.stamp(change.className, change.id);
    return shown;
  }

  /** The stored entries of the record keys among `keys`, read in one request (see Store.getMany). */
  private async readAhead(keys: string[]): Promise<Map<string, StoredEntry | undefined>> {
    const wanted = keys.filter((key) => key.startsWith(this.recPrefix));
    const values = await this.store.getMany!<StoredEntry>(wanted);
    return new Map(wanted.map((key, i) => [key, values[i]]));
  }

  /** This tab's entry and storage's, merged (see entry-merge.ts); undefined when storage's holds all of this tab's. */
  private mergeOver(mine: RecordEntry, theirs: RecordEntry, edited = this.edited.of(mine)): RecordEntry | undefined {
    const merged = mergeWrittenOver(mine, theirs, () => ({ seq: this.nextSeq(), key: (this.options.newKey ?? uuidv4)() }), edited);
    // A local-only model queues nothing: an update the merge adds for a field would be sent.
    if (merged && this.options.localOnly?.(mine.className)) merged.queue = [];
    return merged;
  }

  /**
   * Holds `moved` (storage's entry of a record under its server id) in place
   * of `former`, the entry this tab held under the record's old id, with the
   * changes of `former` that `moved` lacks. The sending tab deleted the old
   * key: this tab's own write of it, if still to come, becomes that delete
   * (else nothing is written: every create answered would cost a write and
   * its news in each tab). Returns the entry held now.
   */
  private takeMoved(former: RecordEntry, moved: RecordEntry): RecordEntry {
    this.held.drop(former.className, former.id);
    const oldKey = this.keyOf(former.className, former.id);
    if (this.writes.has(oldKey)) this.writes.set(oldKey, null);
    // Its create was answered (that is why it moved), whether or not `done` says so.
    const answered = { ...moved, done: withDone(moved.done, former.queue.filter((op) => op.kind === "create").map((op) => shortKey(op.key))) };
    const merged = this.mergeOver(underId(former, moved), answered, this.edited.of(former));
    const entry = this.adopt(merged ?? moved);
    if (merged) this.writeMerged(entry, moved.queue);
    return entry;
  }

  /** The record that left `id` for its server id, if one did (apply-remote.ts repoints foreign keys to it). */
  movedFrom(className: string, id: string): RecordEntry | undefined {
    return this.held.movedFrom(className, id);
  }

  /**
   * Writes an entry merged from two tabs' writes; `written` is the queue
   * storage held, so ops the merge dropped are named in `done`. (One call:
   * Hem's parser misreads the ES5 build's `a ? b && (c, d) : e`.)
   */
  private writeMerged(entry: RecordEntry, written: OutboxOp[]): void {
    this.written.set(entry, written);
    this.touch(entry);
  }

  /** The storage keys of every record held here or in storage: what `reload` reads to take storage's word for all. */
  async recordKeys(): Promise<string[]> {
    const keys = new Set<string>();
    for (const entry of this.held.entries()) keys.add(this.keyOf(entry.className, entry.id));
    for (const [key] of await this.store.entries(this.recPrefix)) keys.add(key);
    return [...keys];
  }

  close(): void {
    this.writes.close();
  }

  /** Holds an entry read from storage in memory (no write: storage already has it). */
  private adopt(stored: StoredEntry): RecordEntry {
    const entry = fromStored(stored);
    entry.queue = entry.queue ?? [];
    this.written.set(entry, entry.queue);
    this.held.set(entry);
    this.held.track(entry);
    for (const op of entry.queue) this.seq = Math.max(this.seq, op.seq);
    return entry;
  }

  private load(rows: Array<[string, StoredEntry]>): void {
    this.loaded = true;
    // Changes made before an asynchronous store answered come after every stored one.
    let top = 0;
    for (const [, entry] of rows) for (const op of entry?.queue ?? []) if (op.seq > top) top = op.seq;
    for (const entry of this.held.entries()) for (const op of entry.queue) op.seq += top;
    this.seq += top;
    for (const [, entry] of rows) {
      if (!entry || typeof entry !== "object" || !entry.className || !entry.id) continue;
      const mine = this.get(entry.className, entry.id);
      if (mine) {
        mergeEarlyChange(mine, fromStored(entry));
        this.touch(mine);
      } else this.adopt(entry);
    }
    // A crash between writing a record under its server id and deleting its
    // old key leaves both: the one under the server id wins.
    for (const entry of this.held.entries()) {
      if (this.get(entry.className, entry.id) !== entry) continue;
      for (const former of entry.formerIds ?? []) {
        if (!this.get(entry.className, former)) continue;
        this.held.drop(entry.className, former);
        this.writes.set(this.keyOf(entry.className, former), null);
      }
    }
  }
}

/** `entry` as held under the id (and former ids) of `as`: two writes of one record before and after its move to a server id. */
function underId(entry: RecordEntry, as: RecordEntry): RecordEntry {
  return { ...entry, id: as.id, attrs: { ...entry.attrs, id: as.id }, formerIds: as.formerIds };
}

/** A server version as it came: synced, and not deleted here. */
function untouched(entry: RecordEntry): boolean {
  return syncStateOf(entry) === "synced" && !entry.deleted;
}
