import { booleanField, enumField, readObject, stringField, timeField } from "./input";
import { dueDate, TASK_STATUSES, type TaskRow, type TaskStatus } from "./resources";
import type { TaskColumns } from "./task-writes";

/**
 * The writable fields of a task body and the rules tying them together.
 * `id`, `etag`, `updated`, `selfLink`, `parent`, `position`, `hidden` and
 * `links` are read-only here, as in Google's API (parent and position change
 * through `move`); unknown fields are ignored.
 */

const TITLE_MAX = 1024;
const NOTES_MAX = 8192;

/** The fields a body sets; undefined = not sent, null = cleared. */
export interface TaskInput {
  title?: string | null;
  notes?: string | null;
  status?: TaskStatus;
  due?: number | null;
  completed?: number | null;
  deleted?: boolean;
}

/** Reads and type-checks a task body. */
export function readTaskInput(rawBody: unknown): TaskInput {
  const body = readObject(rawBody);
  return {
    title: stringField(body, "title", TITLE_MAX),
    notes: stringField(body, "notes", NOTES_MAX),
    status: enumField(body, "status", TASK_STATUSES),
    due: timeField(body, "due"),
    completed: timeField(body, "completed"),
    deleted: booleanField(body, "deleted"),
  };
}

/**
 * The columns to store for `input` applied over `current` (undefined for a
 * new task). With `replace` (PUT, insert) fields not sent take their
 * defaults; otherwise (PATCH) they keep their value. `deleted` is only
 * changed when sent, so a PUT from a stale client does not revive a task.
 */
export function taskColumns(input: TaskInput, current: TaskRow | undefined, replace: boolean, now: number): TaskColumns {
  const pick = <K extends keyof TaskInput>(key: K, fallback: NonNullable<TaskInput[K]> | null) =>
    input[key] !== undefined ? input[key] : replace || !current ? fallback : undefined;
  const columns: TaskColumns = {};
  const title = pick("title", "");
  if (title !== undefined) columns.title = title ?? "";
  const notes = pick("notes", null);
  if (notes !== undefined) columns.notes = notes as string | null;
  const due = pick("due", null);
  if (due !== undefined) columns.due = due === null ? null : dueDate(due as number);

  // Completing stamps `completed` (unless given); reopening clears it and
  // shows the task again if a clear had hidden it.
  const status = (pick("status", "needsAction") as TaskStatus | undefined) ?? current!.status;
  if (status === "completed") {
    const wasCompleted = current?.status === "completed" && current.completed !== null;
    columns.completed = typeof input.completed === "number" ? input.completed : wasCompleted ? current!.completed : now;
  } else {
    columns.completed = null;
    if (current?.hidden) columns.hidden = 0;
  }
  columns.status = status;
  if (input.deleted !== undefined) columns.deleted = input.deleted ? 1 : 0;
  return columns;
}
