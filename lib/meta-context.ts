import type { Clock } from "./env/clock";
import { uuidv4 } from "./env/uuid";
import type { OutboxOp, RecordEntry } from "./store/record-entry";
import type { Store } from "./store/store";
import { fromStored, type StoredEntry } from "./store/stored-entry";
import { WriteQueue } from "./store/write-queue";
import { storedJson } from "./store/stored-json";
import { mergeEarlyChange } from "./store/early-change";
import { mergeWrittenOver, sameValue, shortKey, withDone } from "./store/entry-merge";


/** The keys of a queue's ops (most queues are empty: one shared array for them). */
const noKeys: string[] = [];
const keysOf = (queue: OutboxOp[]): string[] => (queue.length ? queue.map((op) => op.key) : noKeys);

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
 */
export class MetaContext {
  /** Resolves once the stored entries have been read. */
  readonly ready: Promise<void>;
  /** Whether `ready` has resolved (read without waiting for it). */
  loaded = false;
  private byClass = new Map<string, Map<string, RecordEntry>>();
  private seq = 0;
  private readonly writes: WriteQueue;
  private withQueue = new Set<RecordEntry>();
  private readsInFlight = 0;
  private answerMark = 0;
  private answered = new Map<string, number>();
  /** Classes whose records are never written to storage (`Model.remote = true`). */
  readonly volatile = new Set<string>();
  /** Where the records' keys start: `${prefix}rec:`, then class name and id. */
  private readonly recPrefix: string;

  constructor(
    readonly store: Store,
    private readonly options: { prefix: string; clock: Clock; onWriteError: (error: unknown) => void; onWritten?: (keys: string[]) => void; newKey?: () => string },
  ) {
    const prefix = (this.recPrefix = `${options.prefix}rec:`);
    const { clock, onWriteError, onWritten } = options;
    // Before the read below: a Web Storage store is read at once, and the read may queue writes.
    this.writes = new WriteQueue(store, { clock, ready: () => this.ready, loaded: () => this.loaded, onWriteError, onWritten });
    // A store that can answer at once (Web Storage) is read before this
    // returns, so a save made right after `new Atmos()` is decided with all
    // that storage knows; another is read as soon as it answers.
    // Plain ifs: the ES5 build's async transform turns `a ?? (await b)` inside out.
    this.ready = (async () => {
      const rows = store.entriesSync?.<StoredEntry>(prefix);
      if (rows) this.load(rows);
      else this.load(await store.entries<StoredEntry>(prefix));
    })();
    // Not part of `ready`: nothing waits for it but late news, which comes long after.
    this.ready.then(() => this.loadGone()).catch(() => undefined);
  }

  keyOf(className: string, id: string): string {
    return `${this.recPrefix}${className}:${id}`;
  }

  /** Where the last complete incremental pull of a model's index path is remembered. */
  highWaterKey(className: string, path: string): string {
    return `${this.options.prefix}hw:${className}:${path}`;
  }

  get(className: string, id: string): RecordEntry | undefined {
    return this.byClass.get(className)?.get(id);
  }

  all(className: string): RecordEntry[] {
    return Array.from(this.byClass.get(className)?.values() ?? []);
  }

  classes(): string[] {
    return Array.from(this.byClass.keys());
  }

