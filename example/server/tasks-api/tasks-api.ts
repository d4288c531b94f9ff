import type * as http from "http";
import { ApiError } from "./api-error";
import { checkToken } from "./auth";
import { CORS_HEADERS, PREFLIGHT_HEADERS } from "./cors";
import { openDb } from "./db";
import { emptyResponse, errorResponse, parseJsonBody, readBody, send, type ApiResponse } from "./http-io";
import { idempotencyKey, remember, storedAnswer } from "./idempotency";
import { stamper, type RequestContext, type TasksChange } from "./request-context";
import { matchRoute } from "./router";

/** Where the API lives on the server. */
export const API_PREFIX = "/tasks/v1";
/** The channel of the (single) user of this server. */
export const USER_CHANNEL = "user:me";

export interface TasksApiOptions {
  /** SQLite file (created with its schema when missing). */
  dbFile: string;
  /** The Bearer token to accept. Without one, every request is accepted. */
  token?: string;
  /** Called after each committed change, in commit order. */
  onChange?: (published: PublishedChange) => void;
  /** Largest request body accepted, in bytes (413 beyond). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Answer CORS preflights and add CORS headers. Default true. */
  cors?: boolean;
  /** Clock in ms, for `updated` and `completed`. Default `Date.now`. */
  now?: () => number;
  /** Where failures that are not the client's fault go (a throwing onChange, a bug). Default console.error. */
  onError?: (err: unknown) => void;
}

/** What `onChange` and `subscribe` listeners receive. */
export interface PublishedChange {
  channel: string;
  change: TasksChange;
}

export interface TasksApi {
  /** Serves the request if its path is under `/tasks/v1` and returns true; else returns false and leaves it alone. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /**
   * Adds a change listener after creation (e.g. the live hub, attached by an
   * app server's `extend`). Returns the function that removes it.
   */
  subscribe(listener: (published: PublishedChange) => void): () => void;
  /** Closes the database. */
  close(): void;
}

/**
 * A Google-Tasks-compatible API (the part a sync client needs) on SQLite.
 *
 * Each request: CORS preflight → token → route → body → (replay of an
 * Idempotency-Key) → handler inside one transaction that also stores the
 * idempotent answer → response → change notifications.
 */
export function createTasksApi(options: TasksApiOptions): TasksApi {
  const db = openDb(options.dbFile);
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const cors = options.cors ?? true;
  const clock = options.now ?? Date.now;
  const onError = options.onError ?? ((err: unknown) => console.error("tasks-api:", err));
  const listeners = new Set<(published: PublishedChange) => void>();
  if (options.onChange) listeners.add(options.onChange);

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    let response: ApiResponse;
    let changes: TasksChange[] = [];
    try {
      if (method === "OPTIONS" && cors) {
        req.resume();
        send(res, emptyResponse(204), PREFLIGHT_HEADERS);
        return;
      }
      checkToken(req, url.searchParams, options.token);
      const match = matchRoute(method, url.pathname.slice(API_PREFIX.length));
      const body = match.writes ? parseJsonBody(await readBody(req, maxBodyBytes)) : undefined;
      const key = match.writes ? idempotencyKey(req.headers["idempotency-key"]) : undefined;
      const now = clock();
      const requestKey = url.pathname + url.search;
      const run = () => {
        const stored = key !== undefined ? storedAnswer(db, key, method, requestKey) : undefined;
        if (stored) return { response: { ...stored, headers: { ...stored.headers, "Idempotent-Replayed": "true" } }, changes: [] };
        const ctx: RequestContext = {
          db,
          params: match.params,
          query: url.searchParams,
          body,
          ifMatch: headerText(req.headers["if-match"]),
          baseUrl: `${origin(req)}${API_PREFIX}`,
          stamp: stamper(db, now),
          now,
          changes: [],
        };
        const answer = match.handler(ctx);
        if (key !== undefined) remember(db, key, method, requestKey, answer, now);
        return { response: answer, changes: ctx.changes };
      };
      const transaction = db.transaction(run);
      ({ response, changes } = match.writes ? transaction.immediate() : transaction.deferred());
    } catch (err) {
      response = errorResponse(asApiError(err, onError));
    }
    req.resume(); // discard any body not read (e.g. a refused token)
    send(res, response, cors ? CORS_HEADERS : {});
    for (const change of changes) {
      for (const listener of listeners) {
        try {
          listener({ channel: USER_CHANNEL, change });
        } catch (err) {
          onError(err);
        }
      }
    }
  }

  return {
    handle(req, res) {
      let url: URL;
      try {
        url = new URL(req.url ?? "/", "http://localhost");
      } catch {
        return false; // not a path this API could own; the host server answers it
      }
      if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) return false;
      serve(req, res, url).catch((err) => {
        onError(err);
        if (!res.headersSent) send(res, errorResponse(new ApiError(500, "Internal error.")));
        else res.destroy();
      });
      return true;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      db.close();
    },
  };
}

/** Client errors pass through; a locked database is transient (503); anything else is a bug (500, reported). */
function asApiError(err: unknown, onError: (err: unknown) => void): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as { code?: unknown })?.code;
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new ApiError(503, "The database is busy; retry shortly.", "backendError");
  }
  onError(err);
  return new ApiError(500, "Internal error.", "backendError");
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The origin the client used, for absolute selfLinks (proxies set X-Forwarded-*). */
function origin(req: http.IncomingMessage): string {
  const forwarded = headerText(req.headers["x-forwarded-proto"])?.split(",")[0].trim();
  const proto = forwarded || ((req.socket as { encrypted?: boolean }).encrypted ? "https" : "http");
  const host = headerText(req.headers["x-forwarded-host"])?.split(",")[0].trim() || req.headers.host || "localhost";
  return `${proto}://${host}`;
}
