import Spine from "spine";
import type { Atmos } from "atmos2";
import { completedTasks } from "./clear-completed";
import { movable, moveTask, previousOf, putBack } from "./task-order";
import type { RemoteSync } from "./remote-sync";
import { patchHtml } from "./dom-patch";
import { draftOf, emptyField, rekeyDraft } from "./drafts";
import { renameForm, typedName } from "./list-rename";
import { HeldPlace } from "./held-place";
import { html } from "./html";
import { oncePerBurst } from "./once-per-burst";
import { List } from "./list-model";
import { findByRoot, rootOf } from "./record-root";
import { syncMark } from "./sync-mark";
import { TaskItem } from "./task-item";
import { Task } from "./task-model";
import type { UndoToast } from "./undo-toast";

/** The heading's buttons, by class: the one focused keeps focus when the heading repaints. */
const HEAD_BUTTONS = ["rename-list", "delete-list"];

/**
 * The selected list: its name (rename, delete), a field to add tasks, the
 * open tasks and the completed ones. Rows are kept per task (by the Spine
 * root record, which survives server ids and pulls) and only repainted when
 * their task changed, so a sync never disturbs a row being edited.
 */
export class TasksPanel extends Spine.Controller {
  static events = {
    "submit .add-task": "add",
    "keydown .new-task-title": "addKey",
    "click .rename-list": "startRename",
    "dblclick .list-title": "startRename",
    "submit .rename-form": "rename",
    // Anywhere in the form, as in a task's edit form: from Save or Cancel too.
    "keydown .rename-form": "renameKey",
    "click .rename-cancel": "stopRename",
    "click .delete-list": "deleteList",
    "click .clear-completed": "clear",
  };
  static elements = {
    ".panel-head": "head",
    ".new-task-title": "newTitle",
    ".open-tasks": "openEl",
    ".done-tasks": "doneEl",
    ".done-section": "doneSection",
    ".done-count": "doneCount",
    ".tasks-empty": "emptyEl",
  };
  declare atmos: Atmos;
  declare remote: RemoteSync;
  declare undo: UndoToast;
  declare head: any;
  declare newTitle: any;
  declare openEl: any;
  declare doneEl: any;
  declare doneSection: any;
  declare doneCount: any;
  declare emptyEl: any;
  private listRoot?: object;
  /** What was typed in "Add a task" and not added yet, per list, kept while another list is shown. */
  private drafts = new WeakMap<object, string>();
  private items = new Map<object, TaskItem>();
  private renaming = false;
  private headPainted = "";

  constructor(options: { el: unknown; atmos: Atmos; remote: RemoteSync; undo: UndoToast }) {
    super(options);
    const later = () => this.schedule();
    Task.bind("refresh change syncState", later);
    List.bind("refresh change syncState", later);
    this.atmos.on("status", later);
    // The first pull ended: "Loading" gives way to what there is.
    this.remote.onChange(() => (this.listRoot ? later() : this.show(undefined)));
    this.show(undefined);
  }

  get list(): List | undefined {
    return findByRoot<List>(List, this.listRoot);
  }

  /** Shows a list (or the "no list" state). */
  show(list: List | undefined): void {
    // A task's edit form left open is kept, not thrown away with its row.
    TaskItem.editingRow?.keepEdit();
    if (this.listRoot && this.newTitle?.length) this.drafts.set(this.listRoot, String(this.newTitle.val()));
    for (const item of this.items.values()) item.release();
    this.items.clear();
    this.listRoot = list && rootOf(List, list);
    this.renaming = false;
    this.headPainted = "";
    this.el.toggleClass("is-empty", !list);
    if (!list) {
      // No direction: the lists are beside this panel on a laptop and above it on a phone.
      this.html(
        this.remote.loading
          ? html`<div class="no-list"><h2>Loading…</h2><p>Getting your lists from the server.</p></div>`.value
          : html`<div class="no-list"><h2>Welcome to Tasks</h2><p>Name your first list in the “New list” field to get started.</p></div>`.value,
      );
      return;
    }
    this.html(html`
      <header class="panel-head"></header>
      <form class="add-task">
        <label class="visually-hidden" for="new-task-title">New task</label>
        <input id="new-task-title" class="new-task-title" dir="auto" placeholder="Add a task" autocomplete="off" enterkeyhint="done" maxlength="1024" data-draft="new-task:${list.id}">
        <button type="submit" class="btn-primary">Add</button>
      </form>
      <ul class="tasks open-tasks" aria-label="Open tasks"></ul>
      <p class="tasks-empty" hidden></p>
      <section class="done-section" hidden aria-labelledby="done-heading">
        <div class="done-head">
          <h3 id="done-heading">Completed <span class="done-count"></span></h3>
          <button type="button" class="clear-completed btn-quiet">Clear completed</button>
        </div>
        <ul class="tasks done-tasks" aria-label="Completed tasks"></ul>
      </section>
    `.value);
    this.newTitle.val(this.drafts.get(this.listRoot!) ?? draftOf(`new-task:${list.id}`));
    this.renderHead();
    this.renderTasks();
  }

