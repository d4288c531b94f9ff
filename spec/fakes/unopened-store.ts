import type { Store, StoreOp } from "../../lib/store/store";

/**
 * A store that cannot be reached until `open()` is called: every read and
 * write fails with `failure` until then, as an IndexedDB whose open failed
 * (storage blocked for a moment) does; afterwards it is `inner`.
 */
export class UnopenedStore implements Store {
  private opened = false;

  constructor(
    private readonly inner: Store,
    private readonly failure = new Error('atmos2: could not open IndexedDB "app": storage is blocked'),
  ) {}

  open(): void {
    this.opened = true;
  }

  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.reached(() => this.inner.get<T>(key));
  }

  put(key: string, value: unknown): Promise<void> {
    return this.reached(() => this.inner.put(key, value));
  }

  delete(key: string): Promise<void> {
    return this.reached(() => this.inner.delete(key));
  }

  batch(ops: StoreOp[]): Promise<void> {
    return this.reached(() => this.inner.batch(ops));
  }

  entries<T = unknown>(prefix: string): Promise<Array<[string, T]>> {
    return this.reached(() => this.inner.entries<T>(prefix));
  }

  private reached<T>(run: () => Promise<T>): Promise<T> {
    return this.opened ? run() : Promise.reject(this.failure);
  }
}
