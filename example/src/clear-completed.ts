import type { List } from "./list-model";
import { Task } from "./task-model";

/**
 * "Clear completed" deletes the list's completed tasks, as Google's own apps
 * do ("Delete all completed tasks"). Google's `POST /lists/:id/clear` only
 * hides them, and Google hides a task completed in its apps too, so a hidden
 * task may well be one to show under Done (see `Task.ofList`): clearing by
 * hiding would not clear. The panel deletes them through the outbox (so it
 * works offline and is sent when the connection is back) and offers Undo.
 */
export function completedTasks(list: List): Task[] {
  return Task.ofList(list.id).filter((task) => task.isDone);
}
