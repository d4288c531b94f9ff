// First: Spine reads window.jQuery once, when it is loaded (see jquery-global.ts).
import jQuery from "./jquery-global";
import Spine from "spine";
import Atmos from "atmos2";
import { loadAppConfig, type AppConfig } from "./app-config";
import { trackAppBarHeight } from "./app-bar-height";
import { guardDoubleTaps } from "./double-tap-guard";
import { AuthFlow } from "./auth-flow";
import { FixedToken, GoogleTokens, type TokenSource } from "./google-auth";
import { html } from "./html";
import { List } from "./list-model";
import { ListsSidebar } from "./lists-sidebar";
import { connectLive } from "./live-connection";
import { OfflineBanner } from "./offline-banner";
import { showPageTitle } from "./page-title";
import { RemoteSync } from "./remote-sync";
import { endSession, SessionToken, sessionKey, startSession, storedToken } from "./session";
import { askForToken } from "./sign-in-form";
import { signInAgain } from "./sign-in-again";
import { StatusPill } from "./status-pill";
import { SyncPanel } from "./sync-panel";
import { configureTasksApi } from "./tasks-api-setup";
import { noticeConflicts } from "./conflict-notice";
import { OrphanTasks } from "./orphan-tasks";
import { TasksPanel } from "./tasks-panel";
import { typingIn } from "./typing-target";
import { UndoToast } from "./undo-toast";
import { noticeCutText } from "./cut-text-notice";
import { keepDrafts } from "./drafts";
import { TaskItem } from "./task-item";
import { Task } from "./task-model";

Spine.$ = jQuery;

const selectedKey = "tasks-example:selected-list";
/** Pull on focus at most this often; live updates (when on) make it rarer still. */
const pullIntervalMs = 60_000;

function tokenSource(config: AppConfig): TokenSource {
  // google mode with a client id: Google Identity Services' token flow.
  if (config.mode === "google" && config.googleClientId && !config.token) return new GoogleTokens(config.googleClientId);
  return new FixedToken(config.token);
}

/**
 * Sign-in mode (a server with accounts): the token typed in the sign-in
 * form, kept in this browser until "Sign out". Resolves at once when an
 * earlier sign-in left one.
 */
async function signedInToken(config: AppConfig): Promise<string> {
  const kept = storedToken();
  if (kept) return kept;
  // Only the form until then: no lists, and no keyboard hints for them.
  const hidden = [document.getElementById("app")!, document.querySelector<HTMLElement>(".app-foot")!];
  for (const el of hidden) el.hidden = true;
  const token = await askForToken(document.getElementById("sign-in")!, config.base);
  startSession(token);
  for (const el of hidden) el.hidden = false;
  return token;
}

/**
 * Forgets the token and this browser's copy of the person's data, then
 * reloads into the sign-in form (or into the session of `next`, a token
 * already checked). Unsent changes would be lost: ask first.
 */
async function signOut(atmos: Atmos, question = "Sign out?", next?: string): Promise<boolean> {
  const unsent = atmos.outbox().length;
  const loss = unsent ? ` ${unsent === 1 ? "1 change has" : `${unsent} changes have`} not reached the server and will be lost.` : "";
  if (unsent && !window.confirm(`${question}${loss}`)) return false;
  atmos.close();
  // close() writes what is still in memory: let that land before wiping.
  await atmos.metaContext.flush().catch(() => undefined);
  endSession();
  if (next) startSession(next);
  location.reload();
  return true;
}

function showFatal(message: string): void {
  jQuery("#app").html(html`<div class="fatal" role="alert"><h2>Tasks could not start</h2><p>${message}</p></div>`.value);
}

/**
 * Keeps the app's own files in this browser (sw.js), so that it opens with
 * no server or no network on the data atmos2 kept. Browsers offer service
 * workers only on https and localhost: elsewhere the page opens online only.
 */
function keepForOffline(): void {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").catch((error: Error) => console.warn(`Tasks will not open offline: ${error.message}`));
}

