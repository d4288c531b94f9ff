import { openDb } from "../../example/server/tasks-api/db";
import { startTasksTestServer, type TasksTestServer } from "../../spec/servers/tasks-test-server";

/**
 * The bundled Google-compatible tasks API (server/tasks-api, SQLite in a temp
 * dir) on loopback, shared by the cases of one bench run: Spine Ajax runs in
 * a jsdom window tied to one origin, so P2 and P4 must talk to one server.
 */
let shared: Promise<TasksTestServer> | undefined;

export function benchTasksServer(): Promise<TasksTestServer> {
  shared ??= startTasksTestServer({ token: "bench-token" });
  return shared;
}

/** Stops the shared server (end of the run). */
export async function closeBenchTasksServer(): Promise<void> {
  if (!shared) return;
  const server = await shared;
  shared = undefined;
  await server.close({ removeFile: true });
}

async function api(server: TasksTestServer, method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${server.base}${path}`, { method, headers: server.headers(), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Makes a task list through the API and returns its id. */
export async function createList(server: TasksTestServer, title: string): Promise<string> {
  return (await api(server, "POST", "/users/@me/lists", { title })).id;
}

/**
 * Puts `n` tasks into a list. Through the API each insert is its own
 * committed (fsynced) transaction, about 13 ms apiece on this disk, so
 * 10,000 would take minutes: they are inserted into the same SQLite file in
 * one transaction instead, in the server's own schema. The API then serves
 * them like any other task.
 */
export function seedTasks(server: TasksTestServer, listId: string, n: number, notesChars: number): void {
  const db = openDb(server.dbFile);
  try {
    const insert = db.prepare(
      `INSERT INTO tasks (id, list_id, title, notes, status, due, completed, parent, position, updated, rev)
       VALUES (@id, @list_id, @title, @notes, 'needsAction', @due, NULL, NULL, @position, @updated, @rev)`,
    );
    const words = "buy milk call bob fix the bike read chapter water plants ";
    const notes = words.repeat(Math.ceil(notesChars / words.length)).slice(0, notesChars);
    db.transaction(() => {
      const rev = (db.prepare("SELECT value FROM counters WHERE name = 'rev'").get() as { value: number }).value;
      const now = Date.now();
      for (let i = 0; i < n; i++) {
        insert.run({
          id: `seed${listId.slice(0, 6)}${String(i).padStart(7, "0")}`,
          list_id: listId,
          title: `Seeded task ${i}`,
          notes,
          due: now + i * 60_000,
          position: String(10 ** 12 * (i + 1)).padStart(20, "0"),
          updated: now,
          rev: rev + 1 + i,
        });
      }
      db.prepare("UPDATE counters SET value = ? WHERE name = 'rev'").run(rev + n);
    })();
  } finally {
    db.close();
  }
}

/** A list with `n` tasks, made for one case. */
export async function seededList(server: TasksTestServer, title: string, n: number, notesChars: number): Promise<string> {
  const listId = await createList(server, title);
  seedTasks(server, listId, n, notesChars);
  return listId;
}
