import { encodeForm, encodeQuery } from "./form-coding";
import { underscore } from "./naming";
import { fillPath, routeFor, resolveRoute, validateRoutes, type Action, type ResolvedRoute, type RouteTable } from "./routes";
import { asSyncError, SyncError } from "./sync-error";
import { parseResponse, type ResponseData } from "./response-body";
import { badOption, checkedOptions, isFunction } from "../checked-options";
import { OriginPauses } from "./origin-pauses";
import { checkExecuteOptions } from "../call-options";
import { baseProblem, probeAfterFailure, headerProblem, tokenChars, unparsable } from "./request-checks";

export type DataCoding = "json" | "form";
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** What `beforeRequest` sees; it may change url, data or headers before calling proceed(). */
export interface OutgoingRequest {
  method: string;
  url: string;
  path: string;
  params?: Record<string, unknown>;
  data?: unknown;
  headers: Record<string, string>;
  /** The model class name, or null for `execute()`. */
  model: string | null;
}

export interface RequestSpec {
  method: string;
  /** A path under `base`, or an absolute URL (pagination links). */
  path: string;
  params?: Record<string, unknown>;
  data?: unknown;
  headers?: Record<string, string>;
  model?: string | null;
}

/** `rc.execute(options)`: `method` defaults to GET; `params` go into the query string, `pathParams` fill `:name` in `path`. */
export interface ExecuteOptions {
  method?: string | undefined;
  path: string;
  pathParams?: Record<string, unknown> | undefined;
  params?: Record<string, unknown> | undefined;
  data?: unknown;
  headers?: Record<string, string> | undefined;
}

export type { ResponseData } from "./response-body";

/** `beforeRequest(request, proceed)`: may change the request, then calls `proceed()`. */
export type BeforeRequest = (request: OutgoingRequest, proceed: () => void) => void | Promise<void>;

/**
 * The options checked as they are assigned (see the end of this file).
 * Each setter also takes null and undefined, which put the default back:
 * the getter gives the option's own type.
 */
export interface ResourceClient {
  /** Base URL every route is appended to, e.g. "https://tasks.googleapis.com/tasks/v1" (default ""). */
  get base(): string;
  set base(base: string | null | undefined);
  /** The attribute that carries a record's id in the server's answers (default "id"). */
  get IDField(): string;
  set IDField(field: string | null | undefined);
  /** "json" (default) sends attributes as a JSON object; "form" sends Rails-style nested form bodies. */
  get dataCoding(): DataCoding;
  set dataCoding(coding: DataCoding | null | undefined);
  /** Form coding root: a string, false for flat keys, or undefined (default) for the underscored class name. */
  get formRoot(): string | false | undefined;
  set formRoot(root: string | false | null | undefined);
  /** Milliseconds before a request is abandoned (then treated like a network failure); default 30000, Infinity for never. */
  get timeout(): number;
  set timeout(ms: number | null | undefined);
  /**
   * Send updates with `If-Match: <etag of the version the edit is based on>`.
   * A 412 answer then fetches the server's version, merges it with the local
   * edit (see Model.resolveConflict) and sends again. For APIs that honour
   * If-Match (the bundled server does). Default false.
   */
  get conditionalUpdates(): boolean;
  set conditionalUpdates(on: boolean | null | undefined);
  /** Runs before every request; headers are read after `proceed()` is called. Default: none. */
  get beforeRequest(): BeforeRequest | undefined;
  set beforeRequest(hook: BeforeRequest | null | undefined);
  /** The transport, any function; defaults to the global fetch. */
  get fetch(): FetchLike;
  set fetch(fetch: FetchLike | null | undefined);
  /** Pulls the record array out of an index answer. Default: the array as is, else `result.items`, else []. */
  get itemsFromResult(): (result: any) => unknown;
  set itemsFromResult(pick: ((result: any) => unknown) | null | undefined);
}

/**
 * How atmos2 talks to a REST API: base URL, routes, headers, id field and the
 * coding of bodies. Configure it once at startup (API.md "Setup"). Options
 * are checked as they are assigned; null or undefined puts an option's
 * default back. A little over 300 lines: the request path (hooks, body
 * coding, fetch, what a failure means) reads best as one method; checks of
 * a request are in request-checks.ts, answers are read in response-body.ts.
 */
