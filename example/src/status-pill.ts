import Spine from "spine";
import type { Atmos, SyncStatus } from "atmos2";
import type { AuthFlow, AuthState } from "./auth-flow";
import { patchHtml } from "./dom-patch";
import { html, type SafeHtml } from "./html";
import { List } from "./list-model";
import { OrphanTasks } from "./orphan-tasks";
import type { RemoteSync } from "./remote-sync";
import { Task } from "./task-model";

export type PillKind = "synced" | "saving" | "syncing" | "stale" | "offline" | "failed" | "signin";

export interface PillView {
  kind: PillKind;
  text: string;
  /** The one action the pill offers in this state. */
  action?: { name: "retry" | "sign-in" | "sync-now" | "try-now"; label: string };
  title: string;
}

/** How long the pill says "Connecting…" at most, and how long "Still offline" after. */
const TRY_NOW_WAIT_MS = 10_000;
const STILL_OFFLINE_SHOWN_MS = 5_000;
/** How long "Connecting…" shows at least. */
const TRYING_SHOWN_MS = 800;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A "Try now" the user asked for: under way, or just over with the server still out of reach. */
export type TryNow = "trying" | "still-offline";

/**
 * What the pill says, decided from atmos2's status and the last pull. The
 * most urgent state wins: a sign-in problem, then failures, offline, saving,
 * pulling, a pull the server refused (a 429, a 500: the lists shown may be
 * missing what was made elsewhere, so never "Synced").
 */
export function pillView(status: SyncStatus, pulling: boolean, auth: AuthState, pullError?: string, tryNow?: TryNow): PillView {
  const waiting = Math.max(status.pending, status.inFlight);
  if (auth.needed) {
    if (auth.canSignIn && auth.failed) {
      return { kind: "signin", text: "Sign-in failed", action: { name: "sign-in", label: "Try again" }, title: `Could not sign in: ${auth.failed}` };
    }
    return auth.canSignIn
      ? { kind: "signin", text: "Signed out", action: { name: "sign-in", label: "Sign in" }, title: "Sign in again to sync your tasks" }
      : { kind: "signin", text: "Not authorized", title: "The server refused the token; check TASKS_TOKEN on the server" };
  }
  if (status.failed > 0) {
    return { kind: "failed", text: `${plural(status.failed, "change", "changes")} not saved`, action: { name: "retry", label: "Retry" }, title: "The server refused some changes; they are kept on this device" };
  }
  if (!status.online) {
    const title = "Changes are kept on this device and sent when you are back online";
    // The button answers at once, and says how it went: a tap that changed nothing on screen looked ignored.
    // ("Connecting…" fits a 360 px header whole; a longer text was cut short there.)
    if (tryNow === "trying") return { kind: "offline", text: "Connecting…", title };
    const text = `${tryNow === "still-offline" ? "Still offline" : "Offline"}${waiting ? ` · ${waiting} waiting` : ""}`;
    return { kind: "offline", text, action: { name: "try-now", label: "Try now" }, title };
  }
  if (waiting > 0) return { kind: "saving", text: `Saving ${waiting}…`, title: "Sending your changes" };
  if (pulling) return { kind: "syncing", text: "Syncing…", title: "Fetching changes from the server" };
  if (pullError) {
    return { kind: "stale", text: "Not up to date", action: { name: "sync-now", label: "Try again" }, title: `Could not fetch the server's changes (${pullError}); yours are saved` };
  }
  return { kind: "synced", text: "Synced", action: { name: "sync-now", label: "Sync now" }, title: "Everything is saved on the server" };
}

function pillHtml(view: PillView): SafeHtml {
  // The pill is a button: it opens the Sync panel (what is waiting, and why).
  // Its text may be cut short on a phone: the text's own title keeps it whole.
  return html`<button type="button" class="pill pill-${view.kind}" title="${view.title} · open the sync details" data-state="${view.kind}"
      aria-haspopup="dialog" aria-controls="sync-panel">
      <span class="pill-dot" aria-hidden="true"></span><span class="pill-text" title="${view.text}">${view.text}</span><span class="pill-caret" aria-hidden="true"></span>
    </button>${view.action ? html`<button type="button" class="pill-action" data-action="${view.action.name}">${view.action.label}</button>` : ""}`;
}

