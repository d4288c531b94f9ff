import Spine from "spine";
import "atmos2"; // registers Spine.Model.Atmosphere

export type TaskStatus = "needsAction" | "completed";

/** Fields Google leaves out of a task when they are empty. */
const emptiedByGoogle = ["notes", "due", "completed", "parent", "hidden", "deleted"];
/** The fields of a task a client may write (the rest Google sets). */
const sentToGoogle = ["id", "title", "notes", "status", "due", "completed"];

/** A task of a list, with Google Tasks' field names. */
export class Task extends Spine.Model {
  declare title: string;
  declare notes?: string | null;
  declare status: TaskStatus;
  /** RFC 3339; Google keeps only the date part. */
  declare due?: string | null;
  declare completed?: string | null;
  /** The List it belongs to (not part of Google's body; atmos2 fills it from the route). */
  declare taskListID: string;
  /** Set by the server: sibling order as sortable text. */
  declare position?: string;
  declare updated?: string;
  /** Set by the server when "clear completed" hid the task. */
  declare hidden?: boolean;
  /** Set by the server on a deleted task (incremental pulls with showDeleted). */
  declare deleted?: boolean;


  /** Tasks point at their list; a list's server-assigned id is carried over to them. */
  static remoteKeys = { taskListID: "List" };

  get isDone(): boolean {
    return this.status === "completed";
  }

  /**
   * Tasks of a list that are shown. Google hides a task completed in its own
   * apps (and the ones `clear` was called for); its apps still show them
   * under Completed, and so does this one. A hidden task not completed
   * is not shown.
   */
  static ofList(listID: string): Task[] {
    return Task.select<Task>((t) => t.taskListID === listID && shown(t));
  }

  /** The tasks shown, of every list (as `ofList` each), read in one pass. */
  static ofAllLists(): Task[] {
    return Task.select<Task>(shown);
  }

  /**
   * Every task from the server (a pull, a save's answer, a live update):
   * Google leaves a field out when it is empty, so a whole task without
   * `due` means the due date was cleared (on the phone, say). Filled in as
   * null, or the old date would stay here and go back with the next edit.
   * Tasks arriving by live update carry no list id (Google's task body has
   * none); their `selfLink` (".../lists/{list}/tasks/{task}") names it.
   */
  static fromRemote(attrs: Record<string, unknown>): Record<string, unknown> {
    const task = { ...attrs };
    if (attrs.kind === "tasks#task") for (const field of emptiedByGoogle) if (!(field in attrs)) task[field] = null;
    if (task.taskListID) return task;
    const match = /\/lists\/([^/]+)\/tasks\//.exec(String(attrs.selfLink ?? ""));
    if (match) task.taskListID = decodeURIComponent(match[1]);
    return task;
  }

  /**
   * What a save sends: Google's writable fields only. `taskListID` is ours,
   * and position, updated and hidden are the server's to set.
   */
  static remoteSaveOptions = {
    prepareData: (data: Record<string, unknown>): Record<string, unknown> => {
      const body: Record<string, unknown> = {};
      for (const field of sentToGoogle) if (field in data) body[field] = data[field];
      return body;
    },
  };

  /**
   * Open tasks in the server's order (new local ones first), a subtask (made
   * in Google's apps) right after its parent: its position counts among its
   * siblings only. Then done ones, latest first.
   */
  static compare(a: Task, b: Task): number {
    if (a.isDone !== b.isDone) return a.isDone ? 1 : -1;
    if (a.isDone) return (b.completed || "").localeCompare(a.completed || "");
    if (!a.position !== !b.position) return a.position ? 1 : -1;
    const [pa, pb] = [placeOf(a), placeOf(b)];
    return pa[0].localeCompare(pb[0]) || pa[1].localeCompare(pb[1]) || (b.updated || "").localeCompare(a.updated || "");
  }
}

Task.configure("Task", "title", "notes", "status", "due", "completed", "taskListID", "position", "updated", "hidden");
Task.extend(Spine.Model.Atmosphere as object);

/** Whether a task is shown in its list (see `Task.ofList`). */
function shown(task: Task): boolean {
  return !task.deleted && (!task.hidden || task.isDone);
}

/** The task's parent (a subtask made in Google's apps), when that task is here. */
export function parentOf(task: Task): Task | undefined {
  const parentId = (task as { parent?: string | null }).parent;
  return parentId ? (Task.irecords as Record<string, Task | undefined>)[parentId] : undefined;
}

/**
 * The parent an open subtask shows under, indented: only while both are
 * open, as then it sorts right after its parent (done tasks sort by date).
 */
export function shownUnder(task: Task): Task | undefined {
  const parent = parentOf(task);
  return parent && !task.isDone && !parent.isDone ? parent : undefined;
}

/** Where a task sorts: its parent's position and its own for a subtask whose parent is here, else its own. */
function placeOf(task: Task): [string, string] {
  const parent = parentOf(task);
  return parent ? [parent.position || "", task.position || ""] : [task.position || "", ""];
}
