import type { WireAnswer, WireRequest } from "../fakes/fake-network";

/** A task list as the server keeps it. */
export interface ServerList {
  id: string;
  title: string;
  etag: string;
  updated: string;
}

/** A task as the server keeps it; `listId` is where it lives (Google's task body does not carry it). */
export interface ServerTask {
  id: string;
  listId: string;
  title: string;
  notes?: string;
  status: string;
  etag: string;
  updated: string;
}

const listsPath = /^\/v1\/users\/@me\/lists(?:\/([^/?]+))?$/;
const tasksPath = /^\/v1\/lists\/([^/?]+)\/tasks(?:\/([^/?]+))?$/;

/**
 * The "real" server of the chaos runs: a small Google-Tasks-like REST store in
 * memory. Server-assigned ids, bare-array indexes, 201/200/204, 404 for
 * unknown ids, deleting a list deletes its tasks, and Idempotency-Key replay:
 * a key seen before gets the first answer back without executing again.
 */
export class RestServer {
  readonly lists = new Map<string, ServerList>();
  readonly tasks = new Map<string, ServerTask>();
  /** Requests that changed something. */
  executed = 0;
  /** Requests answered from the idempotency record. */
  replayed = 0;
  private replies = new Map<string, WireAnswer>();
  private serial = 0;

  constructor(private readonly now: () => number) {}

  handle(request: WireRequest): WireAnswer {
    const key = request.headers["idempotency-key"];
    const seen = key ? this.replies.get(key) : undefined;
    if (seen) {
      this.replayed++;
      return seen;
    }
    const answer = this.route(request);
    // Only executed requests are remembered: a refused one may be sent again, fixed.
    if (key && answer.status < 300) {
      this.executed++;
      this.replies.set(key, answer);
    }
    return answer;
  }

  private route(request: WireRequest): WireAnswer {
    const path = request.path.split("?")[0];
    let match = listsPath.exec(path);
    if (match) return this.listRoute(request, match[1] && decodeURIComponent(match[1]));
    match = tasksPath.exec(path);
    if (match) return this.taskRoute(request, decodeURIComponent(match[1]), match[2] && decodeURIComponent(match[2]));
    return notFound(`no route for ${request.method} ${path}`);
  }

  private listRoute(request: WireRequest, id: string | undefined): WireAnswer {
    const body = parse(request.body);
    if (!id && request.method === "GET") return { status: 200, body: [...this.lists.values()] };
    if (!id && request.method === "POST") {
      const list: ServerList = { id: this.newId("list-"), title: String(body.title ?? ""), ...this.version() };
      this.lists.set(list.id, list);
      return { status: 201, body: { ...list } };
    }
    const list = id ? this.lists.get(id) : undefined;
    if (!list) return notFound(`no list ${id}`);
    if (request.method === "PUT") {
      if (typeof body.title === "string") list.title = body.title;
      Object.assign(list, this.version());
      return { status: 200, body: { ...list } };
    }
    if (request.method === "DELETE") {
      this.lists.delete(list.id);
      for (const task of [...this.tasks.values()]) if (task.listId === list.id) this.tasks.delete(task.id);
      return { status: 204 };
    }
    return { status: 405, body: { error: { code: 405, message: `${request.method} not allowed` } } };
  }

  private taskRoute(request: WireRequest, listId: string, id: string | undefined): WireAnswer {
    if (!this.lists.has(listId)) return notFound(`no list ${listId}`);
    const body = parse(request.body);
    if (!id && request.method === "GET") return { status: 200, body: [...this.tasks.values()].filter((t) => t.listId === listId).map(publicTask) };
    if (!id && request.method === "POST") {
      const task: ServerTask = { id: this.newId("task-"), listId, title: String(body.title ?? ""), status: String(body.status ?? "needsAction"), ...this.version() };
      if (typeof body.notes === "string") task.notes = body.notes;
      this.tasks.set(task.id, task);
      return { status: 201, body: publicTask(task) };
    }
    const task = id ? this.tasks.get(id) : undefined;
    if (!task || task.listId !== listId) return notFound(`no task ${id} in list ${listId}`);
    if (request.method === "PUT") {
      if (typeof body.title === "string") task.title = body.title;
      if (typeof body.status === "string") task.status = body.status;
      if (typeof body.notes === "string") task.notes = body.notes;
      else delete task.notes;
      Object.assign(task, this.version());
      return { status: 200, body: publicTask(task) };
    }
    if (request.method === "DELETE") {
      this.tasks.delete(task.id);
      return { status: 204 };
    }
    return { status: 405, body: { error: { code: 405, message: `${request.method} not allowed` } } };
  }

  private newId(prefix: string): string {
    return `${prefix}${++this.serial}`;
  }

  private version(): { etag: string; updated: string } {
    return { etag: `"${++this.serial}"`, updated: new Date(this.now()).toISOString() };
  }
}

function publicTask(task: ServerTask): Omit<ServerTask, "listId"> {
  const { listId: _listId, ...rest } = task;
  return { ...rest };
}

function parse(body: string | undefined): Record<string, unknown> {
  if (!body) return {};
  try {
    const value = JSON.parse(body);
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

function notFound(message: string): WireAnswer {
  return { status: 404, body: { error: { code: 404, message } } };
}
