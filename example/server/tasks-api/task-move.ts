import { invalid } from "./api-error";
import type { ApiResponse } from "./http-io";
import { queryId } from "./input";
import { requireList } from "./lists";
import type { RequestContext } from "./request-context";
import { checkNotOwnDescendant, placeTask } from "./task-tree";
import { requireLiveParent, taskAnswer } from "./tasks";
import { requireLiveTask, writeTask } from "./task-writes";

/**
 * POST /lists/:list/tasks/:task/move?parent=&previous= — puts the task under
 * `parent` (top level when missing) right after `previous` (first when
 * missing). Its subtasks come along. Moving to another list
 * (`destinationTasklist`) is not supported and says so.
 */
export function moveTask(ctx: RequestContext): ApiResponse {
  const list = requireList(ctx, ctx.params.list);
  const task = requireLiveTask(ctx, list.id, ctx.params.task);
  const destination = queryId(ctx.query, "destinationTasklist");
  if (destination !== undefined && destination !== list.id) {
    throw invalid(`Parameter "destinationTasklist" is not supported by this server: move tasks within one list.`, "destinationTasklist");
  }
  const parent = queryId(ctx.query, "parent") ?? null;
  if (parent !== null) {
    requireLiveParent(ctx, list.id, parent);
    checkNotOwnDescendant(ctx, list.id, task.id, parent);
  }
  const previous = queryId(ctx.query, "previous");
  if (previous === task.id) throw invalid(`Invalid value for parameter "previous": a task cannot follow itself.`, "previous");
  const position = placeTask(ctx, list.id, parent, previous, task.id);
  return taskAnswer(ctx, writeTask(ctx, task.id, { parent, position }, "updated"), 200);
}
