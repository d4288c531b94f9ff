import { expect } from "chai";
import type { SyncStatus } from "../../../lib";
import { FakeClock, settle } from "../../fakes/fake-clock";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { nextEvent, openPage, recordEvents, type OfflinePage } from "./offline-page";

/** Issue 6, "status": what a sync indicator in the UI can show. */
describe("offline: the sync status of records and of the app", () => {
  let rails: RailsScaffoldServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let clock: FakeClock;
  let onRequest: (method: string) => Fault | undefined;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    onRequest = () => undefined;
    proxy = await startFaultProxy(rails.url, (req) => onRequest(req.method));
    clock = new FakeClock();
    page = openPage({ base: proxy.url, clock });
  });
  afterEach(async () => {
    page.close();
    await proxy.close();
    await rails.close();
  });

  const state = (todo: Todo) => (Todo.find(todo.id) as any).syncState();

  it("makes held changes pending the moment push() is called, so a whenSynced() called then waits for their answers", async () => {
    const todo = new Todo({ title: "held" });
    todo.save();
    await page.atmos.whenSynced();
    expect(state(todo)).to.equal("local");
    const pushed = Todo.push();
    expect(state(todo)).to.equal("pending");
    expect(page.atmos.status()).to.include({ pending: 1 });
    await page.atmos.whenSynced();
    expect(state(todo)).to.equal("synced");
    expect(rails.records("todos")).to.have.length(1);
    await pushed;
  });

  it("walks a record through local, pending, synced and failed", async () => {
    const todo = new Todo({ title: "walk" });
    todo.save();
    expect(state(todo)).to.equal("local");
    let duringRequest = "";
    onRequest = () => ((duringRequest = state(todo)), undefined);
    todo.save({ remote: true });
    expect(state(todo)).to.equal("pending");
    await page.atmos.whenSynced();
    expect(duringRequest).to.equal("pending");
    const saved = Todo.first() as Todo;
    expect(state(saved)).to.equal("synced");

    rails.failNext(422, { title: ["is taken"] });
    saved.updateAttributes({ title: "taken" }, { remote: true });
    await page.atmos.whenSynced();
    expect(state(saved)).to.equal("failed");
  });

  it("tells syncState changes to views through a syncState event on the model", async () => {
    const seen: string[] = [];
    const listener = (_record: unknown, s: string) => seen.push(s);
    Todo.bind("syncState", listener);
    new Todo({ title: "watched" }).save({ remote: true });
    await page.atmos.whenSynced();
    Todo.unbind("syncState", listener);
    expect(seen[0]).to.equal("pending");
    expect(seen[seen.length - 1]).to.equal("synced");
  });

  it("counts pending, in flight and failed changes in atmos.status()", async () => {
    let inFlightSeen: SyncStatus | undefined;
    onRequest = (method) => {
      if (method === "POST" && !inFlightSeen) inFlightSeen = page.atmos.status();
      return undefined;
    };
    new Todo({ title: "a" }).save();
    new Todo({ title: "b" }).save();
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
    new Todo({ title: "c" }).save({ remote: true });
    expect(page.atmos.status()).to.include({ pending: 1, inFlight: 0 });
    await page.atmos.whenSynced();
    expect(inFlightSeen).to.include({ inFlight: 1 });

    rails.failNext(400, { error: "bad" });
    await page.atmos.push();
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 1, online: true });
  });

  it("emits a status event on every change of the counts, ending all zero and online", async () => {
    const events = recordEvents(page.atmos, "status");
    new Todo({ title: "a" }).save({ remote: true });
    new Todo({ title: "b" }).save({ remote: true });
    await page.atmos.whenSynced();
    expect(events.length).to.be.at.least(3);
    expect(events[0]).to.include({ pending: 1 });
    expect(events[1]).to.include({ pending: 2 });
    expect(events.some((e) => e.inFlight > 0)).to.equal(true);
    expect(events[events.length - 1]).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
    // One event per change: never the same counts twice in a row.
    for (let i = 1; i < events.length; i++) expect(events[i]).to.not.deep.equal(events[i - 1]);
  });

  it("emits pending, then in flight, then all clear for one record sent", async () => {
    const events = recordEvents(page.atmos, "status");
    new Todo({ title: "one" }).save({ remote: true });
    await page.atmos.whenSynced();
    expect(events).to.deep.equal([
      { pending: 1, inFlight: 0, failed: 0, online: true },
      { pending: 1, inFlight: 1, failed: 0, online: true },
      { pending: 0, inFlight: 0, failed: 0, online: true },
    ]);
  });

  it("reports offline in the status while the network is down, and online again afterwards", async () => {
    onRequest = () => "drop-request";
    const offline = nextEvent(page.atmos, "offline");
    const statuses = recordEvents(page.atmos, "status");
    new Todo({ title: "offline" }).save({ remote: true });
    await offline;
    await settle();
    expect(page.atmos.status()).to.deep.equal({ pending: 1, inFlight: 0, failed: 0, online: false });
    expect(statuses.some((s) => s.online === false)).to.equal(true);
    onRequest = () => undefined;
    await clock.advance(1000);
    await page.atmos.whenSynced();
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("resolves whenSynced() only when nothing is left to send, with the answers applied", async () => {
    for (let i = 0; i < 12; i++) new Todo({ title: `todo ${i}` }).save({ remote: true });
    await page.atmos.whenSynced();
    expect(rails.records("todos")).to.have.length(12);
    const serverIds = rails.records("todos").map((r) => String(r.id));
    expect(Todo.all().map((t) => String(t.id))).to.have.members(serverIds);
    expect(Todo.all().every((t) => (t as any).syncState() === "synced")).to.equal(true);
    for (const id of serverIds) expect(page.storage.getItem(`atmos2:rec:Todo:${id}`)).to.be.a("string");
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("resolves whenSynced() at once when there is nothing to send, and leaves parked changes out", async () => {
    await page.atmos.whenSynced();
    rails.failNext(422, { title: ["no"] });
    new Todo({ title: "refused" }).save({ remote: true });
    await page.atmos.whenSynced();
    expect(page.atmos.status()).to.include({ failed: 1, pending: 0 });
  });
});