  focusNewTask(): void {
    this.newTitle.trigger("focus");
  }

  /** The events of one sync step, repainted once. */
  private schedule = oncePerBurst(() => {
    if (!this.listRoot) return;
    if (!this.list) return this.trigger("gone");
    rekeyDraft(this.newTitle, `new-task:${this.list.id}`);
    if (!this.renaming) this.renderHead();
    this.renderTasks();
  });

  private renderHead(): void {
    const list = this.list!;
    const markup = html`
      <h2 class="list-title" dir="auto" title="Double-click or press Rename to rename">${list.title || "Untitled list"}</h2>
      ${syncMark(list.syncState())}
      <span class="head-actions">
        <button type="button" class="rename-list btn-quiet" aria-label="Rename list ${list.title}">Rename</button>
        <button type="button" class="delete-list btn-quiet btn-danger" aria-label="Delete list ${list.title}">Delete</button>
      </span>
    `.value;
    // Repaint only on a visible change: a sync step must not take focus from Rename or Delete.
    if (markup === this.headPainted) return;
    this.headPainted = markup;
    // A change of the sync mark (the new name sent) repaints the buttons too: the one focused keeps it.
    const focused = document.activeElement;
    const keep = focused && this.head[0].contains(focused) ? HEAD_BUTTONS.find((name) => focused.classList.contains(name)) : undefined;
    patchHtml(this.head[0], markup);
    if (keep) (this.head.find(`.${keep}`)[0] as HTMLElement | undefined)?.focus({ preventScroll: true });
  }

  private renderTasks(): void {
    const list = this.list;
    if (!list) return;
    const tasks = Task.ofList(list.id).sort(Task.compare);
    const open = tasks.filter((t) => !t.isDone);
    const done = tasks.filter((t) => t.isDone);
    const held = new HeldPlace(this.items.values());
    const seen = new Set<object>();
    this.place(this.openEl[0], open, seen);
    this.place(this.doneEl[0], done, seen);
    held.keepFormInView();
    for (const [root, item] of this.items) {
      if (seen.has(root)) continue;
      const typed = item.leaveEdit();
      item.release();
      this.items.delete(root);
      // Deleted on another device while the user typed in it: what was typed is offered back.
      if (typed) this.undo.offer(`“${String(typed.title) || "Untitled task"}” was deleted on another device while you were editing it.`, "Keep it", () => new Task(typed).save({ remote: true }));
    }
    TaskItem.editingRow?.updateMoves();
    this.emptyEl.prop("hidden", open.length > 0).text(done.length ? "All done. Nice!" : this.remote.loading ? "Loading tasks…" : "No tasks yet. Type one above and press Enter.");
    this.doneSection.prop("hidden", done.length === 0);
    this.doneCount.text(`(${done.length})`);
    held.giveBackFocus([...this.items.values()], this.doneSection[0], this.newTitle[0]);
  }

