import type { Atmos } from "atmos2";
import type { List } from "./list-model";
import type { RemoteSync } from "./remote-sync";
import { findByRoot, rootOf } from "./record-root";
import { parentOf, Task } from "./task-model";

/**
 * The open top-level tasks of a list that have their place on the server, in
 * the order shown: the ones "Move up" and "Move down" step among. A task not
 * saved on the server yet has no place there (it shows first, and moves once
 * saved); a subtask moves with its parent.
 */
export function movable(list: List): Task[] {
  return Task.ofList(list.id).sort(Task.compare).filter((task) => !task.isDone && !parentOf(task) && !!task.position && task.syncState() === "synced");
}

/** The id of the task shown just above `task` among `movable(list)`, or undefined when it is first. */
export function previousOf(list: List, task: Task): string | undefined {
  const siblings = movable(list);
  const at = siblings.findIndex((t) => t.id === task.id);
  return at > 0 ? siblings[at - 1].id : undefined;
}

/**
 * Puts a task saved again by Undo back after the task that was above it
 * (`previousId`; first when none): the server gives a task it creates the
 * first place. Once the create is answered; offline, or with that task gone
 * meanwhile, it stays where the server put it.
 */
export async function putBack(atmos: Atmos, remote: RemoteSync, list: List, task: Task, previousId: string | undefined): Promise<void> {
  const root = rootOf(Task, task);
  await atmos.whenSynced();
  const now = findByRoot<Task>(Task, root);
  if (!now || now.syncState() !== "synced") return;
  const siblings = movable(list);
  const at = siblings.findIndex((t) => t.id === now.id);
  if (at < 0 || siblings[at - 1]?.id === previousId || (previousId !== undefined && !siblings.some((t) => t.id === previousId))) return;
  try {
    await moveAfter(atmos, list, now, previousId);
  } catch {
    return; // Offline or refused: it stays first, as created.
  }
  await remote.pullTasks(list);
}

/** Google's move endpoint: puts `task` after the task `previousId` (first when none). */
function moveAfter(atmos: Atmos, list: List, task: Task, previousId: string | undefined): Promise<unknown> {
  return atmos.resourceClient.execute({
    method: "POST",
    path: "/lists/:list/tasks/:task/move",
    pathParams: { list: list.id, task: task.id },
    params: previousId ? { previous: previousId } : {},
  });
}

/**
 * Moves `task` one place up (`step` -1) or down (+1) among `movable(list)`:
 * Google's move endpoint places it after the task that is to precede it
 * (first when none), and a pull of the list brings every new position. The
 * server sets positions, so this needs it: offline the promise rejects with
 * a message for a person, and nothing changed.
 */
export async function moveTask(atmos: Atmos, remote: RemoteSync, list: List, task: Task, step: -1 | 1): Promise<void> {
  const siblings = movable(list);
  const at = siblings.findIndex((t) => t.id === task.id);
  const to = at + step;
  if (at < 0 || to < 0 || to >= siblings.length) return;
  // Up: after the one above its new place; down: after the one it passes.
  const previous = step < 0 ? siblings[to - 1]?.id : siblings[to].id;
  try {
    await moveAfter(atmos, list, task, previous);
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new Error(status === 0 || status === undefined ? "Moving a task needs the server: try again once you're back online." : "The server did not move the task; try again.");
  }
  await remote.pullTasks(list);
}
