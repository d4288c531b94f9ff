import Spine from "spine";
import type { Atmos } from "atmos2";
import type { AuthFlow } from "./auth-flow";
import type { RemoteSync } from "./remote-sync";
import { syncPanelHtml, type SyncSnapshot } from "./sync-panel-view";
import { patchHtml } from "./dom-patch";
import { OrphanTasks } from "./orphan-tasks";
import { Task } from "./task-model";
import type { UndoToast } from "./undo-toast";

/**
 * "A look inside sync": a dialog opened from the status pill, listing each
 * unsent change (from `atmos.outbox()`) with Retry and Undo, the live
 * connection and its last sequence number, and the time of the last pull.
 * Repainted from atmos events while open; closed, it costs nothing.
 */
export class SyncPanel extends Spine.Controller {
  static events = {
    "click .sync-close": "close",
    "click .sync-now": "syncNow",
    "click .send-all": "sendAll",
    "click .outbox-retry": "retry",
    "click .outbox-undo": "undo",
    "click .outbox-keep": "keep",
    click: "backdropClick",
    close: "closed",
  };
  declare atmos: Atmos;
  declare remote: RemoteSync;
  declare auth: AuthFlow;
  declare orphans: OrphanTasks;
  declare toast: UndoToast;
  /** Whether this mode connects to a live endpoint at all. */
  declare liveUsed: boolean;
  private painted = "";
  private liveError?: string;
  /** Where focus goes when the panel closes, looked up then: the pill repaints while the panel is open. */
  private opener?: () => HTMLElement | undefined;
  private ticker?: ReturnType<typeof setInterval>;
  /** What render() paints, inside the dialog. */
  private content: HTMLElement;

  constructor(options: { el: unknown; atmos: Atmos; remote: RemoteSync; auth: AuthFlow; orphans: OrphanTasks; toast: UndoToast; liveUsed: boolean }) {
    super(options);
    const render = () => this.render();
    const names = ["status", "online", "offline", "error", "live:connected", "live:disconnected", "live:change", "live:resync"] as const;
    for (const name of names) this.atmos.on(name, render);
    this.atmos.on("live:connected", () => (this.liveError = undefined));
    this.atmos.on("live:error", (event) => {
      this.liveError = (event as { error?: Error })?.error?.message;
      this.render();
    });
    this.remote.onChange(render);
    this.auth.onChange(render);
    // What render() paints goes in here: the toast (shown inside while the panel is open) is left alone.
    this.content = document.createElement("div");
    this.dialog.append(this.content);
  }

  private get dialog(): HTMLDialogElement {
    return this.el[0] as HTMLDialogElement;
  }

  get isOpen(): boolean {
    return this.dialog.open;
  }

  open(opener?: () => HTMLElement | undefined): void {
    if (this.isOpen) return;
    this.opener = opener;
    this.painted = "";
    this.render(true);
    this.dialog.showModal();
    this.toast.showIn(this.dialog);
    this.el.find(".sync-close").trigger("focus");
    // Keeps "2 min ago" true while the panel is open.
    this.ticker = setInterval(() => this.render(), 15_000);
  }

  close(): void {
    if (this.isOpen) this.dialog.close();
  }

  /** The dialog closed (button, Esc or backdrop): focus goes back to where it came from. */
  closed(): void {
    clearInterval(this.ticker);
    this.toast.showIn(undefined);
    this.opener?.()?.focus();
  }

  /** A click on the backdrop lands on the dialog element itself. */
  backdropClick(event: MouseEvent): void {
    if (event.target === this.dialog) this.close();
  }

  snapshot(): SyncSnapshot {
    const live = this.liveUsed ? this.atmos.live : undefined;
    return {
      status: this.atmos.status(),
      rows: this.atmos.outbox(),
      authNeeded: this.auth.current.needed,
      canSignIn: this.auth.current.canSignIn,
      pulling: this.remote.pulling,
      lastPullAt: this.remote.lastPullAt,
      lastPullError: this.remote.lastPullError,
      live: live ? { state: live.connectionState, seq: live.seq, error: this.liveError } : undefined,
      goneLists: this.goneLists(),
      now: Date.now(),
    };
  }

  render(force = false): void {
    if (!force && !this.isOpen) return;
    const markup = syncPanelHtml(this.snapshot()).value;
    if (markup === this.painted) return;
    this.painted = markup;
    // Repainting must not throw the keyboard user out: focus returns to the
    // same control, or (when its row is gone or its button disabled) to the
    // list's heading, which has a focus key of its own so that the next
    // repaint (Retry disables the button, then the row goes) keeps it there.
    const focused = document.activeElement as HTMLElement | null;
    const hadFocus = !!focused && focused !== this.dialog && this.dialog.contains(focused);
    const focusKey = hadFocus ? focused.dataset.focusKey : undefined;
    patchHtml(this.content, markup);
    if (!hadFocus) return;
    const again = focusKey ? (this.el.find(`[data-focus-key="${CSS.escape(focusKey)}"]`)[0] as HTMLElement | undefined) : undefined;
    if (again && !(again as HTMLButtonElement).disabled) again.focus();
    else this.el.find("#sync-outbox-title").trigger("focus");
  }

  syncNow(): void {
    // Unsent changes go first (skipping any back-off), then the pull.
    void this.atmos.push();
    void this.remote.pullAsked();
  }

  sendAll(): void {
    void this.atmos.push();
  }

  retry(event: Event): void {
    const ref = this.refOf(event);
    if (!ref) return;
    // retry() un-parks the change; push() sends it now instead of after the back-off.
    void this.atmos.retry(ref);
    void this.atmos.push();
  }

  /** Drops the change: the record goes back to the server's version (a new record goes, and is offered back). */
  undo(event: Event): void {
    const ref = this.refOf(event);
    if (ref) void this.toast.revert(this.atmos, ref);
  }

  /** Keeps the tasks that waited for a deleted list in a new list of its name (the row's and its siblings'). */
  keep(event: Event): void {
    const listId = (event.currentTarget as HTMLElement).dataset.list;
    if (listId) this.orphans.keep(listId);
  }

  private goneLists(): SyncSnapshot["goneLists"] {
    const gone: SyncSnapshot["goneLists"] = new Map();
    for (const task of Task.select<Task>((t) => OrphanTasks.orphaned(t))) gone.set(task.id, { listId: task.taskListID, name: this.orphans.nameOf(task.taskListID) });
    return gone;
  }

  private refOf(event: Event): { className: string; id: string } | undefined {
    const key = (event.currentTarget as HTMLElement).dataset.key ?? "";
    const colon = key.indexOf(":");
    return colon > 0 ? { className: key.slice(0, colon), id: key.slice(colon + 1) } : undefined;
  }
}