  private place(ul: HTMLElement, tasks: Task[], seen: Set<object>): void {
    tasks.forEach((task, index) => {
      const root = rootOf(Task, task)!;
      seen.add(root);
      let item = this.items.get(root);
      if (item) item.update(task);
      else {
        item = new TaskItem({ task, atmos: this.atmos, moves: (t) => this.movesOf(t) });
        item.bind("move", (moved: Task, step: -1 | 1) => void this.move(moved, step));
        item.bind("revert", (task: Task) => void this.undo.revert(this.atmos, { className: "Task", id: task.id }));
        item.bind("removed", (neighbour: any, removed: Task) => {
          const list = this.list;
          const previous = list && previousOf(list, removed);
          this.undo.deleteTasks([removed], "task", ([task]) => void (list && task && putBack(this.atmos, this.remote, list, task, previous)));
          (neighbour.length ? neighbour : this.newTitle).trigger("focus");
        });
        this.items.set(root, item);
      }
      const node = item.el[0];
      if (ul.children[index] !== node) ul.insertBefore(node, ul.children[index] ?? null);
    });
  }

  add(event: Event): void {
    event.preventDefault();
    const list = this.list;
    const title = String(this.newTitle.val()).trim();
    // Blanks are no title: cleared, and the field keeps the focus (as "New list" does).
    if (!title) {
      emptyField(this.newTitle);
      return void this.newTitle.trigger("focus");
    }
    if (!list) return;
    const task = new Task({ title, status: "needsAction", taskListID: list.id, updated: new Date().toISOString() });
    task.save({ remote: true });
    emptyField(this.newTitle);
    this.newTitle.trigger("focus");
  }

  addKey(event: KeyboardEvent): void {
    if (event.key === "Escape") emptyField(this.newTitle);
  }

  startRename(): void {
    const list = this.list;
    if (!list || this.renaming) return;
    this.renaming = true;
    this.headPainted = "";
    this.head.html(renameForm(list).value);
    const input = this.head.find(".rename-input")[0] as HTMLInputElement;
    input.focus();
    input.select();
  }

  rename(event: Event): void {
    event.preventDefault();
    const list = this.list;
    const input = this.head.find(".rename-input")[0] as HTMLInputElement | undefined;
    const title = list && input && typedName(input, list);
    if (list && input && title === undefined) return;
    if (list && title && title !== list.title) {
      list.title = title;
      list.save({ remote: true });
    }
    this.stopRename();
  }

  renameKey(event: KeyboardEvent): void {
    if (event.key === "Escape") {
      event.preventDefault();
      this.stopRename();
    }
  }

  stopRename(): void {
    this.renaming = false;
    if (!this.list) return;
    this.renderHead();
    this.head.find(".rename-list").trigger("focus");
  }

  deleteList(): void {
    const list = this.list;
    if (!list) return;
    const tasks = Task.select<Task>((t) => t.taskListID === list.id);
    const what = tasks.length ? ` and its ${tasks.length === 1 ? "task" : `${tasks.length} tasks`}` : "";
    if (!window.confirm(`Delete the list “${list.title || "Untitled list"}”${what}?`)) return;
    // The server deletes a list's tasks with it; deleting them here too keeps
    // local storage clean (a delete answered 404 counts as done).
    for (const task of tasks) task.destroy({ remote: true });
    list.destroy({ remote: true });
  }

  /** Whether a task can move up and down among the list's tasks (undefined: it cannot move at all). */
  private movesOf(task: Task): { up: boolean; down: boolean } | undefined {
    const siblings = this.list ? movable(this.list) : [];
    const at = siblings.findIndex((t) => t.id === task.id);
    return at < 0 ? undefined : { up: at > 0, down: at < siblings.length - 1 };
  }

  /** Moves a task one place up or down; offline, the toast says why it did not. */
  private async move(task: Task, step: -1 | 1): Promise<void> {
    const list = this.list;
    if (!list) return;
    try {
      await moveTask(this.atmos, this.remote, list, task, step);
    } catch (error) {
      this.undo.offer((error as Error).message);
    }
  }

  clear(): void {
    // A completed task's form left open: what was typed is saved before it goes (Undo brings it back with it).
    TaskItem.editingRow?.keepEdit();
    const list = this.list;
    if (list) this.undo.deleteTasks(completedTasks(list), "completed task");
  }
}
