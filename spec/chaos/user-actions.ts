import type { Atmos } from "../../lib";
import type { SeededRandom } from "../fakes/seeded-random";
import { List, models, Task, type Synced } from "../lib/models";
import { parseTitle, type UserIntent } from "./user-intent";

/** What a run can ask the simulated user to do. */
export type UserAction = "create-list" | "create-task" | "update-list" | "update-task" | "destroy-list" | "destroy-task" | "undo-destroy-task" | "push" | "pull";

const actionWeights: Record<UserAction, number> = {
  "create-list": 3,
  "create-task": 6,
  "update-list": 3,
  "update-task": 7,
  "destroy-list": 1,
  "destroy-task": 3,
  "undo-destroy-task": 1,
  push: 1,
  pull: 1,
};

/**
 * The simulated user: edits List and Task records through Spine exactly as
 * an app would (`save({ remote: true })`, sometimes a plain `save()` that
 * waits for `push()`), records every intent in `UserIntent`, and returns a
 * line for the trace.
 */
export class User {
  /** Things the user saw that cannot happen if the library is right (e.g. a destroyed record back). */
  readonly anomalies: string[] = [];
  /** Tasks the user destroyed on this page, newest last, with what they intended of each: an undo brings one back. */
  private destroyed: Array<{ attrs: Record<string, unknown>; intended: ReturnType<UserIntent["tasks"]["get"]> }> = [];

  constructor(
    private readonly random: SeededRandom,
    private readonly intent: UserIntent,
    private readonly atmos: () => Atmos,
  ) {}

  act(): string {
    const action = this.random.weighted(actionWeights);
    const opts: Record<string, unknown> = this.random.chance(0.85) ? { remote: true } : {};
    const how = "remote" in opts ? "remote" : "held";
    switch (action) {
      case "create-list":
        return this.createList(opts, how);
      case "create-task": {
        const list = this.pickList();
        if (!list) return this.createList(opts, how);
        const handle = this.intent.newHandle("T");
        const notes = this.random.chance(0.5) ? `note ${this.random.int(100)}` : undefined;
        new Task({ title: `${handle}.0`, notes, status: "needsAction", taskListID: list.id }).save(opts);
        this.intent.tasks.set(handle, { handle, title: `${handle}.0`, notes, status: "needsAction", list: parseTitle(list.title).handle });
        return `create task ${handle} in ${parseTitle(list.title).handle} (${how})`;
      }
      case "update-list": {
        const list = this.pickList();
        if (!list) return "update list: none";
        const intended = this.intended(this.intent.lists, list.title);
        list.title = this.intent.nextTitle(list.title);
        list.save(opts);
        if (intended) intended.title = list.title;
        return `update list ${list.title} (${how})`;
      }
      case "update-task": {
        const task = this.pick(models.Task);
        if (!task) return "update task: none";
        const intended = this.intended(this.intent.tasks, task.title);
        task.title = this.intent.nextTitle(task.title);
        if (this.random.chance(0.4)) task.status = task.status === "completed" ? "needsAction" : "completed";
        if (this.random.chance(0.3)) task.notes = this.random.chance(0.2) ? undefined : `note ${this.random.int(100)}`;
        task.save(opts);
        if (intended) Object.assign(intended, { title: task.title, status: task.status, notes: task.notes ?? undefined });
        return `update task ${task.title} status=${task.status} notes=${task.notes} (${how})`;
      }
      case "destroy-task": {
        const task = this.pick(models.Task);
        if (!task) return "destroy task: none";
        const handle = parseTitle(task.title).handle;
        this.destroyed.push({ attrs: task.attributes(), intended: this.intent.tasks.get(handle) });
        task.destroy(opts);
        this.intent.tasks.delete(handle);
        return `destroy task ${task.title} (${how})`;
      }
      case "undo-destroy-task": {
        // An app's "undo": the destroyed task saved again as it was, under its id (maybe before its DELETE was answered).
        const undone = this.destroyed.pop();
        if (!undone?.intended || !models.List.exists(undone.attrs.taskListID as string)) return "undo destroy task: none";
        if (models.Task.exists(undone.attrs.id as string)) return "undo destroy task: it is back already";
        new Task(undone.attrs).save(opts);
        this.intent.tasks.set(undone.intended.handle, undone.intended);
        return `undo destroy of task ${String(undone.attrs.title)} (${how})`;
      }
      case "destroy-list": {
        const list = this.pickList();
        if (!list) return "destroy list: none";
        // As an app does: the list's tasks go first, then the list.
        const tasks = models.Task.all().filter((t: any) => t.taskListID === list.id);
        for (const task of tasks) {
          task.destroy(opts);
          this.intent.tasks.delete(parseTitle(task.title).handle);
        }
        list.destroy(opts);
        this.intent.lists.delete(parseTitle(list.title).handle);
        return `destroy list ${list.title} and ${tasks.length} tasks (${how})`;
      }
      case "push":
        void this.atmos().push().catch(() => undefined);
        return "push";
      case "pull":
        return this.pull();
    }
  }

  private createList(opts: Record<string, unknown>, how: string): string {
    const handle = this.intent.newHandle("L");
    new List({ title: `${handle}.0` }).save(opts);
    this.intent.lists.set(handle, { handle, title: `${handle}.0` });
    return `create list ${handle} (${how})`;
  }

  /** Pulls lists, or the tasks of a list the server knows, like an app refreshing a view. */
  private pull(): string {
    const atmos = this.atmos();
    const known = models.List.all().filter((l: any) => atmos.syncState("List", l.id) === "synced");
    if (known.length && this.random.chance(0.6)) {
      const list = this.random.pick(known);
      void models.Task.sync({ remote: true, pathParams: { taskListID: list.id } }).catch(() => undefined);
      return `pull tasks of ${list.title}`;
    }
    void models.List.sync({ remote: true }).catch(() => undefined);
    return "pull lists";
  }

  /** The intent of a record the user sees; a record the user never made (or destroyed) is an anomaly. */
  private intended<T>(map: Map<string, T>, title: string): T | undefined {
    const found = map.get(parseTitle(title).handle);
    if (!found) this.anomalies.push(`the user sees ${title}, which they destroyed or never made`);
    return found;
  }

  private pickList(): any {
    return this.pick(models.List);
  }

  private pick(model: Synced): any {
    const all = model.all();
    return all.length ? this.random.pick(all) : undefined;
  }
}
