import type { LiveConnectionState, OutboxRow, SyncStatus } from "atmos2";
import { html, type SafeHtml } from "./html";

/** Everything the Sync panel shows, read at one moment. */
export interface SyncSnapshot {
  status: SyncStatus;
  rows: OutboxRow[];
  /** The server refused the token (a 401): sending waits for a new one. */
  authNeeded: boolean;
  /** Whether this page can ask for a new token (sign-in); false where one token is set on the server. */
  canSignIn?: boolean;
  pulling: boolean;
  lastPullAt?: number;
  lastPullError?: string;
  /** Undefined when this mode has no live endpoint. */
  live?: { state: LiveConnectionState; seq: Record<string, number>; error?: string };
  /** Tasks (by id) waiting for a list another device deleted, with the name that list had (see orphan-tasks.ts). */
  goneLists?: Map<string, { listId: string; name?: string }>;
  now: number;
}

/** "just now", "40 s ago", "5 min ago", "3 h ago", else the date. */
export function ago(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 10) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(at).toLocaleDateString();
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

const stateText: Record<OutboxRow["state"], string> = {
  sending: "Sending…",
  waiting: "Waiting to be sent",
  held: "Saved here, not sent yet",
  parked: "Refused by the server: kept on this device",
};

/**
 * atmos2's messages start with the request ("Task PUT /tasks/v1/… answered
 * 400: …"); a person needs the reason, so the request is left to the tooltip.
 */
export function reasonOf(message: string): string {
  return message.replace(/^\S+ (GET|POST|PUT|PATCH|DELETE) \S+ (answered \d+( with)?:?|failed:) ?/, "") || message;
}

/** What the panel says about one unsent change. Pure. */
export function describeRow(row: OutboxRow, now: number, goneList?: { name?: string }): { title: string; state: string; attempts: string; error?: string; detail?: string } {
  const title = String(row.attrs.title ?? "").trim() || (row.model === "List" ? "Untitled list" : "Untitled task");
  const attempts = row.attempts === 0 ? "not tried yet" : row.attempts === 1 ? "1 attempt" : `${row.attempts} attempts`;
  let error: string | undefined;
  if (row.lastError) {
    const what = row.lastError.status === 0 ? "No connection" : `HTTP ${row.lastError.status}`;
    const when = row.lastError.at ? ` (${clock(row.lastError.at)}, ${ago(row.lastError.at, now)})` : "";
    error = `${what}: ${reasonOf(row.lastError.message)}${when}`;
  }
  // The server's words say "not found"; what happened, in a person's words.
  if (goneList) error = `Its list${goneList.name ? ` “${goneList.name}”` : ""} was deleted on another device before this task reached the server. Keep saves it in a new list; Undo drops it`;
  return { title, state: stateText[row.state], attempts, error, detail: goneList ? undefined : row.lastError?.message };
}

function serverFact(s: SyncSnapshot): { tone: string; text: string } {
  if (s.authNeeded) return { tone: "bad", text: s.canSignIn === false ? "Token refused: the server's TASKS_TOKEN must match this page's" : "Token refused: sign in again to send changes" };
  if (!s.status.online) return { tone: "warn", text: "Offline: changes wait on this device" };
  if (s.status.inFlight > 0) return { tone: "ok", text: `Online · sending ${s.status.inFlight}` };
  return { tone: "ok", text: "Online" };
}

const liveText: Record<LiveConnectionState, string> = {
  connected: "Connected",
  opening: "Connecting…",
  authenticating: "Connecting…",
  waiting: "Reconnecting…",
  idle: "Off",
};

function liveFacts(s: SyncSnapshot): SafeHtml {
  if (!s.live) return html`<div><dt>Live updates</dt><dd data-fact="live"><span class="fact-dot" data-tone="idle"></span>Not used in this mode</dd></div>`;
  const { state, seq, error } = s.live;
  // Offline, a socket may look open for a while yet carry nothing (the header's badge says so too).
  const paused = state === "connected" && !s.status.online;
  const tone = state === "connected" && !paused ? "ok" : state === "idle" ? "bad" : "warn";
  const text = paused ? "Paused while offline" : state === "idle" && error ? `Off: ${error}` : liveText[state];
  const channels = Object.entries(seq);
  const last = channels.length ? String(Math.max(...channels.map(([, n]) => n))) : "none yet";
  const where = channels.map(([channel, n]) => `${channel}: ${n}`).join(", ");
  return html`
    <div><dt>Live updates</dt><dd data-fact="live" data-live-state="${state}"><span class="fact-dot" data-tone="${tone}"></span>${text}</dd></div>
    <div><dt>Last sequence no.</dt><dd data-fact="seq" title="${where}">${last}</dd></div>`;
}

