import type Atmos from "atmos2";
import { List } from "./list-model";
import { Task } from "./task-model";
import type { UndoToast } from "./undo-toast";

/**
 * Tasks added on this device to a list that another device deleted before
 * they reached the server. The server refuses them (the list is gone),
 * atmos2 keeps them, refused, and the list itself leaves this device with
 * the next pull: the tasks are then in no list on the page. Nothing is
 * lost: the toast (and each one's row in the Sync panel) offers to keep
 * them in a new list of the old name, or Undo drops them.
 */
export class OrphanTasks {
  /** Each list's name as last seen here: the list is gone when its tasks are found. */
  private names = new Map<string, string>();
  /** Gone lists whose tasks were offered already (once per page; the Sync panel keeps the offer). */
  private offered = new Set<string>();
  private scheduled = false;

  constructor(private readonly atmos: Atmos, private readonly toast: UndoToast) {
    const later = () => this.schedule();
    List.bind("refresh change", later);
    Task.bind("refresh change syncState", later);
    atmos.on("status", later);
    this.schedule();
  }

  /** Whether `task` waits for a list this device no longer has. */
  static orphaned(task: Task): boolean {
    return task.syncState() === "failed" && !List.exists(task.taskListID);
  }

  /** The name the gone list had, as this page saw it. */
  nameOf(listId: string): string | undefined {
    return this.names.get(listId);
  }

  /**
   * Keeps the tasks that waited for the gone list `listId` in a new list of
   * its name: the new list and the tasks go to the server as one would make
   * them (atmos2 sends the list first and gives the tasks its server id).
   */
  keep(listId: string): List | undefined {
    const tasks = Task.select<Task>((task) => task.taskListID === listId && OrphanTasks.orphaned(task));
    if (!tasks.length) return undefined;
    const list = new List({ title: this.names.get(listId) ?? "Recovered tasks" });
    list.save({ remote: true });
    for (const task of tasks) {
      const { title, notes, status, due, completed } = task;
      // The refused create goes (a task the server never had is removed), the same task comes in the new list.
      void this.atmos.revert(task as never);
      new Task({ title, notes, status, due, completed, taskListID: list.id }).save({ remote: true });
    }
    return list;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.look();
    });
  }

  private look(): void {
    for (const list of List.all<List>()) this.names.set(list.id, list.title || "Untitled list");
    const byList = new Map<string, number>();
    for (const task of Task.select<Task>((t) => OrphanTasks.orphaned(t))) byList.set(task.taskListID, (byList.get(task.taskListID) ?? 0) + 1);
    for (const [listId, count] of byList) {
      if (this.offered.has(listId)) continue;
      this.offered.add(listId);
      const name = this.names.get(listId);
      const list = name ? `The list “${name}”` : "A list";
      const tasks = count === 1 ? "1 task" : `${count} tasks`;
      this.toast.offer(`${list} was deleted on another device before ${tasks} added here reached it.`, "Keep them", () => void this.keep(listId));
    }
  }
}
