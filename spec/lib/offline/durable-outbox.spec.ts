import { expect } from "chai";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { Atmos } from "../../../lib";
import { resetModels, Todo } from "../models";
import { nextEvent, openPage, storedEntry, type OfflinePage } from "./offline-page";

/** Issue 6, "durable outbox": a change reaches storage before its request leaves, and survives a reload. */
describe("offline: the outbox is durable", () => {
  let rails: RailsScaffoldServer;
  let proxy: FaultProxy;
  let page: OfflinePage;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    proxy = await startFaultProxy(rails.url);
    page = openPage({ base: proxy.url });
  });
  afterEach(async () => {
    page.close();
    await proxy.close();
    await rails.close();
  });

  it("has the change in storage, with its Idempotency-Key, when the request reaches the server", async () => {
    // Writes that land late: sending before the write has landed would show here.
    page.close();
    page = openPage({ base: proxy.url, writeDelayMs: 150 });
    const seenInStorage: unknown[] = [];
    let localId = "";
    proxy.setSchedule((req) => {
      // Runs in the server's handler, before the request is answered.
      const entry = storedEntry(page.storage, "Todo", localId);
      seenInStorage.push({ method: req.method, op: entry?.queue?.[0]?.kind, key: entry?.queue?.[0]?.key, header: req.headers["idempotency-key"], title: entry?.attrs?.title });
      return undefined;
    });
    const todo = new Todo({ title: "buy milk" });
    todo.save({ remote: true });
    localId = todo.id; // a new record gets its id on its first save
    await page.atmos.whenSynced();

    expect(seenInStorage).to.have.length(1);
    const [seen] = seenInStorage as Array<Record<string, unknown>>;
    expect(seen).to.include({ method: "POST", op: "create", title: "buy milk" });
    expect(seen.key).to.be.a("string").and.equal(seen.header);
  });

  it("has an update and a delete in storage before they reach the server", async () => {
    page.close();
    page = openPage({ base: proxy.url, writeDelayMs: 100 });
    const todo = new Todo({ title: "draft" });
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    const saved = Todo.first() as Todo;
    const serverId = saved.id;
    const ops: string[] = [];
    proxy.setSchedule((req) => {
      const entry = storedEntry(page.storage, "Todo", serverId);
      ops.push(`${req.method} ${entry?.queue?.[0]?.kind}`);
      return undefined;
    });
    saved.title = "final";
    saved.save({ remote: true });
    await page.atmos.whenSynced();
    (Todo.find(serverId) as Todo).destroy({ remote: true });
    await page.atmos.whenSynced();
    expect(ops).to.deep.equal(["PUT update", "DELETE destroy"]);
    expect(storedEntry(page.storage, "Todo", serverId)).to.equal(undefined);
    expect(rails.records("todos")).to.deep.equal([]);
  });

  it("sends what an earlier page left unsent as soon as the page is opened again, without any user action", async () => {
    let network: Fault | undefined = "drop-request";
    proxy.setSchedule(() => network);
    const offline = nextEvent(page.atmos, "offline");
    new Todo({ title: "written offline" }).save({ remote: true });
    new Todo({ title: "also offline" }).save({ remote: true });
    await offline;
    expect(rails.records("todos")).to.deep.equal([]);

    page.atmos.close();
    network = undefined;
    const atmos = await page.reload();
    await atmos.whenSynced();

    expect(rails.records("todos").map((r) => r.title)).to.have.members(["written offline", "also offline"]);
    expect(Todo.all().map((t) => [t.title, (t as any).syncState()])).to.have.deep.members([
      ["written offline", "synced"],
      ["also offline", "synced"],
    ]);
    expect(atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("makes whenSynced(), called right after new Atmos(), wait for what an earlier page left unsent", async () => {
    let network: Fault | undefined = "drop-request";
    proxy.setSchedule(() => network);
    const offline = nextEvent(page.atmos, "offline");
    new Todo({ title: "left by the last page" }).save({ remote: true });
    await offline;
    page.atmos.close();
    network = undefined;

    const atmos = new Atmos({ storage: page.storage });
    atmos.resourceClient.base = proxy.url;
    try {
      await atmos.whenSynced();
      expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["left by the last page"]);
    } finally {
      atmos.close();
    }
  });

  it("keeps a change saved without remote across a reload, and push() on the new page sends it", async () => {
    new Todo({ title: "kept for later" }).save();
    await page.atmos.whenSynced();
    const atmos = await page.reload();
    const todo = Todo.first() as any;
    expect(todo.title).to.equal("kept for later");
    expect(todo.syncState()).to.equal("local");
    expect(rails.requests).to.have.length(0);
    await atmos.push();
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["kept for later"]);
    expect((Todo.first() as any).syncState()).to.equal("synced");
  });
});