  /** Entries that have queued changes (held, sendable or parked). */
  queued(): Iterable<RecordEntry> {
    return this.withQueue;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /**
   * A pull notes the count of server answers applied before it asks; answers
   * applied later are newer than what it reads. Only answers given while a
   * pull is in flight are remembered, so the memory stays bounded.
   */
  beginRead(): number {
    this.readsInFlight++;
    return this.answerMark;
  }

  endRead(): void {
    if (--this.readsInFlight <= 0) {
      this.readsInFlight = 0;
      this.answered.clear();
    }
  }

  /** A server answer (or a removal) changed this record now: newer than what any pull in flight read. */
  stamp(className: string, id: string): void {
    ++this.answerMark;
    if (this.readsInFlight > 0) this.answered.set(this.keyOf(className, id), this.answerMark);
  }

  /** Whether an answer or a removal changed this record after `mark` (a pull sent before it is stale for it). */
  changedSince(className: string, id: string, mark: number): boolean {
    // Asked for every pulled record: most pulls have no answer to look for.
    return this.answered.size > 0 && (this.answered.get(this.keyOf(className, id)) ?? 0) > mark;
  }

  /**
   * Records whose delete the server confirmed here lately (the last 500,
   * kept in storage under `<prefix>gone`): news of them that comes later,
   * even after a reload (a create's retry answered with the replay of its
   * first answer, a live change replayed late), is older.
   */
  private deletedOnServer = new Set<string>();

  /** Where the confirmed deletes are kept: news of them can come after a reload too (a live replay). */
  private get goneKey(): string {
    return `${this.options.prefix}gone`;
  }

  /** The confirmed deletes as storage kept them (read once the records are). */
  private async loadGone(): Promise<void> {
    const kept = await this.store.get<unknown>(this.goneKey);
    if (!Array.isArray(kept)) return;
    // Deletes confirmed before the read came first.
    this.deletedOnServer = new Set([...kept.map(String), ...this.deletedOnServer]);
  }

  confirmDeleted(className: string, id: string): void {
    const key = this.keyOf(className, id);
    this.deletedOnServer.delete(key);
    this.deletedOnServer.add(key);
    if (this.deletedOnServer.size > 500) this.deletedOnServer.delete(this.deletedOnServer.values().next().value!);
    // In the batch that removes the record (the removal follows in the same tick).
    this.writes.setValue(this.goneKey, [...this.deletedOnServer]);
  }

  confirmedDeleted(className: string, id: string): boolean {
    return this.deletedOnServer.has(this.keyOf(className, id));
  }

  /** Adds or replaces an entry and schedules its write. */
  put(entry: RecordEntry): void {
    const map = this.classMap(entry.className);
    const prior = map.get(entry.id);
    // A new object for a record held here: what was settled of it is still settled, and when its fields were edited.
    if (prior && prior !== entry) {
      entry.done ??= prior.done;
      entry.stamps ??= prior.stamps;
      if (!this.writtenOps.has(entry)) this.writtenOps.set(entry, this.writtenOps.get(prior) ?? []);
    }
    map.set(entry.id, entry);
    this.touch(entry);
  }

  /** Fields the user changed in this tab since it last read each record from storage, with the op that carries each edit (see entry-merge.ts). */
  private editedHere = new WeakMap<RecordEntry, Map<string, string | undefined>>();

  /** The user changed these fields of the record in this tab; `op` carries the change (none for a local-only model). */
  noteEdited(entry: RecordEntry, fields: string[], op: OutboxOp | undefined): void {
    if (fields.length === 0) return;
    let edited = this.editedHere.get(entry);
    if (!edited) this.editedHere.set(entry, (edited = new Map()));
    for (const field of fields) edited.set(field, op?.key);
  }

  /**
   * Storage holds this tab's own values of the fields its user changed (its
   * write read back, as a lagging tab may write an older one over it next):
   * the edits are still this tab's, not yet seen elsewhere.
   */
  private keepEdited(old: RecordEntry, now: RecordEntry): void {
    const edited = this.editedHere.get(old);
    if (edited && [...edited.keys()].every((field) => sameValue(old.attrs[field], now.attrs[field]))) this.editedHere.set(now, edited);
  }

  /** The keys of each entry's ops as last written (or read): an op gone since is named in `done`. */
  private writtenOps = new WeakMap<RecordEntry, string[]>();

  private noteSettled(entry: RecordEntry): void {
    const before = this.writtenOps.get(entry);
    const queue = entry.queue;
    // Runs on every save: most saves keep the very same ops.
    if (before && before.length === queue.length && queue.every((op, i) => op.key === before[i])) return;
    if (before) {
      const gone = before.filter((key) => !queue.some((op) => op.key === key)).map(shortKey);
      if (gone.length) entry.done = withDone(entry.done, gone);
    }
    this.writtenOps.set(entry, keysOf(queue));
  }

  /** Writes an entry changed in place (at once where the store can, else in the next batch). */
  touch(entry: RecordEntry): void {
    if (entry.queue.length > 0) this.withQueue.add(entry);
    else this.withQueue.delete(entry);
    if (this.volatile.has(entry.className)) return;
    this.noteSettled(entry);
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
    const entry = this.get(className, id);
    if (entry) this.withQueue.delete(entry);
    this.byClass.get(className)?.delete(id);
    this.stamp(className, id);
    if (this.volatile.has(className)) return;
    this.writes.set(this.keyOf(className, id), null);
  }

  /** Moves an entry to its server-assigned id; the old key is deleted in the same batch. */
  rekey(entry: RecordEntry, newId: string): void {
    const oldId = entry.id;
    if (oldId === newId) return;
    this.byClass.get(entry.className)?.delete(oldId);
    entry.formerIds = [...(entry.formerIds ?? []), oldId];
    this.formerIdsTo.set(this.keyOf(entry.className, oldId), newId);
    entry.id = newId;
    entry.attrs = { ...entry.attrs, id: newId };
    this.put(entry);
    if (!this.volatile.has(entry.className)) this.writes.set(this.keyOf(entry.className, oldId), null);
  }

  /** Whether every change made so far has reached storage. */
  get clean(): boolean {
    return this.writes.clean;
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
    for (const key of keys) {
      if (!key.startsWith(recPrefix) || this.writes.has(key)) continue;
      const rest = key.slice(recPrefix.length);
      const colon = rest.indexOf(":");
      const className = rest.slice(0, colon);
      const id = rest.slice(colon + 1);
      const stored = await this.store.get<StoredEntry>(key);
      const old = this.get(className, id);
      if (old) this.withQueue.delete(old);
      const theirs = stored && fromStored(stored);
      if (theirs) theirs.queue ??= [];
      // Written under an id its record left for the server's (by a tab that
      // had not heard of the create's answer yet): it belongs to the record
      // under the new id, and the old key goes.
      const moved = theirs && !old ? this.movedFrom(className, id) : undefined;
      if (moved) {
        this.writes.set(key, null);
        const into = this.mergeOver(moved, underId(theirs!, moved));
        if (!into) continue;
        this.withQueue.delete(moved);
        const entry = this.adopt(into);
        this.writeMerged(entry, moved.queue);
        changes.push({ className, id: moved.id, entry, before: moved });
        continue;
      }
      // The other way round: storage's entry is the record this tab holds
      // under an old id, moved by the sending tab (its create answered) from
      // what that tab held, which may lack an edit made here just before.
      const former = theirs && !old ? this.heldUnderFormerId(theirs) : undefined;
      if (former) {
        changes.push({ className, id, entry: this.takeMoved(former, theirs!), before: former });
        continue;
      }
      // Both tabs wrote it at once: storage kept the other's write, this tab holds both and writes them.
      const merged = theirs && old ? this.mergeOver(old, theirs) : undefined;
      const entry = theirs ? this.adopt(merged ?? theirs) : undefined;
      if (!entry) this.byClass.get(className)?.delete(id);
      else if (merged) this.writeMerged(entry, theirs!.queue);
      else if (old) this.keepEdited(old, entry);
      changes.push({ className, id, entry, before: old });
      // A create gone before this tab heard where to: the server answered it,
      // and the news of its new key may still be on its way (storage is read
      // as it is now). Found by its former id, it is shown as moved.
      if (!stored && old && !old.acked && !old.deleted) {
        for (const [movedKey, moved] of await this.store.entries<StoredEntry>(`${recPrefix}${className}:`)) {
          // (No `continue` here: the ES5 build's async transform made it a `return`.)
          if (moved.formerIds?.includes(id) && !this.writes.has(movedKey)) {
            const prior = this.get(className, moved.id);
            changes.push({ className, id: moved.id, entry: prior ? this.adopt(moved) : this.takeMoved(old, fromStored(moved)), before: prior ?? old });
          }
        }
      }
    }
    return changes;
  }

  /** This tab's entry and storage's, merged (see entry-merge.ts); undefined when storage's holds all of this tab's. */
  private mergeOver(mine: RecordEntry, theirs: RecordEntry, edited = this.editedHere.get(mine)): RecordEntry | undefined {
    return mergeWrittenOver(mine, theirs, () => ({ seq: this.nextSeq(), key: (this.options.newKey ?? uuidv4)() }), edited);
  }

  /** The entry this tab holds under one of the former ids of `moved`, if any. */
  private heldUnderFormerId(moved: RecordEntry): RecordEntry | undefined {
    for (const former of moved.formerIds ?? []) {
      const held = this.get(moved.className, former);
      if (held) return held;
    }
    return undefined;
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
    this.withQueue.delete(former);
    this.byClass.get(former.className)?.delete(former.id);
    const oldKey = this.keyOf(former.className, former.id);
    if (this.writes.has(oldKey)) this.writes.set(oldKey, null);
    // Its create was answered (that is why it moved), whether or not `done` says so.
    const answered = { ...moved, done: withDone(moved.done, former.queue.filter((op) => op.kind === "create").map((op) => shortKey(op.key))) };
    const merged = this.mergeOver(underId(former, moved), answered, this.editedHere.get(former));
    const entry = this.adopt(merged ?? moved);
    if (merged) this.writeMerged(entry, moved.queue);
    return entry;
  }

  /**
   * The record that left `id` for its server id, if one did: from an index
   * of former ids (looked up for every record another tab writes, so not a
   * walk over the class's records).
   */
  movedFrom(className: string, id: string): RecordEntry | undefined {
    const now = this.formerIdsTo.get(this.keyOf(className, id));
    const entry = now === undefined ? undefined : this.get(className, now);
    return entry?.formerIds?.includes(id) ? entry : undefined;
  }

  /** Former id's key → the id its record has now (see `movedFrom`). */
  private formerIdsTo = new Map<string, string>();

  private indexFormerIds(entry: RecordEntry): void {
    for (const former of entry.formerIds ?? []) this.formerIdsTo.set(this.keyOf(entry.className, former), entry.id);
  }

  /**
   * Writes an entry merged from two tabs' writes; `written` is the queue
   * storage held, so ops the merge dropped are named in `done`. (One call:
   * Hem's parser misreads the ES5 build's `a ? b && (c, d) : e`.)
   */
  private writeMerged(entry: RecordEntry, written: OutboxOp[]): void {
    this.writtenOps.set(entry, keysOf(written));
    this.touch(entry);
  }

  /** The storage keys of every record held here or in storage: what `reload` reads to take storage's word for all. */
  async recordKeys(): Promise<string[]> {
    const keys = new Set<string>();
    for (const [className, byId] of this.byClass) for (const id of byId.keys()) keys.add(this.keyOf(className, id));
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
    this.writtenOps.set(entry, keysOf(entry.queue));
    this.indexFormerIds(entry);
    this.classMap(entry.className).set(entry.id, entry);
    if (entry.queue.length) this.withQueue.add(entry);
    for (const op of entry.queue) this.seq = Math.max(this.seq, op.seq);
    return entry;
  }

  private classMap(className: string): Map<string, RecordEntry> {
    let map = this.byClass.get(className);
    if (!map) this.byClass.set(className, (map = new Map()));
    return map;
  }

  private load(rows: Array<[string, StoredEntry]>): void {
    this.loaded = true;
    // Changes made before an asynchronous store answered come after every stored one.
    let top = 0;
    for (const [, entry] of rows) for (const op of entry?.queue ?? []) if (op.seq > top) top = op.seq;
    for (const map of this.byClass.values()) for (const entry of map.values()) for (const op of entry.queue) op.seq += top;
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
    for (const map of this.byClass.values()) {
      for (const entry of map.values()) {
        for (const former of entry.formerIds ?? []) {
          const old = map.get(former);
          if (old) {
            this.withQueue.delete(old);
            map.delete(former);
            this.writes.set(this.keyOf(entry.className, former), null);
          }
        }
      }
    }
  }
}

/** `entry` as held under the id (and former ids) of `as`: two writes of one record before and after its move to a server id. */
function underId(entry: RecordEntry, as: RecordEntry): RecordEntry {
  return { ...entry, id: as.id, attrs: { ...entry.attrs, id: as.id }, formerIds: as.formerIds };
}
