import { expect } from "chai";
import { ManualConnectivity } from "../../../lib";
import { FakeClock, settle } from "../../fakes/fake-clock";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo, type Synced } from "../models";
import { nextEvent, openPage, recordEvents, type OfflinePage } from "./offline-page";

/** Issue 6, "offline": a change that cannot be sent is kept and sent when the network is back. */
describe("offline: changes wait for the network and go out when it is back", () => {
  let rails: RailsScaffoldServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let clock: FakeClock;
  let connectivity: ManualConnectivity;
  let network: Fault | undefined;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    proxy = await startFaultProxy(rails.url, () => network);
    network = undefined;
    clock = new FakeClock();
    connectivity = new ManualConnectivity();
    page = openPage({ base: proxy.url, clock, connectivity });
  });
  afterEach(async () => {
    page.close();
    await proxy.close();
    await rails.close();
  });

  /** Saves a todo while the network fails the way `fault` says, and waits for the failure. */
  async function saveWhileFailing(fault: Fault, title = "offline todo"): Promise<Todo> {
    network = fault;
    const failed = nextEvent(page.atmos, "error");
    const todo = new Todo({ title });
    todo.save({ remote: true });
    await failed;
    await settle();
    network = undefined;
    return Todo.find(todo.id) as Todo;
  }

  it("keeps a change the network dropped, says offline, and retries it within a second", async () => {
    const offline = recordEvents(page.atmos, "offline");
    const online = recordEvents(page.atmos, "online");
    const todo = await saveWhileFailing("drop-request");

    expect(offline).to.have.length(1);
    expect(page.atmos.status()).to.include({ online: false, pending: 1, failed: 0 });
    expect((todo as any).syncState()).to.equal("pending");
    expect(rails.requests).to.have.length(0);
    expect(clock.nextAt()! - clock.now()).to.be.at.most(1000);

    await clock.advance(1000);
    await page.atmos.whenSynced();
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["offline todo"]);
    expect(online).to.have.length(1);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("waits longer after each failure: doubling backoff up to 30 seconds", async () => {
    network = "drop-request";
    new Todo({ title: "keeps failing" }).save({ remote: true });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const failed = nextEvent(page.atmos, "error");
      if (i > 0) await clock.runNext();
      await failed;
      await settle();
      waits.push(clock.nextAt()! - clock.now());
    }
    for (let i = 0; i < waits.length; i++) {
      const ceiling = Math.min(30000, 1000 * 2 ** i);
      expect(waits[i], `wait after failure ${i + 1}`).to.be.within(ceiling / 2, ceiling);
    }
    expect(rails.requests).to.have.length(0);
  });

  // A pull first sends again a create that went out unanswered (its answer
  // tells whether a pulled item is that record). While POSTs keep failing and
  // the app keeps pulling, that extra try is one more failure, not a fresh start.
  it("keeps backing off while pulls send an unanswered create again: a pull does not start the wait over", async () => {
    proxy.setSchedule((req) => (req.method === "POST" ? "drop-request" : undefined));
    const first = nextEvent(page.atmos, "error");
    new Todo({ title: "POSTs keep failing" }).save({ remote: true });
    await first;
    await settle();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const failed = nextEvent(page.atmos, "error");
      await Todo.sync({ remote: true });
      await failed;
      await settle();
      waits.push(clock.nextAt()! - clock.now());
    }
    // Five failed POSTs: the wait after the fifth is the fifth of the doubling backoff.
    expect(waits[3], `waits after each pull's try: ${waits.join(", ")} ms`).to.be.within(8000, 16000);
    expect(proxy.log.filter((r) => r.method === "POST")).to.have.length(5);
    expect(Todo.all().map((t) => t.title)).to.deep.equal(["POSTs keep failing"]);
  });

  for (const status of [408, 502, 503, 504]) {
    it(`treats ${status} as offline by default: the change stays pending and is retried`, async () => {
      rails.failNext(status, { error: "not now" });
      const offline = nextEvent(page.atmos, "offline");
      const todo = new Todo({ title: `after ${status}` });
      todo.save({ remote: true });
      await offline;
      await settle();
      expect((Todo.find(todo.id) as any).syncState()).to.equal("pending");
      await clock.advance(1000);
      await page.atmos.whenSynced();
      expect(rails.records("todos").map((r) => r.title)).to.deep.equal([`after ${status}`]);
    });
  }

  it("treats the statuses listed in atmos.offlineStatusCodes as offline", async () => {
    page.atmos.offlineStatusCodes = [0, 418];
    rails.failNext(418, { error: "a captive portal" });
    const offline = nextEvent(page.atmos, "offline");
    const todo = new Todo({ title: "behind a portal" });
    todo.save({ remote: true });
    await offline;
    await settle();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("pending");
    expect(page.atmos.status()).to.include({ pending: 1, failed: 0, online: false });
    await clock.advance(1000);
    await page.atmos.whenSynced();
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["behind a portal"]);
  });

  it("asks atmos.offlineStatusCodes when it is a function of the response", async () => {
    const asked: number[] = [];
    page.atmos.offlineStatusCodes = (response) => (asked.push(response.status), response.status === 0 || response.status === 423);
    rails.failNext(423, { error: "locked for maintenance" });
    const offline = nextEvent(page.atmos, "offline");
    const todo = new Todo({ title: "locked" });
    todo.save({ remote: true });
    await offline;
    await settle();
    expect(asked).to.include(423);
    expect((Todo.find(todo.id) as any).syncState()).to.equal("pending");
    await clock.advance(1000);
    await page.atmos.whenSynced();
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["locked"]);
  });

  it("parks, not retries, a status the offlineStatusCodes function says is not offline", async () => {
    page.atmos.offlineStatusCodes = (response) => response.status === 0;
    rails.failNext(408, { error: "timeout, but the app says it is final" });
    const failed = nextEvent(page.atmos, "error");
    const todo = new Todo({ title: "final" });
    todo.save({ remote: true });
    await failed;
    await page.atmos.whenSynced();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
    expect(page.atmos.status()).to.include({ failed: 1, online: true });
  });

  it("sends at once when the platform says the network is back, without waiting for the backoff", async () => {
    await saveWhileFailing("drop-request");
    expect(clock.nextAt()).to.be.a("number");
    connectivity.set(true);
    await page.atmos.whenSynced();
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["offline todo"]);
  });

  it("sends at once on atmos.push(), without waiting for the backoff", async () => {
    await saveWhileFailing("drop-request");
    await page.atmos.push();
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["offline todo"]);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("keeps edits made while offline and sends them after the network is back", async () => {
    const todo = await saveWhileFailing("drop-request", "v1");
    network = "drop-request";
    todo.updateAttributes({ title: "v2" }, { remote: true });
    (Todo.find(todo.id) as Todo).updateAttributes({ done: true }, { remote: true });
    await settle();
    network = undefined;
    connectivity.set(true);
    await page.atmos.whenSynced();
    expect(rails.records("todos").map((r) => [r.title, r.done])).to.deep.equal([["v2", true]]);
    expect(rails.records("todos")).to.have.length(1);
  });
  it("says offline when a pull is answered with a status in offlineStatusCodes, as a send does", async () => {
    const offline = recordEvents(page.atmos, "offline");
    const online = recordEvents(page.atmos, "online");
    network = { status: 503, body: { error: "maintenance" } };
    const pulled = await (Todo as unknown as Synced).sync({ remote: true }).then(
      () => "resolved",
      (error: { status?: number }) => error.status,
    );
    expect(pulled).to.equal(503);
    expect(offline).to.have.length(1);
    expect(page.atmos.status().online).to.equal(false);

    network = undefined;
    await (Todo as unknown as Synced).sync({ remote: true });
    expect(online).to.have.length(1);
    expect(page.atmos.status().online).to.equal(true);
  });

  it("does not say offline when a pull fails with a status the offlineStatusCodes function says is not offline", async () => {
    page.atmos.offlineStatusCodes = ({ status }) => status === 0;
    const offline = recordEvents(page.atmos, "offline");
    network = { status: 503 };
    await (Todo as unknown as Synced).sync({ remote: true }).catch(() => undefined);
    expect(offline).to.have.length(0);
    expect(page.atmos.status().online).to.equal(true);
  });
});
