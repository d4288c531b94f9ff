/**
 * Database rows and the JSON shapes Google's API gives them. Fields Google
 * leaves out when empty (notes, due, completed, parent) are sent as null
 * instead, so a client merging a pulled task learns that a field was cleared.
 */

export interface ListRow {
  seq: number;
  id: string;
  /** The account the list (and its tasks) belongs to. */
  owner: string;
  title: string;
  updated: number;
  rev: number;
  deleted: number;
}

export interface TaskRow {
  seq: number;
  id: string;
  list_id: string;
  title: string;
  notes: string | null;
  status: TaskStatus;
  due: number | null;
  completed: number | null;
  parent: string | null;
  position: string;
  hidden: number;
  deleted: number;
  updated: number;
  rev: number;
}

export type TaskStatus = "needsAction" | "completed";
export const TASK_STATUSES: readonly TaskStatus[] = ["needsAction", "completed"];

/** `tasks#taskList` */
export interface ListResource {
  kind: "tasks#taskList";
  id: string;
  etag: string;
  title: string;
  updated: string;
  selfLink: string;
}

/**
 * `tasks#task`. As Google does, a field that is empty is left out: no
 * `parent` on a top-level task, no `notes`, `due` or `completed` when unset,
 * `deleted` and `hidden` only when true. (A client that merges answers into
 * its records must read a missing field as empty: see the example's Task.)
 */
export interface TaskResource {
  kind: "tasks#task";
  id: string;
  etag: string;
  title: string;
  updated: string;
  selfLink: string;
  parent?: string;
  position: string;
  notes?: string;
  status: TaskStatus;
  due?: string;
  completed?: string;
  deleted?: true;
  hidden?: true;
  links: never[];
}

/** A strong etag (quoted, as in the ETag header) for a revision number. */
export function etagOf(rev: number): string {
  return `"${Buffer.from(`rev:${rev}`).toString("base64url")}"`;
}

/** The instants RFC 3339 can write: years 0001 to 9999, in UTC. */
export const EARLIEST_MS = Date.parse("0001-01-01T00:00:00.000Z");
export const LATEST_MS = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * RFC 3339 with milliseconds, UTC. Input is checked to lie in range; a value
 * stored by an older server that did not check is clamped, so no answer ever
 * carries `+010000-…` or `-000001-…`.
 */
export function rfc3339(ms: number): string {
  return new Date(Math.min(Math.max(ms, EARLIEST_MS), LATEST_MS)).toISOString();
}

export function listResource(row: ListRow, baseUrl: string): ListResource {
  return {
    kind: "tasks#taskList",
    id: row.id,
    etag: etagOf(row.rev),
    title: row.title,
    updated: rfc3339(row.updated),
    selfLink: `${baseUrl}/users/@me/lists/${encodeURIComponent(row.id)}`,
  };
}

export function taskResource(row: TaskRow, baseUrl: string): TaskResource {
  const task: TaskResource = {
    kind: "tasks#task",
    id: row.id,
    etag: etagOf(row.rev),
    title: row.title,
    updated: rfc3339(row.updated),
    selfLink: `${baseUrl}/lists/${encodeURIComponent(row.list_id)}/tasks/${encodeURIComponent(row.id)}`,
    position: row.position,
    status: row.status,
    links: [],
  };
  if (row.parent !== null) task.parent = row.parent;
  if (row.notes !== null) task.notes = row.notes;
  if (row.due !== null) task.due = rfc3339(row.due);
  if (row.completed !== null) task.completed = rfc3339(row.completed);
  if (row.deleted === 1) task.deleted = true;
  if (row.hidden === 1) task.hidden = true;
  return task;
}

/** Google keeps only the date of `due`: the time is set to midnight UTC. */
export function dueDate(ms: number): number {
  const day = 86_400_000;
  return Math.floor(ms / day) * day;
}
