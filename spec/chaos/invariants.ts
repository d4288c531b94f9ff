import type { RecordEntry } from "../../lib/store/record-entry";
import type { WireRequest } from "../fakes/fake-network";
import type { RestServer } from "./rest-server";
import { parseTitle, type UserIntent } from "./user-intent";

type Attrs = Record<string, any>;

/** Local records of both models, as Spine or storage holds them. */
export interface LocalView {
  lists: Attrs[];
  tasks: Attrs[];
}

const recPrefix = "atmos2:rec:";

/**
 * "No request without its outbox entry": when a change leaves the client,
 * storage must already hold the record with that change at the head of its
 * queue, marked as sent. Returns what is wrong, or undefined.
 */
export function outboxHolds(storage: Storage, request: WireRequest): string | undefined {
  const key = request.headers["idempotency-key"];
  if (!key) return request.method === "GET" ? undefined : `${request.method} ${request.path} left without an Idempotency-Key`;
  const holders: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const name = storage.key(i);
    if (!name?.startsWith(recPrefix)) continue;
    const entry = JSON.parse(storage.getItem(name) as string) as RecordEntry;
    const head = entry.queue?.[0];
    if (head?.key !== key) continue;
    if (name !== `${recPrefix}${entry.className}:${entry.id}`) return `${request.method} ${request.path}: its entry is stored under ${name}, not under its own id ${entry.id}`;
    if (!head.sent) return `${request.method} ${request.path} left before storage marked its op (${head.kind}) as sent`;
    holders.push(name);
  }
  if (holders.length === 0) return `${request.method} ${request.path} (key ${key}) left while storage held no record with that op at the head of its queue`;
  if (holders.length > 1) return `${request.method} ${request.path}: op ${key} is at the head of ${holders.length} stored records (${holders.join(", ")})`;
  return undefined;
}

/** The server holds every record the user means to keep, exactly once, in its latest version. */
export function checkServer(server: RestServer, intent: UserIntent): string[] {
  const problems: string[] = [];
  const lists = byHandle([...server.lists.values()] as Attrs[], "server", problems);
  compareKeys("server", lists, intent.lists, problems);
  for (const [handle, want] of intent.lists) {
    const got = lists.get(handle);
    if (got && got.title !== want.title) problems.push(`server has list ${got.title}, the user's latest is ${want.title}`);
  }
  const tasks = byHandle([...server.tasks.values()], "server", problems);
  compareKeys("server", tasks, intent.tasks, problems);
  for (const [handle, want] of intent.tasks) {
    const got = tasks.get(handle);
    if (!got) continue;
    if (got.title !== want.title || got.status !== want.status || (got.notes ?? undefined) !== want.notes) {
      problems.push(`server has task ${describe(got)}, the user's latest is ${describe(want)}`);
    }
    const list = server.lists.get(got.listId);
    if (parseTitle(list?.title).handle !== want.list) problems.push(`server has task ${handle} in list ${list?.title ?? got.listId}, the user put it in ${want.list}`);
  }
  return problems;
}

/** A local view equals the server: same records, same ids, same values, foreign keys on server ids. */
export function checkLocal(label: string, view: LocalView, server: RestServer, intent: UserIntent): string[] {
  const problems: string[] = [];
  const serverLists = byHandle([...server.lists.values()] as Attrs[], "server", []);
  const serverTasks = byHandle([...server.tasks.values()] as Attrs[], "server", []);
  const lists = byHandle(view.lists, label, problems);
  compareKeys(label, lists, intent.lists, problems);
  for (const [handle, local] of lists) {
    const remote = serverLists.get(handle);
    if (!remote) continue;
    for (const field of ["id", "title", "etag", "updated"]) {
      if (local[field] !== remote[field]) problems.push(`${label} list ${handle}: ${field} is ${JSON.stringify(local[field])}, the server's is ${JSON.stringify(remote[field])}`);
    }
  }
  const tasks = byHandle(view.tasks, label, problems);
  compareKeys(label, tasks, intent.tasks, problems);
  for (const [handle, local] of tasks) {
    const remote = serverTasks.get(handle);
    if (!remote) continue;
    for (const field of ["id", "title", "status", "notes", "etag", "updated"]) {
      if ((local[field] ?? undefined) !== remote[field]) problems.push(`${label} task ${handle}: ${field} is ${JSON.stringify(local[field])}, the server's is ${JSON.stringify(remote[field])}`);
    }
    if (local.taskListID !== remote.listId) problems.push(`${label} task ${handle}: taskListID is ${local.taskListID}, the server has it in list ${remote.listId}`);
  }
  return problems;
}

/** Every stored entry is settled (nothing queued, deleted or parked) and stored under its own id. */
export function storedView(storage: Storage, problems: string[]): LocalView {
  const view: LocalView = { lists: [], tasks: [] };
  for (let i = 0; i < storage.length; i++) {
    const name = storage.key(i);
    if (!name?.startsWith(recPrefix)) continue;
    const entry = JSON.parse(storage.getItem(name) as string) as RecordEntry;
    const title = entry.attrs?.title;
    if (name !== `${recPrefix}${entry.className}:${entry.id}`) problems.push(`storage holds ${entry.className} ${entry.id} (${title}) under ${name}`);
    if (entry.queue?.length) problems.push(`storage still queues ${entry.queue.map((o) => o.kind).join(", ")} for ${entry.className} ${title}`);
    if (entry.failed) problems.push(`storage holds a parked failure for ${entry.className} ${title}: ${entry.failed.message}`);
    if (entry.deleted) problems.push(`storage still holds the destroyed ${entry.className} ${title}`);
    if (!entry.acked) problems.push(`storage holds ${entry.className} ${title} as never acknowledged`);
    if (entry.className === "List") view.lists.push(entry.attrs);
    else if (entry.className === "Task") view.tasks.push(entry.attrs);
  }
  return view;
}

function byHandle<T extends { title?: unknown; id?: unknown }>(records: T[], label: string, problems: string[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const record of records) {
    const { handle } = parseTitle(record.title);
    const twin = map.get(handle);
    if (twin) problems.push(`${label} holds ${handle} twice: ids ${twin.id} and ${record.id}`);
    else map.set(handle, record);
  }
  return map;
}

function compareKeys(label: string, got: Map<string, unknown>, want: Map<string, unknown>, problems: string[]): void {
  for (const handle of want.keys()) if (!got.has(handle)) problems.push(`${label} lost ${handle}`);
  for (const handle of got.keys()) if (!want.has(handle)) problems.push(`${label} holds ${handle}, which the user destroyed or never made`);
}

function describe(task: { title?: unknown; status?: unknown; notes?: unknown }): string {
  return `${task.title} status=${task.status} notes=${task.notes}`;
}
