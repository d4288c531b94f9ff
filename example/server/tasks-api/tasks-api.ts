import type * as http from "http";
import { checkAccounts, SINGLE_USER, userChannel, type Account } from "./accounts";
import { ApiError } from "./api-error";
import { authenticate, givenToken } from "./auth";
import { CORS_HEADERS, PREFLIGHT_HEADERS } from "./cors";
import { openDb } from "./db";
import { emptyResponse, errorResponse, hasBody, parseJsonBody, readBody, refuseContentEncoding, send, type ApiResponse } from "./http-io";
import { bodyFingerprint, idempotencyKey, remember, storedAnswer } from "./idempotency";
import { withoutAccessToken } from "./token-free-url";
import { stamper, type RequestContext, type TasksChange } from "./request-context";
import { requestOrigin } from "./request-origin";
import { parseTarget } from "./request-target";
import { matchRoute } from "./router";
import { DEFAULT_LIST, defaultListId } from "./lists";
import { TokenGuesses } from "./token-guesses";
import type { AuthFailureCounter } from "../../../server/live";

/** Where the API lives on the server. */
export const API_PREFIX = "/tasks/v1";
/** The channel of the single-user server's user (accounts have `userChannel(name)`). */
export const USER_CHANNEL = userChannel(SINGLE_USER);

export interface TasksApiOptions {
  /** SQLite file (created with its schema when missing). */
  dbFile: string;
  /** Single-user mode: the Bearer token to accept. Without it (and without `users`), every request is accepted. */
  token?: string;
  /**
   * Accounts, each with its own lists, tasks and live channel (instead of
   * `token`). The first one owns data stored before accounts existed.
   */
  users?: readonly Account[];
  /** Honour X-Forwarded-Proto/-Host for selfLinks (only behind a proxy that sets them). Default false. */
  trustProxy?: boolean;
  /** The address people use; selfLinks are built on it instead of the request's Host. */
  publicUrl?: string;
  /** Called after each committed change, in commit order. */
  onChange?: (published: PublishedChange) => void;
  /**
   * Largest request body accepted, in bytes (413 beyond). Default 256 KiB: the
   * largest task the API keeps, every character \u-escaped, is about 60 kB, and
   * JSON.parse of a megabyte of tiny values holds the one thread for half a second.
   */
  maxBodyBytes?: number;
  /** Answer CORS preflights and add CORS headers. Default true. */
  cors?: boolean;
  /**
   * Wrong tokens one client address may send per `authFailureWindowMs`; then
   * its requests get 429 (Retry-After) until the window ends, their tokens
   * unchecked. Default 20; 0 = no limit.
   */
  maxAuthFailures?: number;
  /** The window of `maxAuthFailures`, from an address's first wrong token. Default 60 s. */
  authFailureWindowMs?: number;
  /** Clock in ms, for `updated` and `completed` (and the wrong-token window). Default `Date.now`. */
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
  /**
   * Wrong tokens per client address (undefined with `maxAuthFailures: 0`):
   * a live server taking the same tokens shares it (`authFailures`), so an
   * address has one budget of guesses over both.
   */
  readonly authFailures: AuthFailureCounter | undefined;
  /** The database's own id: the same for every process on one DATA_DIR, another on another. */
  readonly instance: string;
  /** Closes the database. */
  close(): void;
}

/**
 * A Google-Tasks-compatible API (the part a sync client needs) on SQLite.
 *
 * Each request: CORS preflight → token (→ account) → route → body →
 * (replay of an Idempotency-Key) → handler inside one transaction that also
 * stores the idempotent answer → response → change notifications on the
 * account's channel. A request refused before its body was read is answered
 * with `Connection: close` and the body is never read.
 */
