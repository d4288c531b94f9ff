import { badOption } from "./checked-options";
import { oneSlipFrom } from "./near-miss";

/** A minimal typed event emitter: the Atmos instance's `on`, `off` and `emit`. */
export type Listener<T> = (payload: T) => void;

export class Emitter<Events extends object> {
  private listeners = new Map<string, Set<Listener<any>>>();

  /** `names`: every event there is, so a listener to another one (`"eror"`), which would never be called, throws. */
  constructor(private readonly names?: readonly string[]) {}

  on<K extends keyof Events & string>(name: K, fn: Listener<Events[K]>): () => void {
    if (this.names && !this.names.includes(name)) {
      const meant = this.names.find((known) => oneSlipFrom(String(name), known));
      throw new Error(`atmos2: atmos.on(${JSON.stringify(name)}): there is no such event; ${meant ? `did you mean "${meant}"?` : `the events are ${this.names.join(", ")}`}`);
    }
    if (typeof fn != "function") throw badOption(`atmos.on(${JSON.stringify(name)}, listener): the listener`, "a function", fn);
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn);
    return () => this.off(name, fn);
  }

  off<K extends keyof Events & string>(name?: K, fn?: Listener<Events[K]>): void {
    if (!name) this.listeners.clear();
    else if (!fn) this.listeners.delete(name);
    else this.listeners.get(name)?.delete(fn);
  }

  emit<K extends keyof Events & string>(name: K, payload?: Events[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(payload as Events[K]);
      } catch (error) {
        // A listener's bug must not break sync; surface it asynchronously
        // where the platform reports uncaught errors.
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }
}
