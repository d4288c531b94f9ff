import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { Project, resetModels, Todo } from "../models";

/**
 * Another tab adds a todo to a project the moment the project's create is
 * answered in the sending tab: that tab had not heard of the project's
 * server id yet, so the todo it writes points at the project's old local
 * id, which no record has any more. The sending tab points it at the server
 * id before sending it, as it points the records it holds.
 */
describe("offline: a record another tab made under its parent's old id", () => {
  let server: http.Server;
  let atmos: Atmos;
  let feed: ManualFeed;
  let storage: MemoryStorage;
  let rows: Record<string, Array<Record<string, unknown>>>;

  beforeEach(async () => {
    resetModels();
    rows = { projects: [], todos: [] };
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const collection = req.url!.split("/")[1].split("?")[0];
        const list = (rows[collection] ??= []);
        const row = req.method === "POST" ? { ...JSON.parse(body), id: list.length + 1 } : undefined;
        if (row) list.push(row);
        res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(row ?? list));
      });
    });
    storage = new MemoryStorage();
    feed = new ManualFeed();
    atmos = new Atmos({ storage, feed });
    atmos.resourceClient.base = await listen(server);
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  it("sends the todo with the project's server id, and shows and stores it so", async () => {
    const home = new Project({ name: "Home" });
    home.save({ remote: true });
    const localId = String(home.id);
    await atmos.whenSynced();
    expect(String(Project.first()!.id)).to.equal("1");
    // The other tab's write: a new todo pointing at the project by the id it knew.
    const key = "atmos2:rec:Todo:todo-from-the-other-tab";
    const entry = { className: "Todo", id: "todo-from-the-other-tab", attrs: { id: "todo-from-the-other-tab", title: "sweep", projectID: localId }, acked: false, queue: [{ kind: "create", seq: 50, key: "other-tab-create" }] };
    storage.setItem(key, JSON.stringify(entry));
    feed.tell([key]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await atmos.whenSynced();

    // The project's id is a number on the server: so is the key that points to it (numeric-foreign-keys.spec.ts).
    expect(rows.todos.map((t) => [t.title, t.projectID])).to.deep.equal([["sweep", 1]]);
    expect(Todo.all().map((t: any) => [t.title, String(t.projectID), t.syncState()])).to.deep.equal([["sweep", "1", "synced"]]);
    expect(JSON.parse(storage.getItem("atmos2:rec:Todo:1")!).attrs.projectID).to.equal("1");
  });
});

describe("offline: an edit another tab wrote under a record's old id at its create's answer", () => {
  let server: http.Server;
  let atmos: Atmos;
  let feed: ManualFeed;
  let storage: MemoryStorage;
  let requests: string[];
  let saved: Record<string, unknown>;

  beforeEach(async () => {
    resetModels();
    requests = [];
    saved = {};
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        requests.push(`${req.method} ${req.url}`);
        if (req.method === "POST" || req.method === "PUT") saved = { ...JSON.parse(body), id: 1 };
        res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(saved));
      });
    });
    storage = new MemoryStorage();
    feed = new ManualFeed();
    atmos = new Atmos({ storage, feed });
    atmos.resourceClient.base = await listen(server);
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  it("sends the edit to the record's server id, once, and leaves no record under the old id", async () => {
    const todo = new Todo({ title: "milk" });
    todo.save({ remote: true });
    const oldKey = `atmos2:rec:Todo:${todo.id}`;
    // The other tab read the todo before the create was answered, then renamed it.
    const read = JSON.parse(storage.getItem(oldKey)!);
    await atmos.whenSynced();
    expect(storage.getItem(oldKey)).to.equal(null);
    read.attrs = { ...read.attrs, title: "oat milk" };
    read.queue = [{ ...read.queue[0], sent: true, attempts: 1 }, { kind: "update", seq: read.queue[0].seq + 1, key: "other-tab-update", changed: ["title"] }];
    storage.setItem(oldKey, JSON.stringify(read));
    feed.tell([oldKey]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await atmos.whenSynced();

    expect(requests).to.deep.equal(["POST /todos", "PUT /todos/1"]);
    expect(saved).to.include({ title: "oat milk" });
    expect(Todo.all().map((t: any) => [String(t.id), t.title, t.syncState()])).to.deep.equal([["1", "oat milk", "synced"]]);
    expect(storage.keys().filter((k) => k.startsWith("atmos2:rec:"))).to.deep.equal(["atmos2:rec:Todo:1"]);
  });
});
