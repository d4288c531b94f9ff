import type { TasksTestServer } from "./tasks-test-server";

/** An answer as specs look at it. */
export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- specs read arbitrary fields
  text: string;
}

/**
 * A minimal client for specs talking to the tasks API directly: paths are
 * relative to `/tasks/v1`, the token is sent unless headers override it, and
 * a body object is sent as JSON (a string is sent as is).
 */
export function tasksClient(server: Pick<TasksTestServer, "base" | "token">) {
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const init: RequestInit = {
      method,
      headers: { Authorization: `Bearer ${server.token}`, "Content-Type": "application/json", ...headers },
    };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const res = await fetch(`${server.base}${path}`, init);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }
  return {
    call,
    /** Creates a task list and returns it. */
    async createList(title = "Groceries") {
      const answer = await call("POST", "/users/@me/lists", { title });
      if (answer.status !== 200) throw new Error(`creating list failed: ${answer.status} ${answer.text}`);
      return answer.body;
    },
    /** Creates a task (query: parent/previous) and returns it. */
    async createTask(listId: string, attrs: Record<string, unknown> = {}, query = "") {
      const answer = await call("POST", `/lists/${listId}/tasks${query}`, { title: "Milk", ...attrs });
      if (answer.status !== 200) throw new Error(`creating task failed: ${answer.status} ${answer.text}`);
      return answer.body;
    },
    /** Every item of a paged list endpoint, following nextPageToken. */
    async all(path: string) {
      const items: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
      let token: string | undefined;
      const sep = path.includes("?") ? "&" : "?";
      do {
        const answer = await call("GET", token ? `${path}${sep}pageToken=${encodeURIComponent(token)}` : path);
        if (answer.status !== 200) throw new Error(`listing failed: ${answer.status} ${answer.text}`);
        items.push(...(answer.body.items ?? []));
        token = answer.body.nextPageToken;
      } while (token);
      return items;
    },
  };
}