export class ResourceClient {
  /**
   * Header carrying each outbox change's idempotency key (the same across
   * retries and reloads); `null` to send none, e.g. to an API whose CORS
   * rules refuse unknown headers; `undefined` puts the default back.
   */
  get idempotencyHeader(): string | null {
    return this._idempotencyHeader === undefined ? "Idempotency-Key" : this._idempotencyHeader;
  }
  set idempotencyHeader(name: string | null | undefined) {
    if (name != null && headerProblem(name, "")) throw badOption("resourceClient.idempotencyHeader", `a header name (${tokenChars}) or null`, name);
    this._idempotencyHeader = name;
  }
  private _idempotencyHeader?: string | null;
  /** @internal Set by the Atmos: the class names extended with Spine.Model.Atmosphere (routes naming none are reported). */
  models?: () => string[];
  /** @internal Set by the Atmos: hears how every `execute()` ended (its failure, if any), for its events and online state. */
  executeSettled?: (error?: SyncError) => void;
  /** @internal Set by `atmos.close()` (see `close`): what `execute()` then throws. */
  closed?: () => Error;
  /** Aborts the requests on their way, at `close`. */
  private readonly inFlight = new Set<{ abort(): void }>();
  /** @internal The Retry-After pauses every request waits out (the Atmos sets their clock). */
  readonly pauses = new OriginPauses();
  private _routes: RouteTable = {};
  private _headers: Record<string, string> = {};

  /** Per-model or flat routes; checked when assigned. */
  get routes(): RouteTable {
    return this._routes;
  }
  set routes(routes: RouteTable | null | undefined) {
    // null or undefined: no routes of its own, the REST defaults.
    validateRoutes((routes ??= {}));
    this._routes = routes;
  }

  /** Checked here: a header fetch refuses would fail every send as if the network were down. */
  addHeader(name: string, value: string | number): void {
    if (typeof value != "string" && typeof value != "number") throw badOption(`addHeader(name, value): the value of ${String(name)}`, "a string or a number (removeHeader(name) takes a header away)", value);
    const problem = headerProblem(name, value);
    if (problem) throw new Error(`atmos2: addHeader(name, value): ${problem}`);
    this._headers[name] = String(value);
  }

  removeHeader(name: string): void {
    if (typeof name != "string") throw badOption("removeHeader(name): the name", "a string", name);
    for (const key of Object.keys(this._headers)) if (key.toLowerCase() === name.toLowerCase()) delete this._headers[key];
  }

  get headers(): Readonly<Record<string, string>> {
    return { ...this._headers };
  }

  /** The route of a model's action with its parameters filled in; throws naming a missing parameter. */
  route(className: string, action: Action, lookup: (name: string) => unknown, modelUrl?: string): ResolvedRoute {
    const route = routeFor(this._routes, className, action, modelUrl, this.models);
    return resolveRoute(route, action, lookup, `${className}.${action}`);
  }

  /**
   * Calls a custom endpoint with the same base, headers, coding and hooks;
   * resolves with the parsed body. Each `:name` in `path` is filled from
   * `pathParams`, URL-encoded, as in routes; a missing one rejects naming it.
   */
  async execute(options: ExecuteOptions): Promise<unknown> {
    checkExecuteOptions(options);
    if (typeof options.path !== "string") throw new Error("atmos2: execute({ method, path, params, data }) needs a path");
    if (this.closed) throw this.closed();
    const { path, pathParams } = options;
    const filled = fillPath(path, (name) => pathParams?.[name], `execute() path "${path}"`, () => "pass it in pathParams");
    try {
      const { body } = await this.request({ ...options, method: options.method ?? "GET", path: filled, model: null });
      this.executeSettled?.();
      return body;
    } catch (error) {
      // Closed while it was out: nothing to report (as for a pull).
      if (!this.closed) this.executeSettled?.(asSyncError(error));
      throw error;
    }
  }

  /**
   * @internal `atmos.close()`: nothing is sent from now on. A request handed
   * to fetch is aborted: one not yet on the wire then never goes (its answer
   * would be dropped, and the next Atmos sends the change again: a server
   * that ignores Idempotency-Key would make a create twice).
   */
  close(closed: () => Error): void {
    this.closed = closed;
    for (const controller of Array.from(this.inFlight)) controller.abort();
  }

