import { ApiError, invalid, shown } from "./api-error";
import type { ApiResponse } from "./http-io";
import { deleteList, getList, insertList, listLists, patchList, updateList } from "./lists";
import type { RequestContext } from "./request-context";
import { listTasks } from "./task-listing";
import { moveTask } from "./task-move";
import { clearList, deleteTask, getTask, insertTask, patchTask, updateTask } from "./tasks";

/** The endpoint table, paths relative to `/tasks/v1`. */

export type Handler = (ctx: RequestContext) => ApiResponse;
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const ROUTES: Array<{ pattern: string[]; methods: Partial<Record<Method, Handler>> }> = [
  route("/users/@me/lists", { GET: listLists, POST: insertList }),
  route("/users/@me/lists/:list", { GET: getList, PUT: updateList, PATCH: patchList, DELETE: deleteList }),
  route("/lists/:list/tasks", { GET: listTasks, POST: insertTask }),
  route("/lists/:list/tasks/:task", { GET: getTask, PUT: updateTask, PATCH: patchTask, DELETE: deleteTask }),
  route("/lists/:list/tasks/:task/move", { POST: moveTask }),
  route("/lists/:list/clear", { POST: clearList }),
];

function route(path: string, methods: Partial<Record<Method, Handler>>) {
  return { pattern: path.split("/").slice(1), methods };
}

/** A matched endpoint. */
export interface Match {
  handler: Handler;
  params: Record<string, string>;
  /** Whether it changes data (runs in a write transaction, may be replayed). */
  writes: boolean;
}

/**
 * Finds the handler for `method` on `path` (relative to `/tasks/v1`), or
 * throws 404 (no such path) / 405 (path known, method not).
 */
export function matchRoute(method: string, path: string): Match {
  const segments = path.split("/").slice(1).map(decodeSegment);
  if (segments[segments.length - 1] === "" && segments.length > 1) segments.pop(); // trailing slash
  for (const { pattern, methods } of ROUTES) {
    const params = matchPattern(pattern, segments);
    if (!params) continue;
    // HEAD is GET without the body, wherever GET is served.
    const handler = methods[(method === "HEAD" ? "GET" : method) as Method];
    if (!handler) {
      const allowed = Object.keys(methods).flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m]));
      const refusal = new ApiError(405, `Method ${method} is not allowed on ${path}; use ${allowed.join(", ")}.`);
      refusal.headers.Allow = allowed.join(", ");
      throw refusal;
    }
    return { handler, params, writes: method !== "GET" && method !== "HEAD" };
  }
  throw new ApiError(404, `No such endpoint: ${method} ${shown(`/tasks/v1${path}`)}.`, "notFound");
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(":")) {
      if (segments[i] === "") return undefined;
      params[pattern[i].slice(1)] = segments[i];
    } else if (pattern[i] !== segments[i]) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid(`The path segment "${segment}" is not valid percent-encoding.`);
  }
}
