import { expect } from "chai";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { startJsonServer, type JsonServer } from "../../servers/json-server";
import { resetModels, Todo } from "../models";
import { openPage, recordEvents, type OfflinePage } from "./offline-page";

const json = { "Content-Type": "application/json" };

/** A todo another client made on json-server ("Milk", not done), pulled here; resolves with its id. */
async function pulledTodo(server: JsonServer): Promise<string> {
  const made = await (await fetch(`${server.url}/todos`, { method: "POST", headers: json, body: JSON.stringify({ title: "Milk", done: false }) })).json();
  await Todo.sync({ remote: true });
  return String(made.id);
}

/** Another device changes the todo on the server. */
const changeElsewhere = (server: JsonServer, id: string, attrs: object) => fetch(`${server.url}/todos/${id}`, { method: "PATCH", headers: json, body: JSON.stringify(attrs) });

/** The todo as json-server holds it. */
const rowOf = async (server: JsonServer, id: string) => (await server.rows()).find((r) => String(r.id) === id);

/**
 * Found by an outside review written from API.md: on a server whose records
 * carry no version (no etag, no updated time: json-server, the README's
 * third setup), a pull kept the user's unsent edit but also kept the old
 * values of the fields another device had changed, with no conflict event,
 * and the edit's update (the whole record) then put them back on the
 * server: the other device's change was lost. A pull reads the server's
 * current version, so where no version tells, the fields do.
 */
describe("a pull on a server without versions (json-server), under an unsent edit", () => {
  let server: JsonServer;
  let page: OfflinePage;
  let id: string;

  beforeEach(async () => {
    resetModels();
    server = await startJsonServer(false);
    page = openPage({ base: server.url });
    id = await pulledTodo(server);
  });
  afterEach(async () => {
    page?.close();
    await server?.stop();
  });

  const elsewhere = (attrs: object) => changeElsewhere(server, id, attrs);

  it("keeps the user's field, takes the other device's, and sends both", async () => {
    (Todo.find(id) as Todo).updateAttributes({ title: "Oat milk" });
    await elsewhere({ done: true });
    await Todo.sync({ remote: true });

    const todo = Todo.find(id) as Todo;
    expect([todo.title, todo.done]).to.deep.equal(["Oat milk", true]);
    await page.atmos.push();
    const saved = await rowOf(server, id);
    expect([saved.title, saved.done], "on the server").to.deep.equal(["Oat milk", true]);
  });

  it("emits one conflict event naming the versions", async () => {
    const conflicts = recordEvents(page.atmos, "conflict");
    (Todo.find(id) as Todo).updateAttributes({ title: "Oat milk" });
    await elsewhere({ title: "Cow milk", done: true });
    await Todo.sync({ remote: true });

    expect(conflicts).to.have.length(1);
    const event = conflicts[0] as any;
    expect(event.local).to.include({ title: "Oat milk", done: false });
    expect(event.remote).to.include({ title: "Cow milk", done: true });
    expect(event.merged).to.include({ title: "Oat milk", done: true });
    expect(event.base).to.include({ title: "Milk", done: false });
  });

  it("emits no conflict, and sends the edit alone, when nobody else changed the record", async () => {
    const conflicts = recordEvents(page.atmos, "conflict");
    (Todo.find(id) as Todo).updateAttributes({ title: "Oat milk" });
    await Todo.sync({ remote: true });

    expect(conflicts).to.deep.equal([]);
    expect((Todo.find(id) as Todo).title).to.equal("Oat milk");
    await page.atmos.push();
    expect((await rowOf(server, id)).title).to.equal("Oat milk");
  });
});

/**
 * Found by a helper following the README's json-server section with two
 * browsers: device A, offline, changed a todo's title; device B, online,
 * marked it done; A came back, and its update (sent on the online event,
 * before any pull) carried `done: false` too: B's change was lost, with
 * `PATCH` as with `PUT`. An update sent with PATCH now carries the fields
 * changed here only, as PATCH means; PUT replaces, so it carries the record.
 */
describe("an update sent with PATCH on a server without versions (json-server), another device's change made meanwhile", () => {
  let server: JsonServer;
  let page: OfflinePage;
  let id: string;

  beforeEach(async () => {
    resetModels();
    server = await startJsonServer(false);
    page = openPage({ base: server.url });
    page.atmos.resourceClient.routes = { Todo: { update: "PATCH /todos/:id" } };
    id = await pulledTodo(server);
  });
  afterEach(async () => {
    page?.close();
    await server?.stop();
  });

  it("keeps the other device's field on the server and takes it here", async () => {
    (Todo.find(id) as Todo).updateAttributes({ title: "Oat milk" });
    await changeElsewhere(server, id, { done: true });
    await page.atmos.push();

    const saved = await rowOf(server, id);
    expect([saved.title, saved.done], "on the server").to.deep.equal(["Oat milk", true]);
    const todo = Todo.find(id) as Todo;
    expect([todo.title, todo.done, todo.syncState()], "here, from the answer").to.deep.equal(["Oat milk", true, "synced"]);
  });

  it("sends a field cleared here as null, and only that field", async () => {
    const todo = Todo.find(id) as Todo;
    todo.updateAttributes({ title: undefined as unknown as string });
    const sent: string[] = [];
    const fetchBefore = page.atmos.resourceClient.fetch;
    page.atmos.resourceClient.fetch = (url, init) => {
      if (init?.method === "PATCH") sent.push(String(init.body));
      return fetchBefore(url, init);
    };
    await page.atmos.push();
    expect(sent.map((body) => JSON.parse(body))).to.deep.equal([{ title: null, id: Number(id) }]);
  });
});

/**
 * Found with the same two browsers: a pull that read the server after this
 * page's own update was committed, but before its answer came back, took
 * the page's own values for another device's change, and said so with a
 * `conflict` event whose `remote` was the page's own edit.
 */
describe("a pull that reads this page's own update before its answer comes (json-server)", () => {
  let server: JsonServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let id: string;

  afterEach(async () => {
    page?.close();
    await proxy?.close();
    await server?.stop();
  });

  it("is no conflict", async () => {
    resetModels();
    server = await startJsonServer(false);
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    proxy = await startFaultProxy(server.url, (req) => (req.method === "PUT" ? { answerAfter: held } : undefined));
    page = openPage({ base: proxy.url });
    id = await pulledTodo(server);
    const conflicts = recordEvents(page.atmos, "conflict");

    (Todo.find(id) as Todo).updateAttributes({ title: "Oat milk" });
    const pushed = page.atmos.push();
    const deadline = Date.now() + 5000;
    while ((await server.rows())[0].title !== "Oat milk" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await Todo.sync({ remote: true });
    answer();
    await pushed;

    expect(conflicts).to.deep.equal([]);
    const todo = Todo.find(id) as Todo;
    expect([todo.title, todo.done, todo.syncState()]).to.deep.equal(["Oat milk", false, "synced"]);
  });
});