function pullFact(s: SyncSnapshot): string {
  if (s.pulling) return "Pulling now…";
  const when = s.lastPullAt ? `${clock(s.lastPullAt)} (${ago(s.lastPullAt, s.now)})` : "Not yet";
  return s.lastPullError ? `${when}; the last try failed: ${s.lastPullError}` : when;
}

/** Why the last try failed: a refusal in red; no connection (the change simply waits) in quiet words. */
function errorLine(row: OutboxRow, d: ReturnType<typeof describeRow>): SafeHtml {
  const connection = row.lastError?.status === 0;
  return html`<p class="outbox-error" data-kind="${connection ? "connection" : "refused"}" title="${d.detail}">${connection ? "Last try" : "Last error"}: ${d.error}</p>`;
}

function rowHtml(row: OutboxRow, now: number, goneLists: SyncSnapshot["goneLists"]): SafeHtml {
  const gone = row.model === "Task" ? goneLists?.get(row.id) : undefined;
  const d = describeRow(row, now, gone);
  const key = `${row.model}:${row.id}`;
  const what = `${row.action} of ${row.model.toLowerCase()} ${d.title}`;
  return html`
    <li class="outbox-row" data-state="${row.state}" data-model="${row.model}" data-id="${row.id}">
      <div class="outbox-line">
        <span class="outbox-model">${row.model}</span>
        <span class="outbox-title">${d.title}</span>
        <span class="outbox-action" data-action="${row.action}">${row.action}</span>
      </div>
      <p class="outbox-meta"><span class="outbox-state">${d.state}</span> · <span class="outbox-attempts">${d.attempts}</span>${row.queued > 1 ? html` · ${row.queued - 1} more queued` : ""}</p>
      ${d.error ? errorLine(row, d) : ""}
      <div class="outbox-buttons">
        ${gone ? html`<button type="button" class="outbox-keep" data-list="${gone.listId}" data-focus-key="keep:${key}" aria-label="Keep ${d.title} in a new list">Keep</button>` : ""}
        ${gone ? "" : html`<button type="button" class="outbox-retry" data-key="${key}" data-focus-key="retry:${key}" aria-label="Retry ${what}" ${row.state === "sending" ? html`disabled` : ""}>Retry</button>`}
        <button type="button" class="outbox-undo btn-quiet" data-key="${key}" data-focus-key="undo:${key}" aria-label="Undo ${what}" title="Drop this change and keep the server's version">Undo</button>
      </div>
    </li>`;
}

/** The panel's whole content. Pure: the same snapshot gives the same markup. */
export function syncPanelHtml(s: SyncSnapshot): SafeHtml {
  const server = serverFact(s);
  const count = s.rows.length;
  // One wrapper fills the dialog, so a click that lands on the dialog itself is a backdrop click.
  return html`<div class="sync-body">
    <div class="sync-head">
      <h2 id="sync-panel-title">Sync</h2>
      <button type="button" class="sync-close btn-quiet" data-focus-key="close" aria-label="Close the sync panel"><span aria-hidden="true">×</span></button>
    </div>
    <section class="sync-section" aria-labelledby="sync-connection-title">
      <h3 id="sync-connection-title" class="sync-section-title">Connection</h3>
      <dl class="sync-facts">
        <div><dt>Server</dt><dd data-fact="server"><span class="fact-dot" data-tone="${server.tone}"></span>${server.text}</dd></div>
        ${liveFacts(s)}
        <div><dt>Last pull</dt><dd data-fact="pull">${pullFact(s)}</dd></div>
      </dl>
      <div class="sync-actions">
        <button type="button" class="sync-now btn-primary" data-focus-key="sync-now" ${s.pulling ? html`disabled` : ""}>Sync now</button>
        ${count ? html`<button type="button" class="send-all btn-quiet" data-focus-key="send-all">Send all now</button>` : ""}
      </div>
    </section>
    <section class="sync-section" aria-labelledby="sync-outbox-title">
      <h3 id="sync-outbox-title" class="sync-section-title" tabindex="-1" data-focus-key="outbox-title">Unsent changes <span class="outbox-count">(${count})</span></h3>
      ${count
        ? html`<ul class="outbox">${s.rows.map((row) => rowHtml(row, s.now, s.goneLists))}</ul>`
        : html`<p class="outbox-empty">Nothing is waiting: every change is on the server.</p>`}
    </section>
  </div>`;
}
