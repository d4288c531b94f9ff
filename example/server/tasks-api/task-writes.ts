import { notFound } from "./api-error";
import type { RequestContext, TasksChange } from "./request-context";
import { taskResource, type TaskRow } from "./resources";

/** Reading one task and writing its columns with a stamp and a change report. */

/** Columns a write may set (everything but the identity and the stamp). */
export type TaskColumns = Partial<Omit<TaskRow, "seq" | "id" | "list_id" | "rev" | "updated">>;

/** The task `id` of list `listId`, tombstones included. */
export function findTask(ctx: RequestContext, listId: string, id: string): TaskRow | undefined {
  return ctx.db.prepare("SELECT * FROM tasks WHERE list_id = ? AND id = ?").get(listId, id) as TaskRow | undefined;
}

/** A task that exists in the list and is not deleted, else 404. */
export function requireLiveTask(ctx: RequestContext, listId: string, id: string): TaskRow {
  const row = findTask(ctx, listId, id);
  if (!row || row.deleted) throw notFound("Task", id);
  return row;
}

/**
 * Sets `columns` on the task, stamps it (new etag and `updated`) and reports
 * the change. Returns the row as stored.
 */
export function writeTask(ctx: RequestContext, id: string, columns: TaskColumns, type: TasksChange["type"]): TaskRow {
  const { rev, updated } = ctx.stamp();
  const names = Object.keys(columns) as Array<keyof TaskColumns>;
  const sets = names.map((name) => `${name} = @${name}`).concat("rev = @rev", "updated = @updated");
  ctx.db.prepare(`UPDATE tasks SET ${sets.join(", ")} WHERE id = @id`).run({ ...columns, rev, updated, id });
  return reported(ctx, id, type);
}

/** Reads the task back and records the change for the live hub. */
export function reported(ctx: RequestContext, id: string, type: TasksChange["type"]): TaskRow {
  const row = ctx.db.prepare("SELECT * FROM tasks WHERE id = ?").get(id) as TaskRow;
  ctx.changes.push({ type, collection: "tasks", id, attrs: { ...taskResource(row, ctx.baseUrl) } });
  return row;
}
