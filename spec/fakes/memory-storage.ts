/**
 * A Web Storage object in memory, with an optional quota in characters, so
 * specs can fill storage up and see QuotaExceededError like a browser's.
 */
export class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  /** Total characters of keys and values allowed; Infinity by default. */
  quota = Infinity;
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
    const text = String(value);
    const used = this.used() - (this.map.has(key) ? key.length + (this.map.get(key) as string).length : 0);
    if (used + key.length + text.length > this.quota) {
      const error = new Error(`Setting the value of '${key}' exceeded the quota.`);
      error.name = "QuotaExceededError";
      throw error;
    }
    this.writes++;
    this.map.set(key, text);
  }

  removeItem(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  keys(): string[] {
    return Array.from(this.map.keys());
  }

  private used(): number {
    let total = 0;
    for (const [k, v] of this.map) total += k.length + v.length;
    return total;
  }
  [name: string]: any;
}
