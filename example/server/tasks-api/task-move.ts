import { invalid, type ApiError } from "./api-error";
import type { ApiResponse } from "./http-io";
import { queryId } from "./input";
import { requireList } from "./lists";
import type { RequestContext } from "./request-context";
import { checkNotOwnDescendant, descendantIds, placeTask } from "./task-tree";
import { requireLiveParent, taskAnswer } from "./tasks";
import { findTask, requireLiveTask, writeTask } from "./task-writes";

/**
 * POST /lists/:list/tasks/:task/move?parent=&previous=&destinationTasklist=
 * — puts the task under `parent` (top level when missing) right after
 * `previous` (first when missing), in `destinationTasklist` when given (both
 * then name tasks of that list). Its subtasks come along.
 */
export function moveTask(ctx: RequestContext): ApiResponse {
  const list = requireList(ctx, ctx.params.list);
  const task = requireLiveTask(ctx, list.id, ctx.params.task);
  const destination = queryId(ctx.query, "destinationTasklist");
  const target = destination === undefined || destination === list.id ? list : requireList(ctx, destination);
  const parent = queryId(ctx.query, "parent") ?? null;
  // Google: a task both completed and hidden "cannot be nested" and "can only be moved to position 0".
  const cleared = task.hidden === 1 && task.status === "completed";
  if (cleared && parent !== null) throw clearedTask(task.id, "parent", "cannot be nested: leave parent out");
  if (parent !== null) {
    requireLiveParent(ctx, target.id, parent);
    if (target.id === list.id) checkNotOwnDescendant(ctx, list.id, task.id, parent);
  }
  const previous = queryId(ctx.query, "previous");
  if (previous === task.id) throw invalid(`Invalid value for parameter "previous": a task cannot follow itself.`, "previous");
  if (previous !== undefined && cleared) throw clearedTask(task.id, "previous", "can only go first: leave previous out");
  // Google: "The task set as previous must exist in the task list and can not be hidden."
  if (previous !== undefined && findTask(ctx, target.id, previous)?.hidden) {
    throw invalid(`Invalid value for parameter "previous": task "${previous}" is hidden (cleared); a task cannot follow a hidden one.`, "previous");
  }
  const position = placeTask(ctx, target.id, parent, previous, task.id);
  if (target.id !== list.id) moveToList(ctx, list.id, task.id, target.id);
  return taskAnswer(ctx, writeTask(ctx, task.id, { parent, position }, "updated"), 200);
}

function clearedTask(id: string, parameter: "parent" | "previous", rule: string): ApiError {
  return invalid(`Invalid value for parameter "${parameter}": task "${id}" is completed and hidden (cleared); such a task ${rule}.`, parameter);
}

/** The task and its subtasks go to another list (each reported: its selfLink names the new list). */
function moveToList(ctx: RequestContext, from: string, id: string, to: string): void {
  const below = descendantIds(ctx, from, id);
  const move = ctx.db.prepare("UPDATE tasks SET list_id = ? WHERE id = ?");
  for (const each of [id, ...below]) move.run(to, each);
  for (const each of below) writeTask(ctx, each, {}, "updated");
}