export function createTasksApi(options: TasksApiOptions): TasksApi {
  if (options.users !== undefined && options.token !== undefined) {
    throw new Error("createTasksApi: give either token (one user) or users (accounts), not both");
  }
  if (options.users !== undefined) checkAccounts(options.users);
  const accounts = options.users ?? (options.token !== undefined ? [{ name: SINGLE_USER, token: options.token }] : undefined);
  const db = openDb(options.dbFile, accounts?.map((a) => a.name));
  const maxBodyBytes = options.maxBodyBytes ?? 262_144;
  const cors = options.cors ?? true;
  const clock = options.now ?? Date.now;
  const guesses = new TokenGuesses({ max: options.maxAuthFailures ?? 20, windowMs: options.authFailureWindowMs ?? 60_000, now: clock, trustProxy: options.trustProxy === true });
  const onError = options.onError ?? ((err: unknown) => console.error("tasks-api:", err));
  const listeners = new Set<(published: PublishedChange) => void>();
  if (options.onChange) listeners.add(options.onChange);

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    let response: ApiResponse;
    let changes: TasksChange[] = [];
    let user = SINGLE_USER;
    try {
      if (method === "OPTIONS" && cors) {
        send(res, emptyResponse(204), PREFLIGHT_HEADERS, { close: hasBody(req) });
        return;
      }
      const token = givenToken(req, url.searchParams);
      if (accounts !== undefined) guesses.check(req, token);
      try {
        user = authenticate(token, accounts);
      } catch (err) {
        guesses.count(req, err);
        throw err;
      }
      if (accounts !== undefined && token !== undefined) guesses.succeeded(req, token);
      const match = matchRoute(method, url.pathname.slice(API_PREFIX.length));
      let body: unknown;
      if (match.writes) {
        refuseContentEncoding(req);
        // Only now is the body wanted: a client that waits for "100 Continue" sends it.
        if (/100-continue/i.test(req.headers.expect ?? "")) res.writeContinue();
        body = parseJsonBody(await readBody(req, maxBodyBytes), req.headers["content-type"]);
      }
      const key = match.writes ? idempotencyKey(req.headers["idempotency-key"]) : undefined;
      const now = clock();
      // The token is no part of what the request asks, and must not be stored with it.
      const keyed = key === undefined ? undefined : { key, method, path: withoutAccessToken(url), fingerprint: bodyFingerprint(body) };
      const run = () => {
        const stored = keyed ? storedAnswer(db, user, keyed) : undefined;
        if (stored) return { response: { ...stored, headers: { ...stored.headers, "Idempotent-Replayed": "true" } }, changes: [] };
        const ctx: RequestContext = {
          db,
          user,
          params: match.params,
          query: url.searchParams,
          body,
          ifMatch: headerText(req.headers["if-match"]),
          baseUrl: `${requestOrigin(req, options)}${API_PREFIX}`,
          stamp: stamper(db, now, user),
          now,
          changes: [],
        };
        if (ctx.params.list === DEFAULT_LIST) ctx.params = { ...ctx.params, list: defaultListId(ctx) };
        const answer = match.handler(ctx);
        if (keyed) remember(db, user, keyed, answer, now);
        return { response: answer, changes: ctx.changes };
      };
      const transaction = db.transaction(run);
      ({ response, changes } = match.writes ? transaction.immediate() : transaction.deferred());
    } catch (err) {
      response = errorResponse(asApiError(err, onError));
    }
    // A body left unread (refused token, too large, unknown route) is not
    // drained: the connection closes after the answer instead.
    send(res, response, cors ? CORS_HEADERS : {}, { head: method === "HEAD", close: hasBody(req) && !req.readableEnded });
    for (const change of changes) {
      for (const listener of listeners) {
        try {
          listener({ channel: userChannel(user), change });
        } catch (err) {
          onError(err);
        }
      }
    }
  }

  return {
    authFailures: guesses.window,
    instance: (db.prepare("SELECT value FROM about WHERE name = 'instance'").get() as { value: string }).value,
    handle(req, res) {
      const url = parseTarget(req.url);
      if (url === undefined) return false; // not a path this API could own; the host server answers it
      if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) return false;
      serve(req, res, url).catch((err) => {
        onError(err);
        if (!res.headersSent) send(res, errorResponse(new ApiError(500, "Internal error.")), {}, { close: true });
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
