import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { resetModels, Todo } from "../models";

/**
 * Two tabs of one app edit one record within a few milliseconds, each before
 * it heard of the other's write. Storage keeps the last write; the tab whose
 * write it replaced must not take storage's entry as the whole truth, or its
 * user's edit is lost — on the page, in storage and on the server.
 *
 * The other tab is played by writing storage as that tab would have (from
 * the entry as it read it before this tab's edit) and telling this tab, as
 * its `storage` event would.
 */
describe("offline: two tabs edit one record at the same moment", () => {
  let server: http.Server;
  let base: string;
  let saved: Record<string, unknown>;
  let made: number;
  let puts: Array<Record<string, unknown>>;
  let delayMs: number;
  /** Called when the server has read a PUT: the spec goes on at that moment, not after a guessed wait. */
  let onPut: () => void;
  let atmos: Atmos;
  let feed: ManualFeed;
  let storage: MemoryStorage;
  const key = "atmos2:rec:Todo:1";

  beforeEach(async () => {
    resetModels();
    saved = {};
    made = 0;
    puts = [];
    delayMs = 0;
    onPut = () => {};
    // One todo, id 1; a PUT is stored as sent and answered with what the server now has.
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        // Each create takes an id of its own (the second todo, made in the last spec, 2).
        if (req.method === "POST") saved = { ...JSON.parse(body), id: ++made };
        if (req.method === "PUT") puts.push(JSON.parse(body));
        if (req.method === "PUT") onPut();
        if (req.method === "PUT") saved = { ...saved, ...JSON.parse(body), id: saved.id };
        setTimeout(() => {
          res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" });
          res.end(JSON.stringify(saved));
        }, delayMs);
      });
    });
    base = await listen(server);
    storage = new MemoryStorage();
    feed = new ManualFeed();
    atmos = new Atmos({ storage, feed });
    atmos.resourceClient.base = base;
    new Todo({ title: "milk", done: false }).save({ remote: true });
    await atmos.whenSynced();
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Resolves when the server has read the next PUT (its answer then waits delayMs). */
  const nextPut = () => new Promise<void>((resolve) => (onPut = resolve));
  /** The other tab's write: the entry as it read it, with its user's edit of `done` queued. */
  const otherTabMarksDone = (read: string) => {
    const entry = JSON.parse(read);
    entry.base = undefined;
    entry.baseDiff = { set: { done: false } };
    entry.attrs = { ...entry.attrs, done: true };
    entry.queue = [{ kind: "update", seq: 1, key: "other-tab-op-key", changed: ["done"] }];
    storage.setItem(key, JSON.stringify(entry));
    feed.tell([key]);
  };
  const shown = () => Todo.all().map((t) => [t.title, t.done, (t as any).syncState()]);

  it("keeps this tab's edit, still on its way, when the other tab's edit was written over it", async () => {
    delayMs = 150;
    const read = storage.getItem(key)!;
    const todo = Todo.find("1");
    todo.title = "oat milk";
    const heard = nextPut();
    todo.save({ remote: true });
    await heard;
    expect(puts).to.have.length(1);
    otherTabMarksDone(read);
    await atmos.whenSynced();
    expect(shown()).to.deep.equal([["oat milk", true, "synced"]]);
    expect(saved).to.include({ title: "oat milk", done: true });
    expect(puts.map((p) => [p.title, p.done])).to.deep.equal([
      ["oat milk", false],
      ["oat milk", true],
    ]);
    const stored = JSON.parse(storage.getItem(key)!);
    expect([stored.attrs.title, stored.attrs.done, stored.queue]).to.deep.equal(["oat milk", true, []]);
  });

  it("keeps the server's answer to this tab's edit when the other tab wrote the record without having seen it", async () => {
    const read = storage.getItem(key)!;
    const todo = Todo.find("1");
    todo.title = "oat milk";
    todo.save({ remote: true });
    await atmos.whenSynced();
    otherTabMarksDone(read);
    await wait(20);
    await atmos.whenSynced();
    expect(shown()).to.deep.equal([["oat milk", true, "synced"]]);
    expect(saved).to.include({ title: "oat milk", done: true });
    expect(puts.map((p) => [p.title, p.done])).to.deep.equal([
      ["oat milk", false],
      ["oat milk", true],
    ]);
  });

  it("writes the record once to hold both edits, and reading that write back changes nothing", async () => {
    // Answered long after the checks below, even on a busy machine: only the merge writes meanwhile.
    delayMs = 1000;
    const read = storage.getItem(key)!;
    const todo = Todo.find("1");
    todo.title = "oat milk";
    todo.save({ remote: true });
    await wait(30);
    const before = feed.published.length;
    otherTabMarksDone(read);
    for (let waited = 0; feed.published.length === before && waited < 500; waited += 5) await wait(5);
    await wait(10);
    expect(feed.published.slice(before)).to.deep.equal([[key]]);
    const written = storage.getItem(key);
    feed.tell([key]);
    await wait(10);
    expect(feed.published.length).to.equal(before + 1);
    expect(storage.getItem(key)).to.equal(written);
    await atmos.whenSynced();
  });

  /** The other tab's write of its rename to "almond milk", after this tab's to "oat milk": the later one is sent last and kept. */
  async function otherTabWroteAndAlmondMilkWins(entry: Record<string, unknown>): Promise<void> {
    storage.setItem(key, JSON.stringify(entry));
    feed.tell([key]);
    await wait(20);
    await atmos.whenSynced();
    expect(shown()).to.deep.equal([["almond milk", false, "synced"]]);
    expect(puts.map((p) => p.title)).to.deep.equal(["oat milk", "almond milk"]);
    expect(saved).to.include({ title: "almond milk" });
  }

  it("takes the other tab's later edit of a field this tab edited, once that tab had heard this tab's edit answered", async () => {
    const todo = Todo.find("1");
    todo.title = "oat milk";
    todo.save({ remote: true });
    await atmos.whenSynced();
    // The other tab read this tab's edit and its answer, then the user there renamed the todo again.
    const entry = JSON.parse(storage.getItem(key)!);
    entry.base = { ...entry.attrs };
    entry.attrs = { ...entry.attrs, title: "almond milk" };
    entry.queue = [{ kind: "update", seq: 90, key: "other-tab-op-key", changed: ["title"] }];
    await otherTabWroteAndAlmondMilkWins(entry);
  });

  it("takes the other tab's later edit of a field this tab edited, made there while this tab's edit was still out", async () => {
    delayMs = 150;
    const todo = Todo.find("1");
    todo.title = "oat milk";
    const heard = nextPut();
    todo.save({ remote: true });
    await heard;
    expect(puts).to.have.length(1);
    // The other tab read this tab's edit, sent and unanswered, then the user there renamed the todo again.
    const entry = JSON.parse(storage.getItem(key)!);
    expect(entry.queue[0].sent, "this tab's edit, as stored").to.equal(true);
    entry.attrs = { ...entry.attrs, title: "almond milk" };
    entry.queue = [...entry.queue, { kind: "update", seq: 90, key: "other-tab-op-key", changed: ["title"] }];
    await otherTabWroteAndAlmondMilkWins(entry);
  });

  it("takes the other tab's write as it is when that tab had read this tab's edit", async () => {
    const todo = Todo.find("1");
    todo.title = "oat milk";
    todo.save();
    // The other tab read the held edit, then marked the todo done on top of it.
    const entry = JSON.parse(storage.getItem(key)!);
    entry.attrs = { ...entry.attrs, done: true };
    entry.queue[0].changed = ["title", "done"];
    storage.setItem(key, JSON.stringify(entry));
    const before = feed.published.length;
    feed.tell([key]);
    await wait(10);
    expect(feed.published.length).to.equal(before);
    expect(shown()).to.deep.equal([["oat milk", true, "local"]]);
  });
  it("waits in whenSynced() for what another tab's news, heard just before, brings to send", async () => {
    // The other tab made a todo and went before sending it: this tab sends now.
    const other = "atmos2:rec:Todo:made-there";
    const entry = { className: "Todo", id: "made-there", attrs: { title: "bread", done: false, id: "made-there" }, acked: false, queue: [{ kind: "create", seq: 1, key: "made-there-op-key" }] };
    storage.setItem(other, JSON.stringify(entry));
    feed.tell([other]);
    await atmos.whenSynced();
    expect(saved).to.include({ title: "bread" });
    expect(shown()).to.deep.include(["bread", false, "synced"]);
  });
});
