import type { Store, StoreOp } from "../../lib/store/store";

/**
 * The Store contract in a Map, copying values through JSON as a real store
 * would, so a spec cannot pass by sharing object references.
 */
export class MemoryStore implements Store {
  readonly map = new Map<string, string>();

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const raw = this.map.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async put(key: string, value: unknown): Promise<void> {
    this.map.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }

  async batch(ops: StoreOp[]): Promise<void> {
    for (const op of ops) {
      if (op.type === "put") this.map.set(op.key, JSON.stringify(op.value));
      else this.map.delete(op.key);
    }
  }

  async entries<T = unknown>(prefix: string): Promise<Array<[string, T]>> {
    return [...this.map].filter(([key]) => key.startsWith(prefix)).map(([key, raw]) => [key, JSON.parse(raw) as T]);
  }
}
