import Spine from "spine";
import type { Atmos } from "atmos2";
import { patchHtml } from "./dom-patch";
import { describeDue, dueToInput, inputToDue } from "./due-date";
import { html } from "./html";
import { syncMark } from "./sync-mark";
import { shownUnder, Task } from "./task-model";

/** The row's controls, by class: the one with focus keeps it across a repaint. */
const ROW_CONTROLS = ["task-check", "task-open", "task-retry", "task-revert", "task-delete"];

/**
 * One task row. Shows the task, or (after a click on it) a small form to
 * edit title, notes and due date: Enter saves, Esc cancels. Changes are
 * saved locally at once and sent with `{ remote: true }`.
 */
export class TaskItem extends Spine.Controller {
  static events = {
    "change .task-check": "toggle",
    "click .task-open": "edit",
    "click .task-delete": "remove",
    "click .task-retry": "retry",
    "click .task-revert": "revert",
    "submit .task-edit": "save",
    "click .task-cancel": "cancel",
    "click .task-move": "move",
    "keydown .task-edit": "editKey",
  };
  declare task: Task;
  declare atmos: Atmos;
  /** Where the task can move among its list's tasks, if it can (the panel knows its neighbours). */
  declare moves?: (task: Task) => { up: boolean; down: boolean } | undefined;
  /** The row whose edit form is open: one at a time, and what it holds is kept when the user goes elsewhere. */
  static editingRow: TaskItem | undefined;
  private editing = false;
  /** What the edit form showed when it opened: only the fields typed over since are saved. */
  private opened = { title: "", notes: "", due: "" };
  /** What was rendered last: a sync that changes nothing visible does not repaint. */
  private painted = "";

  constructor(options: { task: Task; atmos: Atmos; moves?: (task: Task) => { up: boolean; down: boolean } | undefined }) {
    super({ ...options, tag: "li", className: "task" });
    this.render();
  }

  /** Takes the latest version of the task; repaints unless the user is editing it. */
  update(task: Task): void {
    this.task = task;
    if (!this.editing) this.render();
    else this.followChanges(task);
  }

  /**
   * The task changed while its edit form is open (another tab or device, a
   * pull): a field the user has not typed in shows the new value, so the
   * form never offers a value that is gone. What was typed stays.
   */
  private followChanges(task: Task): void {
    const now = { title: (task.title || "").trim(), notes: (task.notes || "").trim(), due: dueToInput(task.due) };
    for (const field of ["title", "notes", "due"] as const) {
      const input = this.el.find(`.edit-${field}`)[0] as HTMLInputElement | HTMLTextAreaElement | undefined;
      if (!input || now[field] === this.opened[field] || input.value.trim() !== this.opened[field]) continue;
      input.value = now[field];
      this.opened[field] = now[field];
    }
  }

  render(): void {
    const task = this.task;
    const state = task.syncState();
    const parent = shownUnder(task);
    const key = JSON.stringify([task.attributes(), state, new Date().toDateString(), parent?.title]);
    if (key === this.painted) return;
    this.painted = key;
    const title = task.title || "Untitled task";
    const due = describeDue(task.due);
    const overdue = !!due?.overdue && !task.isDone;
    const boxId = `done-${task.cid}`;
    // A repaint (the answer to a save, a live update) changes only what
    // differs, so a control that stays keeps its focus and a click pressed
    // meanwhile; when the focused one goes (Retry, once sent), focus moves on.
    const focused = document.activeElement;
    const keep = focused && this.el[0].contains(focused) ? ROW_CONTROLS.find((name) => focused.classList.contains(name)) : undefined;
    this.el.toggleClass("is-done", task.isDone).toggleClass("is-failed", state === "failed").toggleClass("is-subtask", !!parent).removeClass("is-editing");
    this.el.attr("data-sync", state);
    // The Edit button is named by what it shows (title, notes, due date), so a
    // screen reader reads all of it; hidden words say "Edit" and "overdue",
    // which the eye gets from the row's place and the date's red.
    patchHtml(this.el[0], html`
      <input type="checkbox" class="task-check" id="${boxId}" ${task.isDone ? html`checked` : ""}>
      <label class="visually-hidden" for="${boxId}">Done: ${title}</label>
      <button type="button" class="task-open">
        <span class="visually-hidden">Edit ${parent ? html`subtask of ${parent.title || "Untitled task"}: ` : ""}</span><span class="task-title" dir="auto">${title}</span>
        ${task.notes ? html`<span class="task-notes" dir="auto">${task.notes}</span>` : ""}
        ${due ? html`<span class="task-due${overdue ? " is-overdue" : ""}">${due.text}${overdue ? html`<span class="visually-hidden"> (overdue)</span>` : ""}</span>` : ""}
      </button>
      ${syncMark(state)}
      ${state === "failed" ? html`<button type="button" class="task-retry" aria-label="Retry saving ${title}">Retry</button><button type="button" class="task-revert btn-quiet" aria-label="Undo changes to ${title}" title="Drop this change and keep the server's version">Undo</button>` : ""}
      <button type="button" class="task-delete" aria-label="Delete ${title}" title="Delete"><span aria-hidden="true">×</span></button>
    `.value);
    // Retry and Undo go when the change is sent again: focus then moves to the task itself.
    // Without scrolling: the user may have scrolled away from the row meanwhile.
    if (keep) (this.el.find(`.${keep}`)[0] ?? this.el.find(".task-open")[0])?.focus({ preventScroll: true });
  }

