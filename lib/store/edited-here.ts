import { sameValue, type OutboxOp, type RecordEntry } from "./record-entry";

/** Field → the key of the op that carries the user's edit of it (none for a local-only model). */
export type EditedFields = Map<string, string | undefined>;

/**
 * The fields the user changed in this tab since it last read each record
 * from storage, with the op that carries each edit: what a merge with
 * another tab's write of the record keeps as this tab's (see entry-merge.ts).
 */
export class EditedHere {
  private byEntry = new WeakMap<RecordEntry, EditedFields>();

  of(entry: RecordEntry): EditedFields | undefined {
    return this.byEntry.get(entry);
  }

  /** The user changed these fields of the record in this tab; `op` carries the change. */
  note(entry: RecordEntry, fields: string[], op: OutboxOp | undefined): void {
    if (fields.length === 0) return;
    let edited = this.byEntry.get(entry);
    if (!edited) this.byEntry.set(entry, (edited = new Map()));
    for (const field of fields) edited.set(field, op?.key);
  }

  /**
   * Storage holds this tab's own values of the fields its user changed (its
   * write read back, as a lagging tab may write an older one over it next):
   * the edits are still this tab's, not yet seen elsewhere.
   */
  keep(old: RecordEntry, now: RecordEntry): void {
    const edited = this.byEntry.get(old);
    if (edited && [...edited.keys()].every((field) => sameValue(old.attrs[field], now.attrs[field]))) this.byEntry.set(now, edited);
  }
}
