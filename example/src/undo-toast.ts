import Spine from "spine";
import type { Atmos } from "atmos2";
import { html } from "./html";
import { List } from "./list-model";
import { Task } from "./task-model";
import { typingIn } from "./typing-target";

/** How long a delete stays undoable (longer while the pointer or focus is on the toast). */
const OFFERED_MS = 10_000;

/**
 * "Task deleted · Undo" after a delete or Clear completed, as Google's own
 * apps offer. Undo saves the tasks again: atmos2 sends the delete, then a
 * create, so each task comes back on the server too, under the id the
 * server gives it. Offline, both wait in the outbox like any change.
 * Ctrl+Z (⌘Z) outside a field undoes too, while the toast is shown.
 * Other news with one action to take (conflict-notice.ts) is offered here
 * the same way; a newer offer replaces the one shown.
 */
export class UndoToast extends Spine.Controller {
  static events = {
    "click .undo": "undo",
    "click .undo-close": "hide",
    "mouseenter": "hold",
    "mouseleave": "letGo",
    "focusin": "hold",
    "focusout": "letGo",
  };
  /** What the toast's button does, while it is shown. */
  private action?: () => void;
  /** Whether Ctrl+Z takes the action too (an undo of a delete). */
  private byKeys = false;
  /** Whether the offer stays until dismissed or replaced. */
  private kept = false;
  /** The deletes the last delete offer undoes, each with its `restored`. */
  private deleted?: { batches: Array<{ kept: Record<string, unknown>[]; restored?: ((tasks: Task[]) => void) | undefined }>; what: string; action: () => void };
  /** Where the toast lives when no modal dialog is open (see showIn). */
  private home?: HTMLElement;
  /** Hides the offer; cleared while the pointer or focus is on the toast. */
  private timer?: ReturnType<typeof setTimeout>;
  /** Keeps room below the page for the toast while it shows, as tall as it is (it wraps on a phone). */
  private room = new ResizeObserver(([entry]) => {
    const height = entry?.target.isConnected ? (entry.target as HTMLElement).offsetHeight : 0;
    document.documentElement.style.setProperty("--toast-room", height ? `${height + 16}px` : "0px");
  });

  constructor(options: { el: unknown }) {
    super(options);
    document.addEventListener("keydown", (event) => {
      if (!this.byKeys || event.key.toLowerCase() !== "z" || !(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
      // A field's own undo (its typing) comes first.
      if (typingIn(event.target)) return;
      event.preventDefault();
      this.undo();
    });
  }

  /**
   * Deletes the tasks (sent when the server answers) and offers to bring them
   * back; `restored` hears of the tasks Undo saved again. A delete while an
   * earlier one is still offered joins it: Undo brings back both (two quick
   * taps on × delete the task and the one that slid under the finger; the
   * second offer replaced the first, which was then lost for good).
   */
  deleteTasks(tasks: Task[], what = "task", restored?: (tasks: Task[]) => void): void {
    if (!tasks.length) return;
    // The deleted tasks' attributes, as they were just before the delete.
    const kept = tasks.map((task) => task.attributes());
    for (const task of tasks) task.destroy({ remote: true });
    const earlier = this.deleted && this.offers(this.deleted.action) ? this.deleted : undefined;
    const batches = [...(earlier?.batches ?? []), { kept, restored }];
    const noun = !earlier || earlier.what === what ? what : "task";
    const count = batches.reduce((sum, batch) => sum + batch.kept.length, 0);
    const action = () => {
      for (const batch of batches) {
        const made = batch.kept.map((attrs) => new Task(attrs).save({ remote: true }) as Task);
        batch.restored?.(made);
      }
    };
    this.deleted = { batches, what: noun, action };
    this.offer(count === 1 ? `${capital(noun)} deleted` : `${count} ${noun}s deleted`, "Undo", action, true);
  }

  /**
   * Drops a record's unsent change (`atmos.revert`): it goes back to the
   * server's version. A record the server never had (a create it refused,
   * or one still waiting) has no such version and goes: it is offered back,
   * as it was, instead of vanishing for good; Undo saves it again, to be
   * sent as before.
   */
  async revert(atmos: Atmos, ref: { className: string; id: string }): Promise<void> {
    const model = ref.className === "List" ? List : ref.className === "Task" ? Task : undefined;
    const before = model?.exists(ref.id) ? model.find(ref.id)?.attributes() : undefined;
    await atmos.revert(ref);
    if (!model || !before || model.exists(ref.id)) return;
    this.offer(`${ref.className} discarded`, "Undo", () => void new model(before).save({ remote: true }), true);
  }

  /**
   * Shows `text`, with a button that runs `action` when there is one; `byKeys`:
   * Ctrl+Z (⌘Z) runs it too; `kept`: shown until dismissed or replaced (a choice
   * that is gone once the toast is), not for OFFERED_MS.
   */
  offer(text: string, label?: string, action?: () => void, byKeys = false, kept = false): void {
    this.action = action ?? (() => undefined);
    this.byKeys = byKeys;
    this.kept = kept;
    const keys = byKeys && html` aria-keyshortcuts="Control+Z Meta+Z"`;
    // Written into a live region that is always there (#undo-toast): one shown only now would not be read.
    this.html(html`<div class="undo-toast">
      <span class="undo-text">${text}</span>
      ${label ? html`<button type="button" class="undo"${keys}>${label}</button>` : ""}
      <button type="button" class="undo-close" aria-label="Dismiss"><span aria-hidden="true">×</span></button>
    </div>`.value);
    // The last task can then be scrolled up from under the toast.
    this.room.disconnect();
    this.room.observe(this.el.find(".undo-toast")[0]);
    this.schedule();
  }

  /** Whether the toast still offers `action` (shown, and not replaced by a newer offer). */
  offers(action: () => void): boolean {
    return this.action === action;
  }

  /**
   * The toast shows inside `modal` while it is open (the Sync panel, a modal
   * dialog: everything outside it is inert, the toast too, and it would be
   * drawn under it), and back in its place after.
   */
  showIn(modal: HTMLElement | undefined): void {
    const root = this.el[0] as HTMLElement;
    this.home ??= root.parentElement!;
    (modal ?? this.home).append(root);
  }

  undo(): void {
    const action = this.action;
    const focused = this.el[0].contains(document.activeElement);
    this.hide();
    action?.();
    // Focus was on the button, now gone: the panel takes it, not the page's
    // top, and the page stays where it was (the task comes back where the user looks).
    if (focused) (this.el[0].closest("dialog")?.querySelector("button") ?? document.getElementById("panel"))?.focus({ preventScroll: true });
  }

  hide(): void {
    clearTimeout(this.timer);
    this.action = undefined;
    this.byKeys = false;
    this.room.disconnect();
    document.documentElement.style.removeProperty("--toast-room");
    this.el.empty();
  }

  hold(): void {
    clearTimeout(this.timer);
  }

  letGo(event?: { relatedTarget?: EventTarget | null }): void {
    if (event?.relatedTarget instanceof Node && this.el[0].contains(event.relatedTarget)) return;
    if (this.action) this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.kept) return;
    this.timer = setTimeout(() => this.hide(), OFFERED_MS);
  }
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
