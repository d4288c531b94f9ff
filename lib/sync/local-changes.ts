import type { AppContext, ModelHooks, SpineRecord } from "../app-context";
import { uuidv4 } from "../env/uuid";
import { hasOwn, type Attrs } from "../store/record-entry";
import { recordChange, type ChangeType } from "./change-recorder";
import { keepCleared, keepNewId, keepRefreshed } from "./outside-edits";
import { tellOrphans } from "./parent-order";
import type { RemoteCallOptions, SyncHost } from "./sync-host";

interface LocalChangesDeps {
  host: SyncHost;
  app: AppContext;
  /** Starts a sending round. */
  kick(): void;
  /** Keeps a call's callbacks and options with the op it was queued as (until it is answered), and the record's id then. */
  remember(opKey: string, options: RemoteCallOptions, className: string, id: string): void;
}

/**
 * What the app's Spine calls do to the outbox and the stored records: the
 * hooks a model extended with `Spine.Model.Atmosphere` calls (see
 * `AppContext.extend`).
 */
export class LocalChanges implements ModelHooks {
  constructor(private readonly deps: LocalChangesDeps) {}

  /** The id the record that left `id` for its server id has now (see ModelHooks). */
  movedTo(className: string, id: string): string | undefined {
    return this.deps.host.meta.movedFrom(className, id)?.id;
  }

  /** The app created, updated or destroyed a record (`save`, `destroy`, with or without `remote`). */
  changed(record: SpineRecord, type: ChangeType, callOptions: Record<string, any> = {}): void {
    const { host, app } = this.deps;
    if (type === "destroy" && this.later(() => this.changed(record, type, callOptions))) return;
    const className = record.constructor.className;
    const model = host.options(className);
    const remote = callOptions.remote === true;
    // A save without remote that is given options of its own keeps the defaults too, for when push() sends it.
    const options: RemoteCallOptions = remote || hasKeys(callOptions) ? { ...model.remoteSaveOptions, ...callOptions } : callOptions;
    const plain = app.toPlain(record);
    // A missing route parameter is a programmer error and throws, but only
    // after the change is kept locally (as unsent), like any other save.
    let routeError: unknown;
    if (remote && type !== "destroy" && !model.local) {
      try {
        this.checkRoute(plain.className, plain.id, plain.attrs, options);
      } catch (error) {
        routeError = error;
      }
    }
    const change = recordChange(host, plain, type, { remote: remote && !routeError, newKey: uuidv4, model });
    if (change.op && (options.success || options.error || options.prepareData || options.updateFromData || options.pathParams || options.params)) {
      this.deps.remember(change.op.key, options, plain.className, plain.id);
    }
    if (change.entry) host.statusChanged(change.entry);
    tellOrphans(host, change.orphans ?? []);
    if (change.send) this.deps.kick();
    if (routeError) throw routeError;
  }

  /** Records the app loaded from outside (`Model.refresh`, `record.refresh`). */
  refreshed(className: string, records: SpineRecord[]): void {
    const { host, app } = this.deps;
    const plain = records.map((r) => app.toPlain(app.find(className, String(r.id)) ?? r));
    for (const entry of keepRefreshed(host.meta, plain)) host.statusChanged(entry);
  }

  /** The app called `record.changeID(newId)`. */
  idChanged(className: string, oldId: string, newId: string): void {
    const { host } = this.deps;
    const entry = keepNewId(host.meta, className, oldId, newId);
    if (entry) host.statusChanged(entry);
  }

  /** The app called `Model.deleteAll()`. */
  cleared(className: string, ids: string[], everything = false): void {
    if (this.later(() => this.cleared(className, ids, everything))) return;
    const { host } = this.deps;
    for (const entry of keepCleared(host, className, ids, everything)) host.statusChanged(entry);
  }

  /**
   * Before an asynchronous store has been read, a destroy cannot tell an
   * unsent create (dropped with no request) from a record the server has
   * (deleted there): it is recorded once the stored entries are known.
   * Returns whether it waits.
   */
  private later(record: () => void): boolean {
    const { meta } = this.deps.host;
    if (!meta.loaded) meta.ready.then(record, () => undefined);
    return !meta.loaded;
  }

  /** Resolves the route the save will be sent on now, so a missing parameter throws from `save()`. */
  private checkRoute(className: string, id: string, attrs: Attrs, options: RemoteCallOptions): void {
    const { host } = this.deps;
    const acked = host.meta.get(className, id)?.acked;
    // As the request will be built (requestFor): `:id` is the remote id, which a create has not got yet.
    const lookup = (name: string) => options.pathParams?.[name] ?? (name === "id" || name === host.rc.IDField ? (acked ? id : undefined) : attrs[name]);
    const action = acked ? "update" : "create";
    host.rc.route(className, action, lookup, host.options(className).url);
  }
}

/** Whether an object has a key of its own (on every save: no array of keys). */
function hasKeys(object: object): boolean {
  for (const key in object) if (hasOwn.call(object, key)) return true;
  return false;
}
