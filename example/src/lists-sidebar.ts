import Spine from "spine";
import { patchHtml } from "./dom-patch";
import { draftOf, emptyField } from "./drafts";
import { html } from "./html";
import { findByRoot, rootOf } from "./record-root";
import { List } from "./list-model";
import { markOverflowEdges } from "./overflow-edges";
import type { RemoteSync } from "./remote-sync";
import { oncePerBurst } from "./once-per-burst";
import { syncMark } from "./sync-mark";
import { Task } from "./task-model";

/**
 * The sidebar: every task list with its count of open tasks, and a form to
 * make a new one. Selecting a list triggers "select" with the List.
 */
export class ListsSidebar extends Spine.Controller {
  static events = {
    "click .list-select": "clicked",
    "submit .new-list": "create",
    "keydown .new-list-title": "newListKey",
  };
  static elements = { ".lists": "listsEl", ".new-list-title": "newTitle" };
  declare listsEl: any;
  declare remote?: RemoteSync;
  declare newTitle: any;
  /** The selected list's Spine root (see record-root.ts). */
  private selectedRoot?: object;
  /** Where the selected list was in the sidebar when last drawn: its neighbour takes its place when it goes. */
  private selectedIndex = -1;
  /** Fades the ends of the row of chips (phone) where more lists are out of view. */
  private markEdges: () => void;

  constructor(options: { el: unknown; remote?: RemoteSync }) {
    super(options);
    this.markEdges = markOverflowEdges(this.listsEl[0]);
    this.newTitle.val(draftOf("new-list"));
    // One repaint for each burst of events (see once-per-burst.ts).
    const later = oncePerBurst(() => this.render());
    List.bind("refresh change syncState", later);
    // Counts of open tasks follow task changes.
    Task.bind("refresh change", later);
    this.remote?.onChange(later);
    this.render();
  }

  get selected(): List | undefined {
    return findByRoot<List>(List, this.selectedRoot);
  }

  /** Whether the selected list is gone (deleted here or elsewhere). */
  get selectionGone(): boolean {
    return this.selectedRoot !== undefined && !this.selected;
  }

  /** The list now where the gone selected one was (the next one, else the one before). */
  neighbourOfGone(): List | undefined {
    const lists = List.sorted();
    return this.selectedIndex < 0 ? undefined : lists[Math.min(this.selectedIndex, lists.length - 1)];
  }

  /** Selects a list (or none) and tells the app. */
  select(list: List | undefined): void {
    const root = list && rootOf(List, list);
    if (root === this.selectedRoot) return;
    this.selectedRoot = root;
    this.render();
    this.revealSelected();
    this.trigger("select", list);
  }

  /** On a phone the lists are a row of chips that scrolls sideways: bring the selected one into view. */
  private revealSelected(): void {
    const row = this.listsEl[0] as HTMLElement;
    const chip = row.querySelector<HTMLElement>(".is-selected");
    if (!chip || row.scrollWidth <= row.clientWidth) return;
    const box = row.getBoundingClientRect();
    const at = chip.getBoundingClientRect();
    // Clear of the faded ends: the row's scroll padding is as wide as they are.
    const margin = parseFloat(getComputedStyle(row).scrollPaddingLeft) || 8;
    if (at.left < box.left + margin) row.scrollLeft -= box.left + margin - at.left;
    else if (at.right > box.right - margin) row.scrollLeft += at.right - box.right + margin;
  }

  render(): void {
    // A repaint keeps a list's button, unless the lists moved or it took its
    // server id: then a keyboard user's focus follows its list (by its Spine
    // cid, which survives the list taking its server id).
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(".list-select");
    const refocus = focused && this.listsEl[0].contains(focused) ? focused.dataset : undefined;
    const lists = List.sorted();
    // Open tasks per list, counted in one pass over the tasks.
    const open = new Map<string, number>();
    for (const task of Task.ofAllLists()) if (!task.isDone) open.set(task.taskListID, (open.get(task.taskListID) ?? 0) + 1);
    const selectedId = this.selected?.id;
    if (selectedId !== undefined) this.selectedIndex = lists.findIndex((list) => list.id === selectedId);
    const items = lists.length
        ? lists.map((list) => {
            const count = open.get(list.id) ?? 0;
            const current = list.id === selectedId;
            return html`<li>
              <button type="button" class="list-select${current ? " is-selected" : ""}" data-id="${list.id}" data-cid="${list.cid}" ${current ? html`aria-current="true"` : ""}>
                <span class="list-name" dir="auto">${list.title || "Untitled list"}</span>
                ${syncMark(list.syncState())}
                <span class="list-count" aria-label="${count} open">${count || ""}</span>
              </button>
            </li>`;
          })
        : html`<li class="lists-empty">${this.remote?.loading ? "Loading your lists…" : "No lists yet"}</li>`;
    patchHtml(this.listsEl[0], html`${items}`.value);
    this.markEdges();
    if (refocus) (this.chipWhere((chip) => chip.cid === refocus.cid) ?? this.chipWhere((chip) => chip.id === refocus.id))?.focus({ preventScroll: true });
  }

  private chipWhere(test: (data: DOMStringMap) => boolean): HTMLElement | undefined {
    return [...(this.listsEl[0] as HTMLElement).querySelectorAll<HTMLElement>(".list-select")].find((chip) => test(chip.dataset));
  }

  /** Puts the keyboard focus on the selected list, or on "New list" when there is none. */
  focusSelected(): void {
    const id = this.selected?.id;
    const chip = id === undefined ? undefined : this.chipWhere((data) => data.id === id);
    if (chip) chip.focus();
    else this.focusNewList();
  }

  clicked(event: Event): void {
    const id = (event.currentTarget as HTMLElement).dataset.id!;
    if (List.exists(id)) this.select(List.find<List>(id));
  }

  create(event: Event): void {
    event.preventDefault();
    const title = String(this.newTitle.val()).trim();
    if (!title) return void this.newTitle.trigger("focus");
    const list = new List({ title, updated: new Date().toISOString() });
    list.save({ remote: true });
    emptyField(this.newTitle);
    this.select(List.find<List>(list.id));
  }

  newListKey(event: KeyboardEvent): void {
    // Esc empties the field; the focus stays (a blur would drop it on the page's body).
    if (event.key === "Escape") emptyField(this.newTitle);
  }

  /** Puts the cursor into the "New list" field. */
  focusNewList(): void {
    this.newTitle.trigger("focus");
  }
}
