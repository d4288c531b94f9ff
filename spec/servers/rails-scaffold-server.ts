import * as http from "http";
import { listen, shutdown } from "./listen";
import { recordRequest, type RecordedRequest } from "./recorded-request";

/**
 * An in-memory server answering like a Rails scaffold controller, for any
 * collection name (`/tasks`, `/lists/4/tasks`, with or without `.json`):
 *
 *   GET    /tasks(.json)        → 200 bare array (`?page=&per_page=` pages it, with a Link rel="next")
 *   GET    /tasks/:id(.json)    → 200 record | 404
 *   POST   /tasks(.json)        → 201 record with a numeric id | 422 { field: ["can't be blank"] }
 *   PUT    /tasks/:id(.json)    → 200 record (PATCH too) | 404 | 422
 *   DELETE /tasks/:id(.json)    → 204 no body | 404
 *
 * Bodies may be form-encoded (`task[title]=…`, Rails nesting) or JSON, at the
 * top level or under the singular root (`{ task: {…} }`). Every request is
 * recorded; the next answers can be forced to fail or be dropped.
 */

export type Attributes = Record<string, unknown>;

export interface RailsScaffoldOptions {
  /**
   * Validation, as a model's `validates`. Returns Rails' error hash, or
   * undefined when valid. Default: `title`, when sent, must not be blank.
   */
  validate?: (collection: string, attrs: Attributes) => Record<string, string[]> | undefined;
  /** Keeps a refused create's answer under its Idempotency-Key too, as servers that store every answer by key do. */
  keepsRefusals?: boolean;
  /**
   * Records deleted with their parent, as Rails' `has_many ..., dependent:
   * :destroy`: parent collection → { child collection: foreign key }, e.g.
   * `{ projects: { todos: "projectID" } }`.
   */
  dependents?: Record<string, Record<string, string>>;
}

export interface RailsScaffoldServer {
  url: string;
  requests: RecordedRequest[];
  /** Records of a collection (its path without leading slash and `.json`, e.g. "tasks"). */
  records(collection: string): Attributes[];
  /** Adds records as if created earlier; returns them with their ids. */
  seed(collection: string, records: Attributes[]): Attributes[];
  /** The next request gets this answer and is not executed. Calls queue up. */
  failNext(status: number, body: unknown, contentType?: string): void;
  /** The next request is executed (committed), then its socket is destroyed without an answer. */
  dropNext(): void;
  /**
   * The next request is executed (committed), and its answer goes out as
   * `shape` makes it: another status, body or headers (Rails's
   * `head :created, location: @todo` drops the body).
   */
  reshapeNext(shape: (answer: ScaffoldAnswer) => ScaffoldAnswer): void;
  close(): Promise<void>;
}

/** An answer before it is written: a body of undefined goes out empty. */
export type ScaffoldAnswer = { status: number; body?: unknown; headers?: Record<string, string> };

type Forced = { kind: "fail"; status: number; body: string; contentType: string } | { kind: "drop" } | { kind: "reshape"; shape: (answer: ScaffoldAnswer) => ScaffoldAnswer };

