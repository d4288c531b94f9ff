import { expect } from "chai";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { openPage, syncedTodo, type OfflinePage } from "./offline-page";

/** Issue 6, "compaction": edits made before the outbox is sent cost one request per record. */
describe("offline: edits queued together are sent as one request per record", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;

  const requestLines = () => rails.requests.map((r) => `${r.method} ${r.path}`);

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    page = openPage({ base: rails.url });
  });
  afterEach(async () => {
    page.close();
    await rails.close();
  });

  it("sends a create followed by updates as one POST with the latest attributes", async () => {
    const todo = new Todo({ title: "first", done: false });
    todo.save();
    todo.title = "second";
    todo.save();
    todo.updateAttributes({ title: "third", done: true });
    await page.atmos.push();
    expect(requestLines()).to.deep.equal(["POST /todos"]);
    expect(rails.requests[0].body).to.include({ title: "third", done: true });
    expect(rails.records("todos").map((r) => [r.title, r.done])).to.deep.equal([["third", true]]);
  });

  it("sends a create and an update saved with remote in the same moment as one POST", async () => {
    const todo = new Todo({ title: "first" });
    todo.save({ remote: true });
    todo.title = "second";
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    expect(requestLines()).to.deep.equal(["POST /todos"]);
    expect(rails.requests[0].body).to.include({ title: "second" });
  });

  it("sends two updates as one PUT carrying both changed fields", async () => {
    const todo = await syncedTodo(page, rails, { title: "milk", done: false });
    todo.title = "oat milk";
    todo.save();
    (Todo.find(todo.id) as Todo).updateAttributes({ done: true });
    await page.atmos.push();
    expect(requestLines()).to.deep.equal([`PUT /todos/${todo.id}`]);
    expect(rails.requests[0].body).to.include({ title: "oat milk", done: true });
    expect(rails.records("todos")[0]).to.include({ title: "oat milk", done: true });
  });

  it("sends nothing at all for a record created and destroyed before it was sent", async () => {
    const todo = new Todo({ title: "never mind" });
    todo.save();
    todo.title = "changed my mind";
    todo.save();
    todo.destroy();
    const sameTick = new Todo({ title: "gone at once" });
    sameTick.save({ remote: true });
    sameTick.destroy({ remote: true });
    await page.atmos.push();
    await page.atmos.whenSynced();
    expect(rails.requests).to.deep.equal([]);
    expect(page.storage.keys().filter((k) => k.startsWith("atmos2:rec:"))).to.deep.equal([]);
    expect(page.atmos.status()).to.include({ pending: 0, failed: 0 });
  });

  it("sends updates followed by a destroy as one DELETE", async () => {
    const todo = await syncedTodo(page, rails, { title: "old" });
    todo.title = "edited";
    todo.save();
    todo.title = "edited again";
    todo.save();
    (Todo.find(todo.id) as Todo).destroy();
    await page.atmos.push();
    expect(requestLines()).to.deep.equal([`DELETE /todos/${todo.id}`]);
    expect(rails.records("todos")).to.deep.equal([]);
  });

  it("sends 1,000 offline edits of 100 records as at most one request per record", async () => {
    for (let i = 0; i < 100; i++) new Todo({ title: `todo ${i}`, done: false }).save({ remote: true });
    await page.atmos.whenSynced();
    rails.requests.length = 0;
    const ids = Todo.all().map((t) => t.id);
    for (let round = 1; round <= 10; round++) {
      for (const id of ids) (Todo.find(id) as Todo).updateAttributes({ title: `${id} v${round}`, done: round % 2 === 0 });
      await Promise.resolve();
    }
    await page.atmos.push();

    expect(rails.requests.length).to.be.at.most(100);
    expect(rails.requests.every((r) => r.method === "PUT")).to.equal(true);
    const server = new Map(rails.records("todos").map((r) => [String(r.id), r]));
    for (const id of ids) expect(server.get(id)).to.include({ title: `${id} v10`, done: true });
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });
});