  /** Sends one request; rejects with a SyncError for network, HTTP and body failures (with the closed error once closed). */
  async request(spec: RequestSpec): Promise<ResponseData> {
    const model = spec.model ?? null;
    const outgoing: OutgoingRequest = {
      method: spec.method.toUpperCase(),
      url: this.urlFor(spec.path, spec.params),
      path: spec.path,
      params: spec.params,
      data: spec.data,
      headers: {},
      model,
    };
    // A Retry-After holds every request to its origin; the hook runs after
    // it (a token refreshed there is fresh when the request goes).
    if (this.pauses.left(outgoing.url) > 0) {
      await this.pauses.wait(outgoing.url);
      if (this.closed) throw this.closed();
    }
    if (this.beforeRequest) await runHook(this.beforeRequest, outgoing);
    const headers: Record<string, string> = { Accept: "application/json", ...this._headers, ...outgoing.headers, ...spec.headers };
    let body: string | undefined;
    if (outgoing.data !== undefined && outgoing.method !== "GET" && outgoing.method !== "HEAD") {
      if (this.dataCoding === "form") {
        // formRoot false: flat keys; a custom request (no model) has no root either.
        body = encodeForm(outgoing.data as Record<string, unknown>, this.formRoot ?? (model ? underscore(model) : undefined));
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8";
      } else {
        body = JSON.stringify(outgoing.data);
        headers["Content-Type"] = "application/json";
      }
    }
    // A user name and password in the URL are not repeated in messages.
    const label = `${model ?? "request"} ${outgoing.method} ${outgoing.url.replace(/\/\/[^/?#]*@/, "//")}`;
    // fetch refuses such a header with a TypeError, as it fails on a network
    // error: a setup mistake, parked (never retried, never "offline").
    for (const name in headers) {
      const problem = headerProblem(name, headers[name]);
      if (problem) throw new SyncError(`${label} cannot be sent: ${problem} (set in resourceClient.beforeRequest)`, { type: "config" });
    }
    // A base the global fetch cannot use is a setup mistake, not the network
    // being down: parked with a message naming the option (never retried).
    const unusable = this.fetch === defaultFetch ? baseProblem(outgoing.url, this.base) : undefined;
    if (unusable) throw new SyncError(`${label} cannot be sent: ${unusable}`, { status: 0, type: "config" });
    const controller = typeof AbortController === "function" ? new AbortController() : undefined;
    // Infinity: no timer (setTimeout would take it, as anything above 2^31-1 ms, for 1 ms).
    const timer = this.timeout < Infinity ? setTimeout(() => controller?.abort(), this.timeout) : undefined;
    (timer as { unref?: () => void } | undefined)?.unref?.();
    let response: Response | undefined;
    let text: string;
    // A browser offline as the request starts fails it without sending it.
    // Offline only by the time it fails says nothing: it may have left, and
    // been made, before the network went.
    const offlineAtStart = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;
    try {
      // Closed while the hooks ran: not sent.
      if (this.closed) throw this.closed();
      if (controller) this.inFlight.add(controller);
      response = await this.fetch(outgoing.url, { method: outgoing.method, headers, body, signal: controller?.signal });
      text = await response.text();
    } catch (error) {
      if (this.closed) throw this.closed();
      const aborted = controller?.signal.aborted;
      // Node's fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND…).
      const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
      const why = cause?.code ?? cause?.message;
      // Node's fetch will not connect to some ports (the Fetch standard's list: 9, 6000, 6667…): a setup mistake, parked.
      if (cause?.message === "bad port") {
        throw new SyncError(`${label} cannot be sent: fetch refuses to connect to port ${new URL(outgoing.url).port} (one of the ports blocked for safety); use another port in resourceClient.base or the routes`, { status: 0, type: "config", unsent: true });
      }
      const probed = !aborted && this.fetch === defaultFetch && error instanceof TypeError ? await probeAfterFailure(outgoing.url) : undefined;
      if (probed === "redirects") {
        throw new SyncError(`${label} cannot be sent: the server redirects it to another address (301, 302, 303, 307 or 308), which does not let this page read its answers (no CORS headers for this origin); point resourceClient.base and the routes at the address the server redirects to`, { status: 0, type: "config", answered: true });
      }
      // The server answers a plain request: say what a browser does not (it tells the page only "Failed to fetch"). Still retried: a dropped connection says the same.
      const hint = probed === "answers" ? `; the server answers a plain request to this address, so it dropped this one, or refused its CORS preflight: check that its CORS allows ${outgoing.method} and the headers ${Object.keys(headers).join(", ")}` : "";
      const words = causeWords[String(cause?.code)];
      const message = `${(error as Error)?.message ?? "network error"}${why ? ` (${why}${words ? `: ${words}` : ""})` : ""}${hint}`;
      // Failed before any connection was made: the request never left (a reset or a timeout may come after it did).
      const unsent = !aborted && (notConnected.test(String(cause?.code)) || offlineAtStart);
      // The status came, the body did not (all of it): the server answered, and a change may be made.
      const key = this.idempotencyHeader && headers[this.idempotencyHeader] !== undefined ? `: it is sent again with the same ${this.idempotencyHeader}` : "";
      const rest = aborted ? `the rest of the answer did not come within ${this.timeout} ms` : `the connection closed before the whole answer arrived (${why ?? (error as Error)?.message})`;
      const cut = response && `answered ${response.status}, but ${rest}${/^(GET|HEAD)$/.test(outgoing.method) ? "" : `; the server may have made the change${key}`}`;
      throw new SyncError(`${label} ${cut ?? `failed: ${aborted ? `no answer within ${this.timeout} ms` : message}`}`, { status: 0, type: aborted ? "timeout" : "network", unsent });
    } finally {
      clearTimeout(timer);
      if (controller) this.inFlight.delete(controller);
    }
    try {
      return parseResponse(response!, text!, label);
    } catch (error) {
      const { status, retryAfterMs } = error as SyncError;
      if (retryAfterMs !== undefined && (status === 429 || status === 503)) this.pauses.pause(outgoing.url, retryAfterMs);
      throw error;
    }
  }

