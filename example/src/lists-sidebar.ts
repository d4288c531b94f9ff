import Spine from "spine";
import { html } from "./html";
import { List } from "./list-model";
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
  declare newTitle: any;
  /** The client id of the selected list: it survives a server-assigned id. */
  private selectedCid?: string;

  constructor(options: { el: unknown }) {
    super(options);
    const render = () => this.render();
    List.bind("refresh change syncState", render);
    // Counts of open tasks follow task changes.
    Task.bind("refresh change", render);
    this.render();
  }

  get selected(): List | undefined {
    return this.selectedCid && List.exists(this.selectedCid) ? List.find<List>(this.selectedCid) : undefined;
  }

  /** Selects a list (or none) and tells the app. */
  select(list: List | undefined): void {
    const cid = list?.cid;
    if (cid === this.selectedCid) return;
    this.selectedCid = cid;
    this.render();
    this.trigger("select", list);
  }

  render(): void {
    const lists = List.sorted();
    const selectedId = this.selected?.id;
    const items = lists.length
        ? lists.map((list) => {
            const open = Task.ofList(list.id).filter((t) => !t.isDone).length;
            const current = list.id === selectedId;
            return html`<li>
              <button type="button" class="list-select${current ? " is-selected" : ""}" data-cid="${list.cid}" ${current ? html`aria-current="true"` : ""}>
                <span class="list-name">${list.title || "Untitled list"}</span>
                ${syncMark(list.syncState())}
                <span class="list-count" aria-label="${open} open">${open || ""}</span>
              </button>
            </li>`;
          })
        : html`<li class="lists-empty">No lists yet</li>`;
    this.listsEl.html(html`${items}`.value);
  }

  clicked(event: Event): void {
    const cid = (event.currentTarget as HTMLElement).dataset.cid!;
    if (List.exists(cid)) this.select(List.find<List>(cid));
  }

  create(event: Event): void {
    event.preventDefault();
    const title = String(this.newTitle.val()).trim();
    if (!title) return void this.newTitle.trigger("focus");
    const list = new List({ title, updated: new Date().toISOString() });
    list.save({ remote: true });
    this.newTitle.val("");
    this.select(List.find<List>(list.cid));
  }

  newListKey(event: KeyboardEvent): void {
    if (event.key === "Escape") {
      this.newTitle.val("");
      this.newTitle.trigger("blur");
    }
  }

  /** Puts the cursor into the "New list" field. */
  focusNewList(): void {
    this.newTitle.trigger("focus");
  }
}
