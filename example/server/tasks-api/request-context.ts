import { ApiError } from "./api-error";
import { nextStamp, type Db, type Stamp } from "./db";
import { etagOf } from "./resources";

/**
 * One committed change, as the live hub publishes it (structurally the
 * `LiveChange` of lib/live/live-protocol.ts). `attrs` is the full resource
 * as the REST API returns it.
 */
export interface TasksChange {
  type: "created" | "updated" | "deleted";
  collection: "lists" | "tasks";
  id: string;
  attrs: Record<string, unknown>;
}

/** What a route handler gets. Handlers run inside one write transaction. */
export interface RequestContext {
  db: Db;
  /** The account making the request: only its lists (and their tasks) exist for it. */
  user: string;
  /** Decoded path parameters (`list`, `task`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body, undefined when empty. */
  body: unknown;
  /** The If-Match header, when sent. */
  ifMatch?: string;
  /** Absolute URL of `/tasks/v1` as the client reached it, for selfLinks. */
  baseUrl: string;
  /** Stamps one change (revision + monotonic time); call once per resource written. */
  stamp(): Stamp;
  /** Read time for this request, for `completed` defaults. */
  now: number;
  /** Changes to publish once the transaction has committed. */
  changes: TasksChange[];
}

/** Builds the stamping function for a request by `user`. */
export function stamper(db: Db, now: number, user: string): () => Stamp {
  return () => nextStamp(db, now, user);
}

/**
 * Refuses a write whose If-Match names another version (412), so a client
 * can avoid overwriting a change it has not seen. `*` matches any version.
 */
export function checkIfMatch(ctx: RequestContext, rev: number): void {
  if (ctx.ifMatch === undefined) return;
  const wanted = ctx.ifMatch.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (wanted.includes("*") || wanted.includes(etagOf(rev))) return;
  throw new ApiError(412, `Precondition failed: the resource changed (its etag is now ${etagOf(rev)}).`, "conditionNotMet", {
    name: "If-Match",
    type: "header",
  });
}

/**
 * The etag of everything `user` owns, for collection envelopes. It moves with
 * their own writes only, so it says nothing about other accounts' activity.
 */
export function collectionEtag(db: Db, user: string): string {
  const row = db.prepare("SELECT rev FROM accounts WHERE name = ?").get(user) as { rev: number } | undefined;
  return etagOf(row?.rev ?? 0);
}
