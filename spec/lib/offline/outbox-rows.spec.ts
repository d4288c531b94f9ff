import { expect } from "chai";
import { ManualConnectivity } from "../../../lib";
import { outboxRows } from "../../../lib/sync/outbox-rows";
import type { RecordEntry } from "../../../lib/store/record-entry";
import { FakeClock, settle } from "../../fakes/fake-clock";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { nextEvent, openPage, storedEntry, type OfflinePage } from "./offline-page";

/** Issue 13, "a look inside sync": `atmos.outbox()` lists each unsent change and why it waits. */
describe("atmos.outbox(): the unsent changes, with attempts and the last error", () => {
  let rails: RailsScaffoldServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let clock: FakeClock;
  let network: Fault | undefined;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    proxy = await startFaultProxy(rails.url, () => network);
    network = undefined;
    clock = new FakeClock();
    page = openPage({ base: proxy.url, clock, connectivity: new ManualConnectivity() });
  });
  afterEach(async () => {
    page.close();
    await proxy.close();
    await rails.close();
  });

  async function syncedTodo(title: string): Promise<Todo> {
    new Todo({ title }).save({ remote: true });
    await page.atmos.whenSynced();
    return Todo.findByAttribute("title", title) as Todo;
  }

  /** A synced todo whose update to "a refused title" the server refused with 422: parked. */
  async function parkedUpdate(): Promise<Todo> {
    const todo = await syncedTodo("on the server");
    rails.failNext(422, { title: ["is too long"] });
    const refused = nextEvent(page.atmos, "error");
    todo.updateAttributes({ title: "a refused title" }, { remote: true });
    await refused;
    await page.atmos.whenSynced();
    return todo;
  }

  it("is empty when everything reached the server", async () => {
    await syncedTodo("done");
    expect(page.atmos.outbox()).to.deep.equal([]);
  });

  it("lists a create the network dropped as waiting, with one attempt and the network error; after the retry it is gone", async () => {
    network = "drop-request";
    const failed = nextEvent(page.atmos, "error");
    const todo = new Todo({ title: "offline todo" });
    todo.save({ remote: true });
    await failed;
    await settle();

    const [row, ...rest] = page.atmos.outbox();
    expect(rest).to.deep.equal([]);
    expect(row).to.include({ model: "Todo", id: todo.id, action: "create", queued: 1, attempts: 1, state: "waiting" });
    expect(row.attrs).to.include({ title: "offline todo" });
    expect(row.lastError).to.include({ status: 0 });
    expect(row.lastError!.message).to.be.a("string").and.not.equal("");
    expect(row.lastError!.at).to.equal(clock.now());
    // Kept with the change, so a reload still knows why it waits.
    expect(storedEntry(page.storage, "Todo", todo.id).queue[0]).to.include({ attempts: 1 });

    network = "drop-request";
    const again = nextEvent(page.atmos, "error");
    await clock.advance(1000);
    await again;
    await settle();
    expect(page.atmos.outbox()[0]).to.include({ attempts: 2, state: "waiting" });

    network = undefined;
    await clock.advance(5000);
    await page.atmos.whenSynced();
    expect(page.atmos.outbox()).to.deep.equal([]);
  });

  it("lists a refused update as parked with the server's message; retry() with the row's model and id sends it", async () => {
    const todo = await parkedUpdate();

    const [row] = page.atmos.outbox();
    expect(row).to.include({ model: "Todo", id: todo.id, action: "update", attempts: 1, state: "parked" });
    expect(row.lastError).to.include({ status: 422 });
    expect(row.lastError!.message).to.match(/title is too long/);

    await page.atmos.retry({ className: row.model, id: row.id });
    await page.atmos.whenSynced();
    expect(page.atmos.outbox()).to.deep.equal([]);
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["a refused title"]);
  });

  // Found by a new user: retry(row), retry({ className: "Tsak", id }) and retry(row.id)
  // resolved and did nothing; the change stayed parked without a word.
  it("retry(row) takes an outbox row as it is, and a wrong argument rejects naming what to pass", async () => {
    await parkedUpdate();
    const [row] = page.atmos.outbox();

    const rejection = (promise: Promise<unknown>) => promise.then(() => "resolved", (error: Error) => error.message);
    expect(await rejection(page.atmos.retry(row.id as never))).to.equal(`atmos2: atmos.retry(record) must be the Spine record, { className, id } or a row of atmos.outbox(), got "${row.id}"`);
    expect(await rejection(page.atmos.revert(undefined as never))).to.equal("atmos2: atmos.revert(record) must be the Spine record, { className, id } or a row of atmos.outbox(), got undefined");
    expect(await rejection(page.atmos.retry({ className: "Tdoo", id: row.id }))).to.match(/^atmos2: atmos\.retry\(record\): "Tdoo" is not a model extended with Spine\.Model\.Atmosphere \(the models are .*"Todo"/);
    expect(page.atmos.outbox().map((r) => r.state), "still parked").to.deep.equal(["parked"]);

    await page.atmos.retry(row);
    await page.atmos.whenSynced();
    expect(page.atmos.outbox()).to.deep.equal([]);
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["a refused title"]);
  });

  it("retry(record) takes a Spine record by its class, also when it carries a field named model (a car's)", async () => {
    const todo = await parkedUpdate();
    (todo as unknown as { model: string }).model = "Corolla";

    await page.atmos.retry(todo);
    await page.atmos.whenSynced();
    expect(page.atmos.outbox()).to.deep.equal([]);
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["a refused title"]);
  });

  it("lists a delete and a held save, oldest first, and a change in flight as sending", async () => {
    const gone = await syncedTodo("to delete");
    gone.destroy({ remote: true });
    const held = new Todo({ title: "saved locally" });
    held.save();
    expect(page.atmos.outbox().map((r) => [r.attrs.title, r.action, r.state, r.attempts])).to.deep.equal([
      ["to delete", "delete", "waiting", 0],
      ["saved locally", "create", "held", 0],
    ]);
    // What the view shows while the requests are under way.
    const seen: string[] = [];
    page.atmos.on("status", (status) => {
      if (status.inFlight > 0) seen.push(...page.atmos.outbox().map((r) => `${r.attrs.title}: ${r.state} ${r.attempts}`));
    });
    await page.atmos.push();
    expect(seen).to.include("to delete: sending 1");
    expect(page.atmos.outbox()).to.deep.equal([]);
  });

  it("returns copies: changing a row changes nothing queued", async () => {
    network = "drop-request";
    const failed = nextEvent(page.atmos, "error");
    new Todo({ title: "original" }).save({ remote: true });
    await failed;
    const row = page.atmos.outbox()[0];
    row.attrs.title = "tampered";
    row.lastError!.status = 999;
    expect(page.atmos.outbox()[0].attrs.title).to.equal("original");
    expect(page.atmos.outbox()[0].lastError!.status).to.equal(0);
  });
});

