import type Atmos from "atmos2";
import { List } from "./list-model";
import { Task } from "./task-model";
import { oncePerBurst } from "./once-per-burst";
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
  /**
   * Each list's name as last seen here: the list is gone when its tasks are
   * found, maybe after a reload, so the names are kept in this browser too.
   */
  private names = new Map<string, string>(readNames());
  /** Gone lists whose tasks were offered already (once per page; the Sync panel keeps the offer). */
  private offered = new Set<string>();
  /** The offer the toast shows now, if it is still there. */
  private current?: { action: () => void; lists: string[]; text: string };
  /** Set once the page has read its stored lists and tasks: before, every list would look gone. */
  private started = false;
  private schedule = oncePerBurst(() => this.look());
  /** The names change with the lists only: kept up on their events, not on every task's. */
  private scheduleNames = oncePerBurst(() => this.keepNames());

  constructor(private readonly atmos: Atmos, private readonly toast: UndoToast) {
    List.bind("refresh change", () => {
      if (!this.started) return;
      this.scheduleNames();
      this.schedule();
    });
    const later = () => {
      if (this.started) this.schedule();
    };
    Task.bind("refresh change syncState", later);
    atmos.on("status", later);
  }

  /** Starts looking, once the lists and tasks stored here are loaded. */
  start(): void {
    this.started = true;
    this.keepNames();
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

  /**
   * The lists here, and the gone ones that tasks here still point at (a
   * pull may remove a list before its tasks' creates are refused): no more.
   */
  private keepNames(): void {
    const names = new Map<string, string>();
    for (const list of List.all<List>()) names.set(list.id, list.title || "Untitled list");
    for (const task of Task.all<Task>()) {
      const name = this.names.get(task.taskListID);
      if (name !== undefined && !names.has(task.taskListID)) names.set(task.taskListID, name);
    }
    this.names = names;
    writeNames(names);
  }

  private look(): void {
    const byList = new Map<string, number>();
    for (const task of Task.select<Task>((t) => OrphanTasks.orphaned(t))) byList.set(task.taskListID, (byList.get(task.taskListID) ?? 0) + 1);
    // An offer that went (kept, dismissed, timed out, or replaced by other news) is not made again: the Sync panel keeps it.
    if (this.current && !this.toast.offers(this.current.action)) {
      for (const listId of this.current.lists) this.offered.add(listId);
      this.current = undefined;
    }
    const lists = [...byList.keys()].filter((listId) => !this.offered.has(listId));
    if (!lists.length) return;
    // One offer for every list gone, kept up to date while it shows (more refusals come one by one).
    const count = lists.reduce((sum, listId) => sum + byList.get(listId)!, 0);
    const tasks = count === 1 ? "1 task" : `${count} tasks`;
    const gone = lists.map((listId) => this.names.get(listId));
    const text = lists.length === 1
      ? `${gone[0] ? `The list “${gone[0]}”` : "A list"} was deleted on another device before ${tasks} saved here reached it.`
      : `${lists.length} lists${gone.every(Boolean) ? ` (${gone.map((n) => `“${n}”`).join(", ")})` : ""} were deleted on another device before ${tasks} saved here reached them.`;
    if (this.current?.text === text) return;
    const action = () => {
      for (const listId of lists) this.keep(listId);
    };
    this.current = { action, lists, text };
    this.toast.offer(text, "Keep them", action);
  }
}

const namesKey = "tasks-example:list-names";

function readNames(): Array<[string, string]> {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(namesKey) ?? "[]");
    return Array.isArray(stored) ? stored.filter((pair): pair is [string, string] => Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string") : [];
  } catch {
    return []; // not ours, or cut short: the names come back from the lists
  }
}

function writeNames(names: Map<string, string>): void {
  const text = JSON.stringify([...names]);
  try {
    if (localStorage.getItem(namesKey) !== text) localStorage.setItem(namesKey, text);
  } catch {
    // Storage full: the names are a courtesy, the tasks themselves are atmos2's to keep.
  }
}
