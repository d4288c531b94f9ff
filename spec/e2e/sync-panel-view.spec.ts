import { expect } from "chai";
import type { OutboxRow } from "../../lib";
import { ago, describeRow, reasonOf, syncPanelHtml, type SyncSnapshot } from "../../example/src/sync-panel-view";

/** The Sync panel's wording, decided from plain data (the panel itself: sync-panel.spec.ts). */
describe("Sync panel view (pure)", () => {
  const row = (over: Partial<OutboxRow>): OutboxRow => ({ model: "Task", id: "t1", attrs: { title: "Milk" }, action: "update", queued: 1, attempts: 0, state: "waiting", seq: 1, ...over });

  const reasons: Array<[string, string]> = [
    ["Task PUT /tasks/v1/lists/a/tasks/b answered 400: Invalid task", "Invalid task"],
    ["List POST /tasks/v1/users/@me/lists failed: Failed to fetch", "Failed to fetch"],
    ["Task GET /x answered 502 with malformed JSON (cut); fix the server", "malformed JSON (cut); fix the server"],
    ["atmos2: storage is full", "atmos2: storage is full"],
  ];
  for (const [message, reason] of reasons) {
    it(`keeps the reason of "${message.slice(0, 40)}…"`, () => expect(reasonOf(message)).to.equal(reason));
  }

  const ages: Array<[number, string]> = [[0, "just now"], [9_000, "just now"], [42_000, "42 s ago"], [5 * 60_000, "5 min ago"], [3 * 3_600_000, "3 h ago"]];
  for (const [ms, text] of ages) it(`says ${text} after ${ms} ms`, () => expect(ago(1_000_000_000, 1_000_000_000 + ms)).to.equal(text));

  it("describes a parked change with its refusal, and counts attempts in words", () => {
    const d = describeRow(row({ state: "parked", attempts: 1, lastError: { status: 422, message: "Task PUT /t answered 422: title is too long", at: 0 } }), 0);
    expect(d).to.include({ title: "Milk", attempts: "1 attempt", error: "HTTP 422: title is too long" });
    expect(d.state).to.match(/^Refused by the server/);
    expect(describeRow(row({ attempts: 0 }), 0).attempts).to.equal("not tried yet");
    expect(describeRow(row({ attempts: 3, lastError: { status: 0, message: "Task POST /t failed: offline", at: 0 } }), 0)).to.include({ attempts: "3 attempts", error: "No connection: offline" });
  });

  it("names an untitled record by its model", () => {
    expect(describeRow(row({ model: "List", attrs: {} }), 0).title).to.equal("Untitled list");
    expect(describeRow(row({ attrs: { title: "  " } }), 0).title).to.equal("Untitled task");
  });

  it("escapes titles and errors typed by people or sent by servers", () => {
    const snapshot: SyncSnapshot = {
      status: { pending: 1, inFlight: 0, failed: 0, online: true },
      rows: [row({ attrs: { title: "<img src=x onerror=alert(1)>" }, lastError: { status: 400, message: "<b>bad</b>", at: 0 } })],
      authNeeded: false,
      pulling: false,
      now: 0,
    };
    const markup = syncPanelHtml(snapshot).value;
    expect(markup).not.to.contain("<img");
    expect(markup).not.to.contain("<b>");
    expect(markup).to.contain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("says when live updates are not used, and shows the highest sequence number per channel", () => {
    const base: SyncSnapshot = { status: { pending: 0, inFlight: 0, failed: 0, online: true }, rows: [], authNeeded: false, pulling: false, now: 0 };
    expect(syncPanelHtml(base).value).to.contain("Not used in this mode");
    const live = syncPanelHtml({ ...base, live: { state: "connected", seq: { "user:alice": 41, "user:team": 7 } } }).value;
    expect(live).to.match(/data-fact="seq" title="user:alice: 41, user:team: 7">41</);
    expect(syncPanelHtml({ ...base, live: { state: "idle", seq: {}, error: "bad token" } }).value).to.contain("Off: bad token");
  });

  it("shows a change waiting for the network as waiting, not in the red of a refusal (found from outside: offline looked like a failure)", () => {
    const base: SyncSnapshot = { status: { pending: 2, inFlight: 0, failed: 0, online: false }, rows: [], authNeeded: false, pulling: false, now: 0 };
    const waiting = row({ attempts: 3, lastError: { status: 0, message: "Task POST /t failed: Failed to fetch", at: 0 } });
    const refused = row({ id: "t2", state: "parked", attempts: 1, lastError: { status: 422, message: "Task PUT /t answered 422: title is too long", at: 0 } });
    const markup = syncPanelHtml({ ...base, rows: [waiting, refused] }).value;
    expect(markup).to.match(/<p class="outbox-error" data-kind="connection"[^>]*>Last try: No connection: Failed to fetch/);
    expect(markup).to.match(/<p class="outbox-error" data-kind="refused"[^>]*>Last error: HTTP 422: title is too long/);
  });

  it("does not say live updates are connected while the app is offline, as the header's badge does not (found from outside)", () => {
    const offline: SyncSnapshot = { status: { pending: 1, inFlight: 0, failed: 0, online: false }, rows: [], authNeeded: false, pulling: false, now: 0 };
    const markup = syncPanelHtml({ ...offline, live: { state: "connected", seq: {} } }).value;
    expect(markup).to.match(/data-fact="live" data-live-state="connected"><span class="fact-dot" data-tone="warn"><\/span>Paused while offline</);
    expect(markup).not.to.contain(">Connected<");
  });

  it("says in a person's words that a task's list was deleted elsewhere, and offers Keep (found by a new user: the panel showed the library's developer message)", () => {
    const base: SyncSnapshot = { status: { pending: 1, inFlight: 0, failed: 1, online: true }, rows: [], authNeeded: false, pulling: false, now: 0 };
    const orphan = row({ id: "t9", state: "parked", attempts: 1, lastError: { status: 404, message: "Task POST /lists/L1/tasks answered 404: list not found; atmos.revert(record) removes it here", at: 0 } });
    const markup = syncPanelHtml({ ...base, rows: [orphan], goneLists: new Map([["t9", { listId: "L1", name: "Shopping" }]]) }).value;
    expect(markup).to.contain("Last error: Its list “Shopping” was deleted on another device before this task reached the server. Keep saves it in a new list; Undo drops it");
    expect(markup).not.to.contain("atmos.revert");
    expect(markup).to.match(/<button type="button" class="outbox-keep" data-list="L1"[^>]*>Keep<\/button>/);
    // Retry cannot succeed while the list is gone: Keep takes its place.
    expect(markup).not.to.contain("outbox-retry");
    // Not for a task whose list is here: the server's reason, and no Keep.
    const plain = syncPanelHtml({ ...base, rows: [orphan] }).value;
    expect(plain).to.contain("HTTP 404: list not found");
    expect(plain).not.to.contain("outbox-keep");
  });
});
