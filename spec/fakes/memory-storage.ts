/**
 * A Web Storage object in memory, with an optional quota in characters, so
 * specs can fill storage up and see QuotaExceededError like a browser's.
 */
export class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  /** Characters of keys and values stored, kept as items change (O(1) a write). */
  private usedChars = 0;
  /** Total characters of keys and values allowed; Infinity by default. */
  quota = Infinity;
  /** Thrown by every setItem while set: storage that refuses writes for another reason than space (blocked, a private window's). */
  failure: Error | undefined;
  /** Number of setItem calls, for specs that count writes. */
  writes = 0;

  get length(): number {
    return this.map.size;
  }

  key(index: number): string | null {
    return Array.from(this.map.keys())[index] ?? null;
  }

  getItem(key: string): string | null {
    return this.map.has(key) ? (this.map.get(key) as string) : null;
  }

  setItem(key: string, value: string): void {
    if (this.failure) throw this.failure;
    const text = String(value);
    const previous = this.map.has(key) ? key.length + (this.map.get(key) as string).length : 0;
    const used = this.usedChars - previous;
    if (used + key.length + text.length > this.quota) {
      const error = new Error(`Setting the value of '${key}' exceeded the quota.`);
      error.name = "QuotaExceededError";
      throw error;
    }
    this.writes++;
    this.map.set(key, text);
    this.usedChars = used + key.length + text.length;
  }

  removeItem(key: string): void {
    const value = this.map.get(key);
    if (value !== undefined) this.usedChars -= key.length + value.length;
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.usedChars = 0;
  }

  keys(): string[] {
    return Array.from(this.map.keys());
  }

  [name: string]: any;
}
