import type { OutboxOp, RecordEntry } from "./record-entry";
import type { Store } from "./store";

/** How many such records a tab remembers (the race below lasts milliseconds). */
const REMEMBERED = 100;

/**
 * Records this tab deleted before the server had them: their unsent create
 * and edits were dropped with them (compaction.ts), and their key removed.
 * A tab that does not send writes that removal while the sending tab may be
 * starting to send the create, having not heard of it yet; that tab's write
 * of the create as sent (or of the record under its server id, once created)
 * then brings the record back. Seen in storage news, such a write is taken
 * for what it is: the record this tab deleted, which now needs its delete
 * sent (meta-context.ts `reload`). Kept in storage under `<prefix>dropped`,
 * written in the batch that removes the record, so a tab reloaded right
 * after the delete still knows.
 */
export class DroppedHere {
  /** Storage key → the keys of the ops dropped with the record. */
  private byKey = new Map<string, Set<string>>();

  constructor(
    private readonly storageKey: string,
    private readonly write: (key: string, value: Array<[string, string[]]>) => void,
  ) {}

  /** Takes what storage kept (read once the records are); what was dropped here before the read comes last. */
  async load(store: Store): Promise<void> {
    const kept = await store.get<unknown>(this.storageKey);
    if (!Array.isArray(kept)) return;
    const mine = this.byKey;
    this.byKey = new Map();
    for (const item of kept) {
      if (Array.isArray(item) && typeof item[0] === "string" && Array.isArray(item[1])) this.byKey.set(item[0], new Set(item[1].map(String)));
    }
    for (const [key, ops] of mine) this.byKey.set(key, ops);
  }

  note(key: string, dropped: OutboxOp[]): void {
    if (dropped.length === 0) return;
    this.byKey.delete(key);
    this.byKey.set(key, new Set(dropped.map((op) => op.key)));
    if (this.byKey.size > REMEMBERED) this.byKey.delete(this.byKey.keys().next().value as string);
    this.write(this.storageKey, [...this.byKey].map(([k, ops]) => [k, [...ops]]));
  }

  /** The key this tab dropped `theirs` under, if storage's `theirs` (at `key`) is that record: its ops, or its former id. */
  match(key: string, theirs: RecordEntry, keyOfFormer: (id: string) => string): string | undefined {
    const ops = this.byKey.get(key);
    if (ops && theirs.queue.some((op) => ops.has(op.key))) return key;
    for (const former of theirs.formerIds ?? []) if (this.byKey.has(keyOfFormer(former))) return keyOfFormer(former);
    return undefined;
  }
}
