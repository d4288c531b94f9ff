import type { PullOptions } from "./sync/puller";
import type { ErrorPayload } from "./sync/sync-error";
import type { SyncState } from "./store/record-entry";

/**
 * Options of `Model.sync()`. `R` is the record a `removeScope` predicate
 * gets: the model (Spine's typings pass it), else a plain record.
 */
export interface SyncOptions<R = Record<string, unknown>> extends Omit<PullOptions, "removeScope"> {
  /** Also fetch the server's records (the index route) and merge them. */
  remote?: boolean | undefined;
  /** Limits `remove` to records matching these attributes or this predicate. */
  removeScope?: Record<string, unknown> | ((record: R) => unknown) | undefined;
}

/** A function type compared as a method is (its parameters both ways), so a callback may type `record` as the model. */
type Method<F extends (...args: never[]) => unknown> = { method(...args: Parameters<F>): ReturnType<F> }["method"];

/**
 * The options a Spine user passes to the calls atmos2 adds or extends:
 * `record.save(options)`, `record.destroy(options)` and the model's
 * `remoteSaveOptions`. Types only; the Spine typings (types/spine.d.ts)
 * use them, so the code stays in lib/atmos.ts and lib/sync.
 */
export interface SaveOptions<R = unknown> {
  /** Also send the change to the server (create, update or delete). */
  remote?: boolean | undefined;
  /** Values for `:name` in the route, before the record's own attributes. */
  pathParams?: Record<string, unknown> | undefined;
  /** Query string of the request. */
  params?: Record<string, unknown> | undefined;
  // Callbacks are typed as methods (`Method<…>`): a model's own options may
  // type `record` as the model (`(data, record: Task) => ...`) in a strict
  // project; and as properties that take `undefined`, for a callback that
  // may be unset under exactOptionalPropertyTypes.
  /** Turns the attributes into the body that is sent. */
  prepareData?: Method<(data: Record<string, unknown>, record: R) => unknown> | undefined;
  /** Turns the server's answer (an object; not called for an empty one) into the attributes that are kept. */
  updateFromData?: Method<(record: R, data: Record<string, unknown>) => Record<string, unknown> | void> | undefined;
  /** Called once the server accepted the change. */
  success?: Method<(record: R, response: unknown) => void> | undefined;
  /** Called at the first failure of the change (`error.retrying` when it is sent again, once), and when the server refused it. */
  error?: Method<(record: R, error: ErrorPayload) => void> | undefined;
  // Spine's own options, which it reads itself.
  /** `false` saves without calling the model's `validate()`. */
  validate?: boolean | undefined;
  /** `destroy`: also drop the record from Spine's index (Spine's default, `true`). */
  clear?: boolean | undefined;
  /** `create`: the position in `Model.records`. */
  idx?: number | undefined;
  // No index signature: a misspelt option (`remtoe`) is a compile error, as it is
  // an error at run time. Spine passes every option on to the change, create,
  // update and destroy handlers; an app that passes its own for them passes
  // them typed (`{ silent: true } as SaveOptions<Task>`, as the README says).
}

/** `Model.remoteKeys`: foreign key attribute → class name of the model it points to. */
export type RemoteKeys = Record<string, string>;

/**
 * The Spine record an event or an error payload concerns (a model's
 * instance): narrow it with `record instanceof Task` to read its attributes.
 * `atmos.retry(record)` and `atmos.revert(record)` take it as it is.
 */
export interface AtmosRecord {
  id: string;
  cid: string;
  /** "local" | "pending" | "synced" | "failed". */
  syncState(): SyncState;
}