/** Starts the server on a free port. */
export async function startRailsScaffoldServer(options: RailsScaffoldOptions = {}): Promise<RailsScaffoldServer> {
  const validate = options.validate ?? defaultValidate;
  const collections = new Map<string, Map<number, Attributes>>();
  const nextIds = new Map<string, number>();
  // Per key: the answer, and the request body it answered (a key sent again with another body is refused, as strict servers do).
  const idempotent = new Map<string, { status: number; body: string; request: string }>();
  const forced: Forced[] = [];
  const requests: RecordedRequest[] = [];
  let url = "";

  const table = (name: string) => {
    if (!collections.has(name)) collections.set(name, new Map());
    return collections.get(name)!;
  };
  const insert = (name: string, attrs: Attributes): Attributes => {
    const id = nextIds.get(name) ?? 1;
    nextIds.set(name, id + 1);
    const now = new Date().toISOString();
    const record = { ...attrs, id, created_at: now, updated_at: now, url: `${url}/${name}/${id}.json` };
    table(name).set(id, record);
    return record;
  };

  function answer(req: http.IncomingMessage, entry: RecordedRequest): { status: number; body?: unknown; headers?: Record<string, string> } {
    const { collection, id } = parsePath(entry.path);
    const method = entry.method;
    if (id === undefined) {
      if (method === "GET") return list(collection, entry);
      if (method === "POST") {
        const key = req.headers["idempotency-key"];
        const attrs = unwrap(entry.body, collection);
        if (attrs === undefined) return { status: 400, body: { error: "param is missing or the value is empty: send an object" } };
        const errors = validate(collection, attrs);
        if (errors) {
          if (options.keepsRefusals && typeof key === "string") idempotent.set(key, { status: 422, body: JSON.stringify(errors), request: entry.rawBody });
          return { status: 422, body: errors };
        }
        const record = insert(collection, withoutId(attrs));
        if (typeof key === "string") idempotent.set(key, { status: 201, body: JSON.stringify(record), request: entry.rawBody });
        return { status: 201, body: record, headers: { Location: String(record.url) } };
      }
      return { status: 404, body: { status: 404, error: "Not Found" } };
    }
    const record = table(collection).get(id);
    if (!record) return { status: 404, body: { status: 404, error: "Not Found" } };
    if (method === "GET") return { status: 200, body: record };
    if (method === "PUT" || method === "PATCH") {
      const attrs = unwrap(entry.body, collection);
      if (attrs === undefined) return { status: 400, body: { error: "param is missing or the value is empty: send an object" } };
      const merged = { ...record, ...withoutId(attrs), updated_at: new Date().toISOString() };
      const errors = validate(collection, merged);
      if (errors) return { status: 422, body: errors };
      table(collection).set(id, merged);
      return { status: 200, body: merged };
    }
    if (method === "DELETE") {
      table(collection).delete(id);
      for (const [children, key] of Object.entries(options.dependents?.[collection] ?? {})) {
        for (const [childId, child] of table(children)) if (String(child[key]) === String(id)) table(children).delete(childId);
      }
      return { status: 204 };
    }
    return { status: 404, body: { status: 404, error: "Not Found" } };
  }

  function list(collection: string, entry: RecordedRequest): { status: number; body: unknown; headers?: Record<string, string> } {
    const all = [...table(collection).values()];
    if (entry.query.page === undefined && entry.query.per_page === undefined) return { status: 200, body: all };
    const page = Math.max(1, Number(entry.query.page ?? 1) || 1);
    const perPage = Math.max(1, Number(entry.query.per_page ?? 25) || 25);
    const body = all.slice((page - 1) * perPage, page * perPage);
    if (page * perPage >= all.length) return { status: 200, body };
    const next = new URL(entry.path, url);
    for (const [k, v] of Object.entries(entry.query)) next.searchParams.set(k, v);
    next.searchParams.set("page", String(page + 1));
    next.searchParams.set("per_page", String(perPage));
    return { status: 200, body, headers: { Link: `<${next}>; rel="next"` } };
  }

  const server = http.createServer((req, res) => {
    serve(req, res).catch((err: Error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(`rails-scaffold-server failed: ${err.message}`);
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const entry = await recordRequest(req, requests);
    const force = forced.shift();
    if (force?.kind === "fail") {
      res.writeHead(force.status, { "Content-Type": force.contentType });
      res.end(force.body);
      return;
    }
    const key = req.headers["idempotency-key"];
    const replay = entry.method === "POST" && typeof key === "string" ? idempotent.get(key) : undefined;
    let result: ScaffoldAnswer =
      replay && replay.request !== entry.rawBody
        ? { status: 422, body: { error: "Idempotency-Key was used with another request body" } }
        : replay
          ? { status: replay.status, body: JSON.parse(replay.body) as unknown }
          : answer(req, entry);
    if (force?.kind === "drop") {
      // The change is committed above; the client just never hears about it.
      res.socket?.destroy();
      return;
    }
    if (force?.kind === "reshape") result = force.shape(result);
    const headers: Record<string, string> = { ...result.headers };
    if (result.status === 204 || result.body === undefined) {
      res.writeHead(result.status, headers);
      res.end();
      return;
    }
    headers["Content-Type"] = "application/json; charset=utf-8";
    res.writeHead(result.status, headers);
    res.end(JSON.stringify(result.body));
  }
  url = await listen(server);

  return {
    url,
    requests,
    records: (collection) => [...table(collection).values()],
    seed: (collection, records) => records.map((attrs) => insert(collection, withoutId(attrs))),
    failNext(status, body, contentType) {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      forced.push({ kind: "fail", status, body: text, contentType: contentType ?? (typeof body === "string" ? "text/html; charset=utf-8" : "application/json; charset=utf-8") });
    },
    dropNext() {
      forced.push({ kind: "drop" });
    },
    reshapeNext(shape) {
      forced.push({ kind: "reshape", shape });
    },
    close: () => shutdown(server),
  };
}

/** `/lists/4/tasks/7.json` → collection "lists/4/tasks", id 7. */
function parsePath(path: string): { collection: string; id?: number } {
  const segments = path.replace(/\.json$/, "").split("/").filter(Boolean);
  const last = segments[segments.length - 1];
  if (segments.length > 1 && /^\d+$/.test(last)) return { collection: segments.slice(0, -1).join("/"), id: Number(last) };
  return { collection: segments.join("/") };
}

/** Takes the attributes from `{ task: {…} }` (the singular root) or a top-level object. */
function unwrap(body: unknown, collection: string): Attributes | undefined {
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const name = collection.split("/").pop()!;
  const root = singular(name);
  const wrapped = (body as Attributes)[root];
  if (typeof wrapped === "object" && wrapped !== null && !Array.isArray(wrapped)) return wrapped as Attributes;
  return body as Attributes;
}

/** Enough of Rails' inflector for collection names: tasks → task, categories → category, task_lists → task_list. */
export function singular(name: string): string {
  if (/ies$/.test(name)) return name.replace(/ies$/, "y");
  if (/(ss|x|ch|sh)es$/.test(name)) return name.replace(/es$/, "");
  return name.replace(/s$/, "");
}

/** The id is the server's to assign, as with Rails strong parameters. */
function withoutId(attrs: Attributes): Attributes {
  const { id: _id, ...rest } = attrs;
  return rest;
}

function defaultValidate(_collection: string, attrs: Attributes): Record<string, string[]> | undefined {
  if ("title" in attrs && (attrs.title === null || String(attrs.title).trim() === "")) return { title: ["can't be blank"] };
  return undefined;
}
