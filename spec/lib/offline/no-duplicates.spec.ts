import { expect } from "chai";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { List, resetModels, Todo } from "../models";
import { nextEvent, openPage, type OfflinePage } from "./offline-page";

/** Issue 6, "no duplicates": a create is never committed twice, whatever the network does. */
describe("offline: a create reaches the server exactly once", () => {
  let rails: RailsScaffoldServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  const keysSeen: string[] = [];

  beforeEach(async () => {
    resetModels();
    keysSeen.length = 0;
    rails = await startRailsScaffoldServer();
    proxy = await startFaultProxy(rails.url);
  });
  afterEach(async () => {
    page?.close();
    await proxy.close();
    await rails.close();
  });

  /** Faults for the n-th request, and every POST's Idempotency-Key noted. */
  const schedule = (faults: Record<number, Fault>) => (req: { method: string; headers: Record<string, unknown> }, n: number) => {
    if (req.method === "POST") keysSeen.push(String(req.headers["idempotency-key"]));
    return faults[n];
  };

  it("sends every create with an Idempotency-Key that stays the same across retries", async () => {
    page = openPage({ base: proxy.url });
    proxy.setSchedule(schedule({ 1: "drop-request", 2: "drop-response" }));
    new Todo({ title: "once" }).save({ remote: true });
    await page.atmos.whenSynced();

    expect(keysSeen).to.have.length(3);
    expect(keysSeen[0]).to.match(/^[0-9a-f-]{36}$/);
    expect(new Set(keysSeen).size).to.equal(1);
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["once"]);
  });

  it("gives different creates different keys", async () => {
    page = openPage({ base: proxy.url });
    proxy.setSchedule(schedule({}));
    new Todo({ title: "a" }).save({ remote: true });
    new Todo({ title: "b" }).save({ remote: true });
    await page.atmos.whenSynced();
    expect(keysSeen).to.have.length(2);
    expect(keysSeen[0]).to.not.equal(keysSeen[1]);
  });

  it("sends the create again with the same key after a reload", async () => {
    page = openPage({ base: proxy.url });
    let fault: Fault | undefined = "drop-request";
    proxy.setSchedule((req, n) => (schedule({})(req, n), fault));
    const offline = nextEvent(page.atmos, "offline");
    new Todo({ title: "survives reload" }).save({ remote: true });
    await offline;

    fault = undefined;
    await (await page.reload()).whenSynced();
    expect(keysSeen).to.have.length(2);
    expect(keysSeen[1]).to.equal(keysSeen[0]);
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["survives reload"]);
  });

  it("makes exactly one server record when the answer to a committed create was lost", async () => {
    page = openPage({ base: rails.url });
    rails.dropNext();
    const todo = new Todo({ title: "committed, answer lost" });
    todo.save({ remote: true });
    await page.atmos.whenSynced();

    const posts = rails.requests.filter((r) => r.method === "POST");
    expect(posts).to.have.length(2);
    expect(posts[1].headers["idempotency-key"]).to.equal(posts[0].headers["idempotency-key"]);
    expect(rails.records("todos")).to.have.length(1);
    expect(Todo.all()).to.have.length(1);
    expect(String(Todo.first()!.id)).to.equal(String(rails.records("todos")[0].id));
    expect((Todo.first() as any).syncState()).to.equal("synced");
  });

  it("makes later edits wait for the id of a create in flight: one POST, then one PUT to the server id", async () => {
    page = openPage({ base: proxy.url });
    const todo = new Todo({ title: "v1" });
    proxy.setSchedule((req) => {
      // The user edits while the create is on the wire (this runs before it is answered).
      if (req.method === "POST") {
        (Todo.find(todo.id) as Todo).updateAttributes({ title: "v2" }, { remote: true });
        (Todo.find(todo.id) as Todo).updateAttributes({ title: "v3", done: true }, { remote: true });
      }
      return undefined;
    });
    todo.save({ remote: true });
    await page.atmos.whenSynced();

    const [server] = rails.records("todos");
    expect(rails.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(["POST /todos", `PUT /todos/${server.id}`]);
    expect(rails.requests[0].body).to.include({ title: "v1" });
    expect(rails.requests[1].body).to.include({ title: "v3", done: true });
    expect(server).to.include({ title: "v3", done: true });
    expect(Todo.all().map((t) => [String(t.id), t.title])).to.deep.equal([[String(server.id), "v3"]]);
  });
});

describe("offline: a create on the Google-compatible API reaches it exactly once", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let page: OfflinePage;

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    proxy = await startFaultProxy(api.url);
  });
  afterEach(async () => {
    page.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  it("makes one list when the answer was dropped after the commit and the create is retried", async () => {
    page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token });
    proxy.setSchedule((req, n) => (n === 1 ? "drop-response" : undefined));
    new List({ title: "Groceries" }).save({ remote: true });
    await page.atmos.whenSynced();

    const lists = await tasksClient(api).all("/users/@me/lists");
    expect(lists.filter((l) => l.title === "Groceries")).to.have.length(1);
    expect(proxy.log.map((l) => l.method)).to.deep.equal(["POST", "POST"]);
    expect(List.all().map((l) => l.id)).to.deep.equal([lists.find((l) => l.title === "Groceries").id]);
  });
});
