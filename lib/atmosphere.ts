import { Atmos } from "./atmos";
import { AppContext } from "./app-context";
import type { PullOptions } from "./sync/puller";

/** Options of `Model.sync()`. */
export type SyncOptions = PullOptions & { remote?: boolean };

function current(): Atmos {
  return Atmos.instance ?? new Atmos();
}

/**
 * `Spine.Model.Atmosphere`: extend a configured model with it
 * (`Task.extend(Spine.Model.Atmosphere)`). Wiring only; the work is done by
 * the Atmos instance. Local use stays exactly Spine's.
 */
export const Atmosphere = {
  extended(this: any): void {
    AppContext.extend(this, (start) => (start ? current() : Atmos.instance)?.hooks);
    this.include({
      /** "local" | "pending" | "synced" | "failed" */
      syncState(this: any) {
        return current().syncState(this.constructor.className, String(this.id));
      },
    });
  },

  /** Local records (refresh), then with `{ remote: true }` the server's, merged. */
  sync(this: any, options: SyncOptions = {}): Promise<unknown[]> {
    return current().sync(this.className, options);
  },

  /** Sends every unsent change of this model. */
  push(this: any): Promise<void> {
    return current().push(this.className);
  },

  /** Records with unsent changes. */
  dirty(this: any): unknown[] {
    return current()
      .dirty(this.className)
      .map((id) => (this.exists(id) ? this.find(id) : null))
      .filter(Boolean);
  },

  /** Remote ids deleted locally and not yet deleted on the server. */
  destroyedIds(this: any): string[] {
    return current().destroyedIds(this.className);
  },
};
