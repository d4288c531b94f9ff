import { TaskItem } from "./task-item";

/**
 * Where the user is among the task rows, taken before the rows are placed
 * again and given back after. A row repainted (its checkbox replaced) or
 * moved (completed, reopened, Move up) loses the focus; and the edit form the
 * user is working in must not move away on the screen.
 */
export class HeldPlace {
  private readonly focused = document.activeElement as HTMLElement | null;
  /** The row and control that have the focus. */
  private readonly row?: TaskItem;
  private readonly control?: string;
  /** If that row goes (Undo of a task the server refused to create), its neighbour takes the focus. */
  private readonly neighbour?: HTMLElement;
  /** Whether the focus was the keyboard's (a ring shown), not a tap's or a click's. */
  private readonly byKeys: boolean;
  /** The open edit form in use (it has the focus): where its top was on the screen. */
  private readonly form?: { el: HTMLElement; top: number };

  constructor(rows: Iterable<TaskItem>) {
    const focused = this.focused;
    this.byKeys = !!focused?.matches(":focus-visible");
    if (!focused) return;
    for (const item of rows) if (item.el[0].contains(focused)) this.row = item;
    this.control = this.row && [...focused.classList].find((name) => name.startsWith("task-"));
    const rowEl = this.row?.el[0] as HTMLElement | undefined;
    this.neighbour = [rowEl?.nextElementSibling, rowEl?.previousElementSibling].find((el) => el?.matches(".task")) as HTMLElement | undefined;
    const editing = TaskItem.editingRow?.el[0] as HTMLElement | undefined;
    if (editing?.contains(focused)) this.form = { el: editing, top: editing.getBoundingClientRect().top };
  }

  /**
   * The rows are placed: when the form in use moved (Move up, Move down, a
   * task added or gone above it), the page scrolls by as much, as far as it
   * can, so the form stays where it was and the next press of the same
   * button lands on the same task.
   */
  keepFormInView(): void {
    const form = this.form;
    const shift = form?.el.isConnected ? form.el.getBoundingClientRect().top - form.top : 0;
    if (Math.abs(shift) >= 1) window.scrollBy({ top: shift, behavior: "instant" });
  }

  /**
   * Gives the focus back, to the same control of the same task when the row
   * was repainted or moved (once the Completed section shows: a hidden
   * control takes no focus; a Move button turned off as the task reached
   * the end: the other one); when it went, or was hidden with its `section`
   * ("Clear completed" once nothing is completed), to the neighbouring task,
   * else, for the keyboard, to `fallback` (a text field: after a tap, it
   * would bring up a phone's keyboard).
   */
  giveBackFocus(rows: TaskItem[], section: HTMLElement, fallback: HTMLElement): void {
    const { focused, row, control, neighbour } = this;
    // Given back where it was, the page stays where the user scrolled it.
    if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus({ preventScroll: true });
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost && row && rows.includes(row)) {
      const rowEl = row.el[0] as HTMLElement;
      const same = control ? rowEl.querySelector<HTMLElement>(`.${control}:not(:disabled)`) : null;
      (same ?? rowEl.querySelector<HTMLElement>(".task-open, .edit-title"))?.focus({ preventScroll: true });
    }
    // Chrome keeps focus on a hidden element until the next frame.
    const active = document.activeElement as HTMLElement | null;
    const gone = !active || active === document.body || (focused && active === focused && !focused.checkVisibility());
    if (gone && focused && (row || section.contains(focused))) {
      const next = neighbour?.isConnected ? neighbour.querySelector<HTMLElement>(".task-open") : null;
      (next ?? (this.byKeys ? fallback : null))?.focus();
    }
  }
}