async function start(): Promise<void> {
  keepForOffline();
  trackAppBarHeight(document.querySelector<HTMLElement>(".app-bar")!);
  guardDoubleTaps(window);
  let config: AppConfig;
  try {
    config = await loadAppConfig();
  } catch (error) {
    return showFatal((error as Error).message);
  }

  // Signed in through the form just now: its button, which had the focus, is gone.
  const signingIn = config.signIn === true && !storedToken();
  const session = config.signIn ? await signedInToken(config) : undefined;
  const atmos = new Atmos();
  configureTasksApi(atmos, config.base);
  if (config.mode === "google") {
    // Google ignores Idempotency-Key and its CORS preflight need not allow
    // it; the bundled server honours it, and If-Match too.
    atmos.resourceClient.idempotencyHeader = null;
  } else {
    atmos.resourceClient.conditionalUpdates = true;
  }
  // A refused session token (revoked or changed on the server) cannot be
  // renewed here: "Sign in" asks for the new one (see sign-in-again.ts).
  const tokens = session ? new SessionToken(session, () => signInAgain(atmos, config.base, signOut)) : tokenSource(config);
  const auth = new AuthFlow(atmos, tokens);
  const remote = new RemoteSync();

  const toast = new UndoToast({ el: jQuery("#undo-toast") });
  const orphans = new OrphanTasks(atmos, toast);
  const syncPanel = new SyncPanel({ el: jQuery("#sync-panel"), atmos, remote, auth, orphans, toast, liveUsed: !!config.liveUrl });
  new StatusPill({ el: jQuery("#status"), words: document.getElementById("status-words")!, atmos, remote, auth, openPanel: (opener) => syncPanel.open(opener) });
  if (session) {
    const account = document.getElementById("account")!;
    account.hidden = false;
    account.querySelector(".sign-out")!.addEventListener("click", () => void signOut(atmos));
    // Signed out (or in as someone else) in another tab: this one follows.
    window.addEventListener("storage", (event) => {
      if ((event.key === sessionKey || event.key === null) && storedToken() !== session) location.reload();
    });
  }
  new OfflineBanner({ el: jQuery("#offline-banner"), atmos, auth });
  // Until the server's first answer, empty lists say "Loading" (in google mode, once signed in).
  if (!auth.current.needed) remote.expectPull();
  const sidebar = new ListsSidebar({ el: jQuery("#sidebar"), remote });
  const panel = new TasksPanel({ el: jQuery("#panel"), atmos, remote, undo: toast });
  noticeConflicts(atmos, toast);
  noticeCutText(document, toast);
  keepDrafts(document);
  // Leaving the page keeps what an open task form holds. A phone may drop a
  // hidden tab without a pagehide, so a hidden page saves it too.
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && TaskItem.editingRow?.saveTyped());
  window.addEventListener("pagehide", () => TaskItem.editingRow?.saveTyped());

  const remembered = () => {
    const id = localStorage.getItem(selectedKey);
    return (id && List.exists(id) ? List.find<List>(id) : undefined) ?? List.sorted()[0];
  };
  sidebar.bind("select", (list?: List) => {
    panel.show(list);
    showPageTitle(list);
    if (list) localStorage.setItem(selectedKey, list.id);
  });
  // The selected list was deleted (here or elsewhere): show another one. The
  // focus was in the panel that went with it: it goes to the list shown now
  // (or to "New list"), not to the page's body.
  const showAnother = () => {
    const gone = sidebar.selectionGone;
    sidebar.select((gone && sidebar.neighbourOfGone()) || remembered());
    if (gone && (!document.activeElement || document.activeElement === document.body)) sidebar.focusSelected();
  };
  panel.bind("gone", showAnother);
  List.bind("refresh change", () => {
    const selected = sidebar.selected;
    if (!selected) return showAnother();
    // Renamed here or elsewhere.
    showPageTitle(selected);
    // A new list took its server id: remember that one.
    localStorage.setItem(selectedKey, selected.id);
  });

  // Local data first: the app is usable before the server answers.
  await List.sync();
  await Task.sync();
  orphans.start();
  sidebar.select(remembered());

  // Then catch up with the server (in google mode, once signed in).
  const firstPull = auth.current.needed ? Promise.resolve() : remote.pullAll();
  // No list here or on the server: the first thing to do is make one. (Not
  // before the server said so: a new device of a person with lists would
  // open a phone's keyboard for nothing.)
  // After a sign-in, the focus goes to the person's list (it was on the
  // form's button, which is gone).
  void firstPull
    .catch(() => undefined)
    .then(() => {
      if (document.activeElement !== document.body && document.activeElement) return;
      if (List.count() === 0) sidebar.focusNewList();
      else if (signingIn) sidebar.focusSelected();
    });
  atmos.on("online", () => void remote.pullAll());
  auth.onChange((state) => {
    if (!state.needed) void remote.pullAll();
  });

  let live = false;
  // A live socket that drops and is not back within 3 s is the first sign
  // the server may be gone: a pull asks it, and the status pill says what
  // that finds (Offline, with the banner) instead of "Synced" while nothing
  // can reach the server. The socket back while the pill says Offline: ask again.
  let askTimer: ReturnType<typeof setTimeout> | undefined;
  // The first socket of this page: a pull after it catches what changed
  // between the first pull and the socket's start (a new device's socket
  // starts at the server's current number; connect() does not pull).
  let heardLive = false;
  atmos.on("live:connected", () => {
    live = true;
    clearTimeout(askTimer);
    if (!heardLive || !atmos.status().online) void remote.pullAll();
    heardLive = true;
  });
  atmos.on("live:disconnected", () => {
    live = false;
    clearTimeout(askTimer);
    askTimer = setTimeout(() => live || auth.current.needed || void remote.pullAll(), 3000);
  });
  connectLive(atmos, config.liveUrl, session ?? config.token, document.getElementById("live-badge")!);

  let lastPull = Date.now();
  const pullIfStale = () => {
    if (document.hidden || live || auth.current.needed || Date.now() - lastPull < pullIntervalMs / 4) return;
    lastPull = Date.now();
    void remote.pullAll();
  };
  window.addEventListener("focus", pullIfStale);
  document.addEventListener("visibilitychange", pullIfStale);
  setInterval(() => {
    lastPull = 0;
    pullIfStale();
  }, pullIntervalMs);

  // "N" anywhere outside a field starts a new task.
  document.addEventListener("keydown", (event) => {
    if (event.key.toLowerCase() !== "n" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(event.target) || syncPanel.isOpen) return;
    event.preventDefault();
    if (panel.list) panel.focusNewTask();
    else sidebar.focusNewList();
  });

  // For the e2e specs and curious developers: the running instance.
  (window as unknown as { tasksApp: unknown }).tasksApp = { atmos, List, Task, remote, syncPanel };
}

void start();