  /** The freshest copy of the task, or undefined if it was deleted meanwhile. */
  private fresh(): Task | undefined {
    // The held clone reads its id through to Spine's record, so it is current.
    return Task.exists(this.task.id) ? Task.find<Task>(this.task.id) : undefined;
  }

  toggle(event: Event): void {
    const task = this.fresh();
    if (!task) return;
    const done = (event.currentTarget as HTMLInputElement).checked;
    task.status = done ? "completed" : "needsAction";
    task.completed = done ? new Date().toISOString() : null;
    task.save({ remote: true });
  }

  edit(): void {
    const task = this.fresh();
    if (!task) return;
    // Another row's form closes first, keeping what was typed there.
    if (TaskItem.editingRow !== this) TaskItem.editingRow?.keepEdit();
    TaskItem.editingRow = this;
    this.editing = true;
    this.painted = "";
    this.el.addClass("is-editing");
    const id = `edit-${task.cid}`;
    const moves = this.moves?.(task);
    this.html(html`
      <form class="task-edit" aria-label="Edit task">
        <label class="visually-hidden" for="${id}-title">Title</label>
        <input class="edit-title" dir="auto" id="${id}-title" name="title" value="${task.title || ""}" autocomplete="off" placeholder="Title" maxlength="1024">
        <label class="field-label" for="${id}-notes">Notes</label>
        <textarea class="edit-notes" dir="auto" id="${id}-notes" name="notes" rows="2" placeholder="Add details" maxlength="8192">${task.notes || ""}</textarea>
        <div class="edit-row">
          <label class="field-label" for="${id}-due">Due</label>
          <input type="date" class="edit-due" id="${id}-due" name="due" value="${dueToInput(task.due)}">
          ${moves ? html`<span class="edit-move">
            <button type="button" class="task-move btn-quiet" data-step="-1" aria-label="Move up" ${moves.up ? "" : html`disabled`}><span aria-hidden="true">↑</span></button>
            <button type="button" class="task-move btn-quiet" data-step="1" aria-label="Move down" ${moves.down ? "" : html`disabled`}><span aria-hidden="true">↓</span></button>
          </span>` : ""}
          <span class="edit-actions">
            <button type="button" class="task-cancel btn-quiet">Cancel</button>
            <button type="submit" class="btn-primary">Save</button>
          </span>
        </div>
      </form>
    `.value);
    this.opened = { title: (task.title || "").trim(), notes: (task.notes || "").trim(), due: dueToInput(task.due) };
    const input = this.el.find(".edit-title")[0] as HTMLInputElement;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  save(event: Event): void {
    event.preventDefault();
    this.saveForm(true);
    this.close();
  }

  /**
   * The user went elsewhere (another task's form, another list) with this
   * form open: what it holds is saved, if it changes anything, and it closes
   * without taking the focus.
   */
  keepEdit(): void {
    if (!this.editing) return;
    this.saveForm(false);
    this.close(false);
  }

  /**
   * The page is being left (a reload, a phone dropping the tab in the
   * background) with this form open: what was typed is saved, as going to
   * another task's form saves it, and the form stays as it is for a user who
   * comes back to it.
   */
  saveTyped(): void {
    if (!this.editing) return;
    this.saveForm(false);
    const { title, notes, due } = this.form();
    this.opened = { title, notes, due };
  }

  /**
   * Saves the fields of the form the user changed since it opened (unless
   * `always` is false and none changed). A field left as it was keeps the
   * task's value now: another device's change that came while the form was
   * open (live) is not sent back over with the old one.
   */
  private saveForm(always: boolean): void {
    const task = this.fresh();
    if (!task) return;
    const { title, notes, due, typed } = this.form();
    if (!always && !typed.title && !typed.notes && !typed.due) return;
    if (typed.title) task.title = title;
    if (typed.notes) task.notes = notes || null;
    if (typed.due) task.due = inputToDue(due);
    task.save({ remote: true });
    this.task = task;
  }

  /** What the edit form holds, and which fields were typed over since it opened. */
  private form() {
    const title = String(this.el.find(".edit-title").val()).trim();
    const notes = String(this.el.find(".edit-notes").val()).trim();
    const due = String(this.el.find(".edit-due").val());
    const { opened } = this;
    return { title, notes, due, typed: { title: title !== opened.title, notes: notes !== opened.notes, due: due !== opened.due } };
  }

  /**
   * The row is going (its task left the list) while its edit form is open.
   * A task still here (hidden elsewhere, moved) keeps what was typed, saved;
   * for a task deleted meanwhile, the task as the form shows it is returned,
   * when anything was typed, for the page to offer back. The form closes.
   */
  leaveEdit(): Record<string, unknown> | undefined {
    if (!this.editing) return undefined;
    if (this.fresh()) {
      this.keepEdit();
      return undefined;
    }
    this.editing = false;
    if (TaskItem.editingRow === this) TaskItem.editingRow = undefined;
    const { title, notes, due, typed } = this.form();
    if (!typed.title && !typed.notes && !typed.due) return undefined;
    const { status, completed, taskListID } = this.task;
    return { title, notes: notes || null, due: inputToDue(due), status, completed, taskListID };
  }

  cancel(): void {
    this.close();
  }

  /** The open form's Move up / Move down follow the task's place (it moved, or others did). */
  updateMoves(): void {
    const task = this.editing ? this.fresh() : undefined;
    const moves = task && this.moves?.(task);
    if (!moves) return;
    const focused = document.activeElement;
    this.el.find('.task-move[data-step="-1"]').prop("disabled", !moves.up);
    this.el.find('.task-move[data-step="1"]').prop("disabled", !moves.down);
    // The button pressed last took the task to the end and is off now: focus
    // goes to the other one, not to the page's body (no ring, Tab from the top).
    if (focused instanceof HTMLButtonElement && focused.disabled && this.el[0].contains(focused)) {
      const other = this.el.find(".task-move:not(:disabled)").first();
      (other.length ? other : this.el.find(".edit-title")).trigger("focus");
    }
  }

  /** "Move up" / "Move down": the form stays open (what was typed stays in it); the panel moves the task. */
  move(event: Event): void {
    const task = this.fresh();
    const step = Number((event.currentTarget as HTMLElement).dataset.step);
    if (task) this.trigger("move", task, step);
  }

  editKey(event: KeyboardEvent): void {
    if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      // In the notes field Enter makes a new line; Ctrl/Cmd+Enter saves.
      event.preventDefault();
      this.el.find(".task-edit").trigger("submit");
    }
  }

  remove(): void {
    const task = this.fresh();
    // Keep keyboard users in the list: focus moves to a neighbour.
    const neighbour = this.el.next(".task").add(this.el.prev(".task")).first().find(".task-open");
    // The panel deletes it, offering Undo.
    if (task) this.trigger("removed", neighbour, task);
  }

  retry(): void {
    const task = this.fresh();
    if (task) void this.atmos.retry(task as never);
  }

  /** Gives up a refused change: the task goes back to the server's version (the panel offers a new task back). */
  revert(): void {
    const task = this.fresh();
    if (task) this.trigger("revert", task);
  }

  private close(focus = true): void {
    this.editing = false;
    if (TaskItem.editingRow === this) TaskItem.editingRow = undefined;
    const latest = this.fresh();
    if (latest) this.task = latest;
    this.render();
    if (focus) this.el.find(".task-open").trigger("focus");
  }
}
