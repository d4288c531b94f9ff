import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { resetModels, Todo } from "../models";

/**
 * Two Atmos instances open on one storage in one process (Node, or a page
 * with two on sessionStorage) are two "tabs" of that storage: API.md's
 * multi-tab safety holds for them too. Only one sends the outbox; the other
 * takes over when it closes. (In a browser, tabs on localStorage share a Web
 * Lock; here there is no other tab to share it with, only this process.)
 */
describe("offline: two Atmos instances on one storage in one process", () => {
  let server: http.Server;
  let base: string;
  let posts: string[];
  let keys: string[];
  const opened: Atmos[] = [];

  beforeEach(async () => {
    resetModels();
    posts = [];
    keys = [];
    // A json-server-like API: it answers late and ignores Idempotency-Key.
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        if (req.method === "POST") {
          posts.push(body);
          keys.push(String(req.headers["idempotency-key"]));
        }
        const id = posts.length;
        setTimeout(() => {
          res.writeHead(201, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ ...JSON.parse(body || "{}"), id }));
        }, 300);
      });
    });
    base = await listen(server);
  });
  afterEach(async () => {
    for (const atmos of opened.splice(0)) atmos.close();
    await shutdown(server);
  });

  function open(storage: MemoryStorage, feed?: ManualFeed): Atmos {
    const atmos = new Atmos({ storage, feed });
    atmos.resourceClient.base = base;
    opened.push(atmos);
    return atmos;
  }

  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const storedTodos = (storage: MemoryStorage) => storage.keys().filter((key) => key.startsWith("atmos2:rec:Todo:"));

  it("sends through the last Atmos made on the storage while an earlier one is left open (a test or a reload that did not close it)", async () => {
    const storage = new MemoryStorage();
    const first = open(storage);
    const second = open(storage);
    new Todo({ title: "saved" }).save({ remote: true });
    await second.whenSynced();
    await first.push();
    await wait(400);
    expect(posts).to.have.length(1);
    expect(Todo.all().map((todo) => [todo.title, (todo as any).syncState()])).to.deep.equal([["saved", "synced"]]);
  });

  it("keeps one record when a second Atmos opens on the storage while the first one's create is in flight", async () => {
    const storage = new MemoryStorage();
    open(storage);
    new Todo({ title: "tab" }).save({ remote: true });
    await wait(50);
    const second = open(storage);
    await second.whenSynced();
    await wait(400);
    // The first one's answer is left for the second, which sent the change again with its key.
    expect(new Set(keys)).to.have.property("size", 1);
    expect(storedTodos(storage)).to.have.length(1);
    expect(Todo.all().map((todo) => [todo.title, (todo as any).syncState()])).to.deep.equal([["tab", "synced"]]);
  });

  it("gives the lease back to the earlier Atmos when the later one is closed, and it sends what storage holds", async () => {
    const storage = new MemoryStorage();
    const first = open(storage);
    const second = open(storage);
    new Todo({ title: "left by the second" }).save({ remote: true });
    await wait(50);
    second.close();
    await wait(50);
    await first.whenSynced();
    await wait(400);
    expect(storedTodos(storage)).to.have.length(1);
    const todo = Todo.first()!;
    expect([todo.title, first.syncState("Todo", String(todo.id))]).to.deep.equal(["left by the second", "synced"]);
  });

  /**
   * The later Atmos closes and a save comes at once, through the earlier
   * one: the server (which ignores Idempotency-Key) gets the later one's
   * create once and the new one, and storage holds the two records.
   */
  async function closeThenSaveOnTheEarlier(storage: MemoryStorage, first: Atmos, second: Atmos): Promise<void> {
    second.close();
    new Todo({ title: "made by the first" }).save({ remote: true });
    await first.whenSynced();
    await wait(400);
    expect(posts.map((body) => JSON.parse(body).title)).to.deep.equal(["made by the second", "made by the first"]);
    expect(storedTodos(storage)).to.have.length(2);
  }

  // The scenario of spec/browser/offline/tab-lease.spec.ts, which failed
  // once in a fresh-clone CI run with a third request (not seen again in
  // eight runs): the later Atmos closes and a save comes at once, before the
  // earlier one has read what the later one stored. Here the server ignores
  // Idempotency-Key, so a create sent again would be a second record.
  it("sends nothing the later one settled when a save comes at once after it closes", async () => {
    const storage = new MemoryStorage();
    const first = open(storage);
    const second = open(storage);
    new Todo({ title: "made by the second" }).save({ remote: true });
    await second.whenSynced();
    await closeThenSaveOnTheEarlier(storage, first, second);
  });

  // The same, where the earlier one had heard of the create as sent (its
  // news of that write came) but not yet of its answer (that news, a timer
  // away in a page, had not come when the later one closed): it took the
  // create for one whose answer never came and sent it again, which a server
  // that ignores Idempotency-Key makes a second record.
  it("sends nothing the later one settled when the news of the answer has not reached the earlier one yet", async () => {
    const storage = new MemoryStorage();
    const heard = new ManualFeed();
    const told = new ManualFeed();
    const first = open(storage, heard);
    const second = open(storage, told);
    new Todo({ title: "made by the second" }).save({ remote: true });
    while (posts.length === 0) await wait(5);
    for (const keys of told.published.splice(0)) heard.tell(keys);
    await wait(20);
    expect(first.status().pending, "the earlier one has heard of the create").to.equal(1);
    await second.whenSynced();
    await closeThenSaveOnTheEarlier(storage, first, second);
  });

  it("makes the models use the earlier Atmos again when the later one is closed", async () => {
    const storage = new MemoryStorage();
    const first = open(storage);
    const second = open(storage);
    second.close();
    expect(Atmos.instance).to.equal(first);
    const todo = new Todo({ title: "after the later one closed" });
    todo.save({ remote: true });
    expect(todo.syncState()).to.equal("pending");
    await Todo.push();
    expect(posts).to.have.length(1);
    expect(Todo.first()!.syncState()).to.equal("synced");
    expect(first.syncState("Todo", String(Todo.first()!.id))).to.equal("synced");
  });

  it("lets the second one send once the first is closed", async () => {
    const storage = new MemoryStorage();
    const first = open(storage);
    const second = open(storage);
    first.close();
    new Todo({ title: "after" }).save({ remote: true });
    await second.whenSynced();
    expect(posts).to.have.length(1);
    expect(Todo.first()!.syncState()).to.equal("synced");
  });

  it("keeps one record when the Atmos is closed with its create in flight and a new one sends it again", async () => {
    const storage = new MemoryStorage();
    const first = open(storage);
    new Todo({ title: "in flight" }).save({ remote: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.close();
    const second = open(storage);
    await second.whenSynced();
    // Both answers have arrived: the first Atmos's, then the second one's.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(storedTodos(storage)).to.have.length(1);
    expect(Todo.all().map((todo) => [todo.title, (todo as any).syncState()])).to.deep.equal([["in flight", "synced"]]);
  });

  it("does not tie together Atmos instances on different storages", async () => {
    open(new MemoryStorage());
    const other = open(new MemoryStorage());
    new Todo({ title: "own storage" }).save({ remote: true });
    await other.whenSynced();
    expect(posts).to.have.length(1);
  });
});
