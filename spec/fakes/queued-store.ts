import type { Store, StoreOp } from "../../lib/store/store";

/**
 * A store that runs every request in the order it was made, each taking
 * `delayMs`, as IndexedDB runs its transactions over one object store: a
 * read made before a write sees storage without that write, however the
 * two are awaited. Batches are handed over at once (`ordersBatches`).
 */
export class QueuedStore implements Store {
  readonly ordersBatches = true;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly inner: Store, private readonly delayMs = 20) {}

  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.run(() => this.inner.get<T>(key));
  }

  getMany<T = unknown>(keys: string[]): Promise<Array<T | undefined>> {
    return this.run(() => Promise.all(keys.map((key) => this.inner.get<T>(key))));
  }

  put(key: string, value: unknown): Promise<void> {
    return this.batch([{ type: "put", key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.batch([{ type: "delete", key }]);
  }

  batch(ops: StoreOp[]): Promise<void> {
    // Copied now, as a real store serialises at call time.
    const copied = JSON.parse(JSON.stringify(ops)) as StoreOp[];
    return this.run(() => this.inner.batch(copied));
  }

  entries<T = unknown>(prefix: string): Promise<Array<[string, T]>> {
    return this.run(() => this.inner.entries<T>(prefix));
  }

  private run<T>(request: () => Promise<T>): Promise<T> {
    const done = this.queue.then(() => new Promise((resolve) => setTimeout(resolve, this.delayMs))).then(request);
    this.queue = done.catch(() => undefined);
    return done;
  }
}