  urlFor(path: string, params?: Record<string, unknown>): string {
    const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
    const url = absolute ? path : joinUrl(this.base, path);
    const query = encodeQuery(params);
    if (!query) return url;
    return url + (url.includes("?") ? "&" : "?") + query;
  }
}

const defaultFetch: FetchLike = (url, init) => globalThis.fetch(url, init);
/** Node's fetch causes that say little to a user, in words. */
const causeWords: Record<string, string> = {
  ECONNREFUSED: "nothing answers at that address (the server is not running, or another port)",
  ECONNRESET: "the connection was cut",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name could not be looked up now",
  UND_ERR_SOCKET: "the server closed the connection without an answer",
  UND_ERR_HEADERS_TIMEOUT: "the server sent no answer in time",
};
/** Node's causes of a fetch that failed before it had a connection. */
const notConnected = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|EADDRNOTAVAIL|ENETDOWN)$/;

checkedOptions(ResourceClient.prototype, "resourceClient", {
  base: ['a URL (absolute, such as "http://localhost:3000/api", or a path in a page) without spaces around it', (value) => typeof value == "string" && value.trim() == value && !unparsable(value), ""],
  IDField: ["a non-empty string", (value) => typeof value == "string" && value != "", "id"],
  dataCoding: ['"json" or "form"', (value) => value == "json" || value == "form", "json"],
  formRoot: ["a non-empty string, false or undefined", (value) => (typeof value == "string" && value != "") || value === false],
  timeout: ["a number above 0 and at most 2147483647 (ms), or Infinity for none", (value) => typeof value == "number" && value > 0 && (value < 2 ** 31 || value === Infinity), 30000],
  beforeRequest: ["a function or undefined", isFunction],
  fetch: ["a function", isFunction, defaultFetch],
  itemsFromResult: ["a function", isFunction, defaultItems],
  conditionalUpdates: ["true or false", (value) => typeof value == "boolean", false],
});

// An `items` that is not a list, a body of text, a number or a boolean is left to the puller to refuse (a bad body, not an empty page).
export function defaultItems(result: any): unknown {
  // A number or true is no page at all (read as empty, `remove: true` would drop every synced record).
  return Array.isArray(result) || typeof result != "object" ? result ?? [] : result?.items ?? [];
}

function joinUrl(base: string, path: string): string {
  if (!base) return path;
  return base.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
}

function runHook(hook: NonNullable<ResourceClient["beforeRequest"]>, request: OutgoingRequest): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    try {
      // An async hook that rejects fails the request, as one that throws.
      Promise.resolve(hook(request, resolve)).catch(reject);
    } catch (error) {
      reject(error);
    }
  });
}
