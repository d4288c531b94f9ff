import type { AppContext } from "../app-context";
import type { ConflictEvent } from "../atmos-options";
import type { Puller, PullOptions } from "./puller";
import type { ResolvedRoute } from "./routes";
import { pullGoneHint } from "./gone-hints";
import { noteOutcome } from "./request-outcome";
import { goneAnswer } from "./retry-policy";
import type { StatusBoard } from "./status-board";
import { asSyncError, type SyncError } from "./sync-error";
import type { SyncHost } from "./sync-host";

/** What `Model.sync` needs of the Atmos instance. */
export interface ModelSyncParts {
  host: SyncHost;
  app: AppContext;
  puller: Puller;
  board: StatusBoard;
  /** Sends what the merge left to send (a conflict's merged edit). */
  kick(): void;
  /** Once the Atmos is closed: what a remote sync rejects with. */
  closed(): Error | undefined;
  /** The `error` event (and on a 401 `auth_fail`) of the failed pull. */
  reportFailure(model: string, error: SyncError): void;
  /** The `conflict` event: a record's server version changed under its unsent local edit. */
  conflict(model: string, id: string, versions: Pick<ConflictEvent, "local" | "remote" | "merged" | "base">): void;
}

export type SyncOptions = PullOptions & { remote?: boolean };

/**
 * `Model.sync(options)`: the records storage holds are shown first; with
 * `remote`, the server's are then pulled, merged and shown. Resolves with the
 * model's records as shown (the pulled ones, for a remote sync).
 */
export function syncModel(parts: ModelSyncParts, className: string, options: SyncOptions): Promise<unknown[]> {
  const { host, app, board } = parts;
  const closed = options.remote ? parts.closed() : undefined;
  if (closed) return Promise.reject(closed);
  const model = host.options(className);
  const mark = board.onlineMark;
  const route = options.remote ? host.rc.route(className, "index", (name) => options.pathParams?.[name], model.url) : undefined;
  const local = host.meta.ready.then(() => {
    const list = host.meta.all(className).filter((e) => !e.deleted).map((e) => e.attrs);
    app.refresh(className, list);
  });
  if (!route) return local.then(() => recordsOf(app, className, undefined));
  const localParent = local.then(() => unsentParentIn(host, className, route.params, options.pathParams));
  return localParent.then((field) =>
    field ? recordsOf(app, className, host.meta.all(className).filter((e) => !e.deleted && e.attrs[field] === options.pathParams?.[field]).map((e) => e.id)) : pulled(parts, className, route, options, mark),
  );
}

/**
 * The path parameter (a foreign key in `remoteKeys`) naming a parent the
 * server does not know yet, if any: the server has no children under it,
 * and no local id goes to the server.
 */
function unsentParentIn(host: SyncHost, className: string, params: string[], given: Record<string, unknown> | undefined): string | undefined {
  const keys = host.options(className).remoteKeys;
  return params.find((name) => {
    const value = given?.[name];
    const parent = keys[name] && value != null ? host.meta.get(keys[name], String(value)) : undefined;
    return !!parent && !parent.acked;
  });
}

function pulled(parts: ModelSyncParts, className: string, route: ResolvedRoute, options: SyncOptions, mark: number): Promise<unknown[]> {
  const { host, app, board } = parts;
  return parts.puller.pull(className, route, options).then(
    (result) => {
      // Only what storage still holds as pulled: a create's answer that came meanwhile may have replaced a pulled copy of it.
      const current = result.changed.filter((attrs) => host.meta.get(className, String(attrs.id))?.attrs === attrs);
      const shown = app.refresh(className, current);
      for (const c of result.conflicts) {
        parts.conflict(className, String(c.merged.id), c);
        const entry = host.meta.get(className, String(c.merged.id));
        if (entry) board.changed(entry);
      }
      if (result.conflicts.length) parts.kick();
      host.setOnline(true);
      // Every record pulled changed (a first pull): they are the ones just shown.
      if (result.records.length === result.changed.length && result.records.every((a, i) => a === result.changed[i])) return shown;
      return recordsOf(app, className, result.records.map((a) => String(a.id)));
    },
    (error) => {
      // Closed while it was out: nothing to report, and nothing was shown.
      const closed = parts.closed();
      if (closed) throw closed;
      const failure = asSyncError(error);
      if (failure.type === "http" && goneAnswer(failure.status) && !failure.saysWhereToLook) failure.message += pullGoneHint(host, className, route, options.pathParams);
      // Offline, unless the network was seen up since this pull began (a stale timeout).
      noteOutcome(host, failure, () => board.onlineMark === mark && board.setOnline(false));
      parts.reportFailure(className, failure);
      throw failure;
    },
  );
}

/** The model's records Spine holds (all, or these ids). */
function recordsOf(app: AppContext, className: string, ids: string[] | undefined): unknown[] {
  const model = app.model(className);
  if (!model) return [];
  if (!ids) return model.all();
  return ids.map((id) => app.find(className, id)).filter(Boolean);
}
