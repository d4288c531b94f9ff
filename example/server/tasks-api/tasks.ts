import { invalid, notFound } from "./api-error";
import { emptyResponse, jsonResponse, type ApiResponse } from "./http-io";
import { newId } from "./ids";
import { queryId } from "./input";
import { requireList } from "./lists";
import { checkIfMatch, type RequestContext } from "./request-context";
import { taskResource, type TaskRow } from "./resources";
import { readTaskInput, taskColumns } from "./task-fields";
import { deleteTaskTree, placeTask } from "./task-tree";
import { findTask, reported, writeTask } from "./task-writes";

/** Task endpoints: `/lists/:list/tasks/:task`, insert, and `/lists/:list/clear`. */

/**
 * GET one task. A deleted task is still returned (with `deleted: true`), as
 * Google does, so a client can learn what became of a task it knew.
 */
export function getTask(ctx: RequestContext): ApiResponse {
  requireList(ctx, ctx.params.list);
  const row = findTask(ctx, ctx.params.list, ctx.params.task);
  if (!row) throw notFound("Task", ctx.params.task);
  return taskAnswer(ctx, row, 200);
}

/**
 * POST: a new task, first among its siblings unless `previous` names the
 * sibling it follows; `parent` (query) makes it a subtask.
 */
export function insertTask(ctx: RequestContext): ApiResponse {
  const list = requireList(ctx, ctx.params.list);
  const input = readTaskInput(ctx.body);
  const parent = queryId(ctx.query, "parent") ?? null;
  if (parent !== null) requireLiveParent(ctx, list.id, parent);
  const position = placeTask(ctx, list.id, parent, queryId(ctx.query, "previous"));
  const columns = taskColumns({ ...input, deleted: undefined }, undefined, true, ctx.now);
  const { rev, updated } = ctx.stamp();
  const id = newId();
  ctx.db
    .prepare(
      `INSERT INTO tasks (id, list_id, title, notes, status, due, completed, parent, position, updated, rev)
       VALUES (@id, @list_id, @title, @notes, @status, @due, @completed, @parent, @position, @updated, @rev)`,
    )
    .run({ title: "", notes: null, due: null, completed: null, ...columns, id, list_id: list.id, parent, position, updated, rev });
  return taskAnswer(ctx, reported(ctx, id, "created"), 200);
}

/** PUT: the body replaces the task's writable fields. */
export function updateTask(ctx: RequestContext): ApiResponse {
  return saveTask(ctx, true);
}

/** PATCH: only the fields sent change. */
export function patchTask(ctx: RequestContext): ApiResponse {
  return saveTask(ctx, false);
}

/**
 * DELETE: the task and its subtasks become tombstones (`deleted: true`, seen
 * by `showDeleted` syncs). Deleting a deleted task answers 204 again, so a
 * retry after a lost answer succeeds.
 */
export function deleteTask(ctx: RequestContext): ApiResponse {
  requireList(ctx, ctx.params.list);
  const row = findTask(ctx, ctx.params.list, ctx.params.task);
  if (!row) throw notFound("Task", ctx.params.task);
  if (row.deleted) return emptyResponse(204);
  checkIfMatch(ctx, row.rev);
  deleteTaskTree(ctx, row.list_id, row.id);
  return emptyResponse(204);
}

/** POST /lists/:list/clear: completed tasks become hidden (not deleted). */
export function clearList(ctx: RequestContext): ApiResponse {
  const list = requireList(ctx, ctx.params.list);
  const done = ctx.db
    .prepare("SELECT id FROM tasks WHERE list_id = ? AND status = 'completed' AND hidden = 0 AND deleted = 0 ORDER BY seq")
    .all(list.id) as Array<{ id: string }>;
  for (const { id } of done) writeTask(ctx, id, { hidden: 1 }, "updated");
  return emptyResponse(204);
}

function saveTask(ctx: RequestContext, replace: boolean): ApiResponse {
  requireList(ctx, ctx.params.list);
  const row = findTask(ctx, ctx.params.list, ctx.params.task);
  if (!row) throw notFound("Task", ctx.params.task);
  checkIfMatch(ctx, row.rev);
  const input = readTaskInput(ctx.body);
  const columns = taskColumns(input, row, replace, ctx.now);
  if (input.deleted === true && !row.deleted) {
    // Deleting through an update takes the subtasks along, like DELETE.
    return taskAnswer(ctx, deleteTaskTree(ctx, row.list_id, row.id, columns), 200);
  }
  if (input.deleted === false && row.deleted && row.parent !== null && !isLive(ctx, row.list_id, row.parent)) {
    columns.parent = null; // revived under a parent that is gone: back to the top level
  }
  const type = input.deleted === false && row.deleted ? "created" : "updated";
  return taskAnswer(ctx, writeTask(ctx, row.id, columns, type), 200);
}

/** A task that may be a parent, as Google says: it "must exist in the task list and can not be hidden". Insert and move share it. */
export function requireLiveParent(ctx: RequestContext, listId: string, parent: string): void {
  const row = findTask(ctx, listId, parent);
  if (!row || row.deleted) {
    throw invalid(`Invalid value for parameter "parent": task "${parent}" is not a task of this list.`, "parent");
  }
  if (row.hidden) throw invalid(`Invalid value for parameter "parent": task "${parent}" is hidden (cleared); a hidden task cannot be a parent.`, "parent");
}

function isLive(ctx: RequestContext, listId: string, id: string): boolean {
  const row = findTask(ctx, listId, id);
  return row !== undefined && !row.deleted;
}

/** Exported for move, which answers the same way. */
export function taskAnswer(ctx: RequestContext, row: TaskRow, status: number): ApiResponse {
  const resource = taskResource(row, ctx.baseUrl);
  return jsonResponse(status, resource, { ETag: resource.etag });
}
