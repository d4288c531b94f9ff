import { Atmos, closed, closedError } from "./atmos";
import { AppContext, type ModelHooks } from "./app-context";
import { useModel } from "./app-context/spine-state";
import { checkSyncOptions } from "./call-options";
import type { PullOptions } from "./sync/puller";

/** Options of `Model.sync()`. */
export type SyncOptions = PullOptions & { remote?: boolean };

/**
 * The Atmos the models use: the last one made, or a default one if none was
 * made yet. Once it is closed (and none made since) it still answers what it
 * knows (sync states, local records), but sending or pulling (`sends`)
 * throws, instead of starting a default Atmos with no base or routes.
 */
function current(sends?: unknown): Atmos {
  const atmos = Atmos.instance ?? closed.last;
  if (atmos && atmos === closed.last && sends) throw closedError();
  return atmos ?? new Atmos();
}

/**
 * A model's changes after `close()`, with no new Atmos: Spine's memory alone
 * holds them (as it does `deleteAll()` and `refresh()`, and as before any
 * Atmos was made); one that would be sent throws.
 */
const afterClose = {
  changed(record: any, _type: string, options: { remote?: unknown }) {
    const model = record.constructor;
    if (!model.local && (options.remote === true || model.remote === true)) throw closedError();
  },
} as ModelHooks;

/** The Spine model class the mixin's methods run on (as `Model.sync()`, `this` is the model). */
export interface AtmosphereModel {
  className: string;
  include(methods: object): unknown;
  exists(id: string): boolean;
  find(id: string): unknown;
}

/** A record of such a model (`record.syncState()`). */
interface AtmosphereRecord {
  id?: unknown;
  constructor: Function & AtmosphereModel;
}

/**
 * `Spine.Model.Atmosphere`: extend a configured model with it
 * (`Task.extend(Spine.Model.Atmosphere)`). Wiring only; the work is done by
 * the Atmos instance. Local use stays exactly Spine's.
 */
export const Atmosphere = {
  extended(this: AtmosphereModel): void {
    // Only a change (`start`) starts a default Atmos; refresh, changeID and deleteAll change Spine's memory only.
    AppContext.extend(this, (start) => Atmos.instance?.hooks ?? (!start ? undefined : closed.last ? afterClose : new Atmos().hooks));
    this.include({
      /** "local" | "pending" | "synced" | "failed" */
      syncState(this: AtmosphereRecord) {
        useModel(this.constructor);
        return current().syncState(this.constructor.className, String(this.id));
      },
    });
  },

  /** Local records (refresh), then with `{ remote: true }` the server's, merged. */
  sync(this: AtmosphereModel, options: SyncOptions = {}): Promise<unknown[]> {
    checkSyncOptions(this, options);
    useModel(this);
    return current(options.remote).sync(this.className, options);
  },

  /** Sends every unsent change of this model. */
  push(this: AtmosphereModel): Promise<void> {
    useModel(this);
    return current(true).push(this.className);
  },

  /** Records with unsent changes. */
  dirty(this: AtmosphereModel): unknown[] {
    useModel(this);
    return current()
      .dirty(this.className)
      .map((id) => (this.exists(id) ? this.find(id) : null))
      .filter(Boolean);
  },

  /** Remote ids deleted locally and not yet deleted on the server. */
  destroyedIds(this: AtmosphereModel): string[] {
    useModel(this);
    return current().destroyedIds(this.className);
  },
};