/** The sync status pill in the header, driven by atmos `status` events. */
export class StatusPill extends Spine.Controller {
  static events = { "click .pill-action": "act", "click .pill": "details" };
  declare atmos: Atmos;
  declare remote: RemoteSync;
  declare auth: AuthFlow;
  /**
   * A live region (`role="status"`) outside the pill: it gets the pill's words
   * only when they change. The pill itself was the region once, so every
   * repaint was read out with its buttons ("Synced Sync now").
   */
  declare words: HTMLElement;
  /** Opens the Sync panel; focus comes back to what `opener` finds when it closes. */
  declare openPanel: (opener: () => HTMLElement | undefined) => void;
  private lastHtml = "";
  private tryNow: TryNow | undefined;
  private tryNowTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: { el: unknown; words: HTMLElement; atmos: Atmos; remote: RemoteSync; auth: AuthFlow; openPanel: (opener: () => HTMLElement | undefined) => void }) {
    super(options);
    const render = () => this.render();
    this.atmos.on("status", render);
    this.atmos.on("online", render);
    this.atmos.on("offline", render);
    this.remote.onChange(render);
    this.auth.onChange(render);
    this.render();
  }

  render(): void {
    const view = pillView(this.atmos.status(), this.remote.pulling, this.auth.current, this.remote.lastPullError, this.tryNow);
    if (this.words.textContent !== view.text) this.words.textContent = view.text;
    const markup = pillHtml(view).value;
    // Re-rendering an unchanged pill would steal focus from its button.
    if (markup === this.lastHtml) return;
    this.lastHtml = markup;
    const hadFocus = this.el[0].contains(document.activeElement);
    patchHtml(this.el[0], markup);
    // A keyboard user on the pill stays on it when its state changes.
    if (hadFocus) this.el.find(".pill").trigger("focus");
  }

  details(): void {
    // Looked up when the panel closes: a repaint meanwhile may replace the button.
    this.openPanel(() => this.el.find(".pill")[0]);
  }

  act(event: Event): void {
    const name = (event.currentTarget as HTMLElement).dataset.action;
    if (name === "retry") void this.retry();
    if (name === "sync-now") void this.remote.pullAsked();
    if (name === "try-now") void this.tryAgain();
    if (name === "sign-in") {
      // A failure is shown by the pill (the auth state says why).
      this.auth.signIn().then(
        () => this.remote.pullAll(),
        () => undefined,
      );
    }
  }

  /**
   * Skips the retry back-off: the user says the connection is back. The pill
   * says it is trying, then, if the server is still out of reach, "Still
   * offline" for a few seconds.
   */
  private async tryAgain(): Promise<void> {
    clearTimeout(this.tryNowTimer);
    this.setTryNow("trying");
    // A request the network holds ends with its own timeout; the pill does not wait for it longer than this.
    const cap = new Promise((resolve) => setTimeout(resolve, TRY_NOW_WAIT_MS));
    // Shown long enough to be read: a network that fails at once ended it within 20 ms, too fast to see.
    const seen = new Promise((resolve) => setTimeout(resolve, TRYING_SHOWN_MS));
    await Promise.all([Promise.race([Promise.allSettled([this.atmos.push(), this.remote.pullAll()]), cap]), seen]);
    if (this.atmos.status().online) return this.setTryNow(undefined);
    this.setTryNow("still-offline");
    this.tryNowTimer = setTimeout(() => this.setTryNow(undefined), STILL_OFFLINE_SHOWN_MS);
  }

  private setTryNow(state: TryNow | undefined): void {
    this.tryNow = state;
    this.render();
  }

  /** Sends every parked change again. */
  private async retry(): Promise<void> {
    const failed = [...List.all<List>(), ...Task.all<Task>()].filter((r) => r.syncState() === "failed");
    // A task whose list another device deleted is refused however often it
    // is sent: the Sync panel offers to keep it in a new list (or drop it).
    if (failed.some((record) => record instanceof Task && OrphanTasks.orphaned(record))) this.details();
    await Promise.all(failed.map((record) => this.atmos.retry(record as never)));
    await this.atmos.push();
  }
}