describe("outboxRows (pure)", () => {
  const entry = (over: Partial<RecordEntry>): RecordEntry => ({ className: "Task", id: "t1", attrs: { id: "t1", title: "x" }, acked: false, queue: [], ...over });
  const cases: Array<[string, RecordEntry, boolean, Partial<ReturnType<typeof outboxRows>[number]> | undefined]> = [
    ["no queue: no row", entry({ acked: true }), false, undefined],
    ["unacked update op: sent as a create", entry({ queue: [{ kind: "update", seq: 3, key: "k" }] }), false, { action: "create", state: "waiting", attempts: 0 }],
    ["acked update", entry({ acked: true, queue: [{ kind: "update", seq: 3, key: "k", attempts: 2 }] }), false, { action: "update", attempts: 2 }],
    ["destroy", entry({ acked: true, deleted: true, queue: [{ kind: "destroy", seq: 3, key: "k" }] }), false, { action: "delete" }],
    ["held", entry({ queue: [{ kind: "create", seq: 3, key: "k", hold: true }] }), false, { state: "held" }],
    ["in flight", entry({ queue: [{ kind: "create", seq: 3, key: "k" }] }), true, { state: "sending" }],
    ["parked wins over in flight", entry({ failed: { status: 400, message: "bad" }, queue: [{ kind: "create", seq: 3, key: "k" }] }), true, { state: "parked" }],
  ];
  for (const [name, input, sending, expected] of cases) {
    it(name, () => {
      const rows = outboxRows([input], () => sending);
      if (!expected) return void expect(rows).to.deep.equal([]);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include(expected);
    });
  }

  it("takes a parked change's error from its refusal", () => {
    const [row] = outboxRows([entry({ failed: { status: 409, message: "conflict" }, queue: [{ kind: "create", seq: 1, key: "k", lastError: { status: 0, message: "net", at: 5 } }] })], () => false);
    expect(row.lastError).to.deep.equal({ status: 409, message: "conflict", at: 5 });
  });

  it("sorts by the enqueue order of the change sent next", () => {
    const rows = outboxRows(
      [entry({ id: "b", queue: [{ kind: "create", seq: 9, key: "b" }] }), entry({ id: "a", queue: [{ kind: "create", seq: 2, key: "a" }] })],
      () => false,
    );
    expect(rows.map((r) => r.id)).to.deep.equal(["a", "b"]);
  });
});
