import { localAttrs, type Attrs, type RecordEntry } from "../store/record-entry";
import { applyIncoming, showReloaded, type RemoteContext } from "./apply-remote";
import type { PullOptions } from "./puller";
import type { ResourceClient } from "./resource-client";
import { collectionName, routeFor, routeParams } from "./routes";

/** A change announced by a live server (API.md "Live updates"). */
export interface LiveChange {
  type: "created" | "updated" | "deleted";
  collection: string;
  id: string;
  attrs?: Attrs;
}

interface IncomingDeps {
  remote: RemoteContext;
  rc: ResourceClient;
  sync(className: string, options: PullOptions & { remote?: boolean }): Promise<unknown>;
  statusChanged(entry?: RecordEntry): void;
  kick(): void;
}

/**
 * Changes that come from elsewhere: live updates, a resync pull, and records
 * another tab of the app wrote.
 */
export class Incoming {
  constructor(private readonly deps: IncomingDeps) {}

  /** LiveHost: applies a live change with Spine events; never echoed, never over unsent edits. */
  async applyLiveChange(change: LiveChange): Promise<void> {
    await this.deps.remote.meta.ready;
    const model = this.deps.remote.app.modelByCollection(change.collection, collectionName);
    if (!model) return;
    const idField = this.deps.rc.IDField;
    const id = String(change.id ?? change.attrs?.[idField]);
    const attrs = change.attrs ? localAttrs(change.attrs, id, idField) : undefined;
    const className: string = model.className;
    if (applyIncoming(this.deps.remote, { type: change.type, className, id, attrs })) {
      const entry = this.deps.remote.meta.get(className, id);
      if (entry) this.deps.statusChanged(entry);
    }
    await this.deps.remote.meta.flush();
  }

  /**
   * LiveHost: pulls a collection again (after a "resync"), or every model.
   * An index route with a foreign-key parameter (":taskListID") is pulled
   * once per record of the model the key points at.
   */
  async pull(collection?: string): Promise<void> {
    const models = collection ? [this.deps.remote.app.modelByCollection(collection, collectionName)].filter(Boolean) : this.deps.remote.app.classNames().map((c) => this.deps.remote.app.model(c));
    for (const model of models) {
      const className: string = model.className;
      const options = this.deps.remote.options(className);
      if (options.local) continue;
      // The same lookup as every request: per-model, flat, then REST defaults.
      const param = routeParams(routeFor(this.deps.rc.routes, className, "index", options.url))[0];
      const parent = param ? options.remoteKeys[param] : undefined;
      if (!param) await this.deps.sync(className, { remote: true, since: "auto" }).catch(() => undefined);
      else if (parent) {
        for (const entry of this.deps.remote.meta.all(parent)) {
          if (entry.acked && !entry.deleted) await this.deps.sync(className, { remote: true, since: "auto", pathParams: { [param]: entry.id } }).catch(() => undefined);
        }
      }
    }
  }

  async otherTabWrote(keys: string[]): Promise<void> {
    const changes = await this.deps.remote.meta.reload(keys);
    showReloaded(this.deps.remote, changes);
    for (const change of changes) if (change.entry) this.deps.statusChanged(change.entry);
    if (changes.length) {
      this.deps.statusChanged();
      this.deps.kick();
    }
  }
}
