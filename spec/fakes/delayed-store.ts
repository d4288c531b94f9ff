import type { Store, StoreOp } from "../../lib/store/store";

/**
 * A store whose writes land only after a pause, like IndexedDB under load,
 * so a spec can tell "waited for the write" from "hoped the write was fast".
 * Reads go straight through.
 */
export class DelayedStore implements Store {
  /** Writes started and not yet landed. */
  pendingWrites = 0;

  constructor(private readonly inner: Store, private readonly delayMs = 150) {}

  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.inner.get<T>(key);
  }

  put(key: string, value: unknown): Promise<void> {
    return this.batch([{ type: "put", key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.batch([{ type: "delete", key }]);
  }

  async batch(ops: StoreOp[]): Promise<void> {
    // Copy now, as a real store serialises at call time.
    const copied = JSON.parse(JSON.stringify(ops)) as StoreOp[];
    this.pendingWrites++;
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      await this.inner.batch(copied);
    } finally {
      this.pendingWrites--;
    }
  }

  entries<T = unknown>(prefix: string): Promise<Array<[string, T]>> {
    return this.inner.entries<T>(prefix);
  }
}
