import type { Store } from "./store";

/**
 * Records whose delete the server confirmed here lately (the last 500, kept
 * in storage under `<prefix>gone` as their record keys): news of them that
 * comes later, even after a reload (a create's retry answered with the
 * replay of its first answer, a live change replayed late), is older.
 */
export class GoneList {
  private keys = new Set<string>();

  constructor(
    private readonly storageKey: string,
    private readonly keyOf: (className: string, id: string) => string,
    /** Writes the list in the batch that removes the record (the removal follows in the same tick). */
    private readonly write: (key: string, value: string[]) => void,
  ) {}

  /** Takes what storage kept (read once the records are); deletes confirmed before the read came first. */
  async load(store: Store): Promise<void> {
    const kept = await store.get<unknown>(this.storageKey);
    if (Array.isArray(kept)) this.keys = new Set([...kept.map(String), ...this.keys]);
  }

  confirm(className: string, id: string): void {
    const key = this.keyOf(className, id);
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > 500) this.keys.delete(this.keys.values().next().value!);
    this.write(this.storageKey, [...this.keys]);
  }

  has(className: string, id: string): boolean {
    return this.keys.has(this.keyOf(className, id));
  }
}
