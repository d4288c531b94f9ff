import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { until } from "../../support/until";
import { resetModels, Todo } from "../models";

/**
 * The sending tab hears of writes to a record while that record's request is
 * out: its own write read back (a storage event that arrived late), or
 * another tab's edit of the record. The request is not sent a second time,
 * and nothing either tab wrote is lost.
 */
describe("offline: news from other tabs while a record's request is out", () => {
  let server: http.Server;
  let base: string;
  let posts: string[];
  let puts: string[];
  let atmos: Atmos;
  let feed: ManualFeed;
  let storage: MemoryStorage;

  beforeEach(async () => {
    resetModels();
    posts = [];
    puts = [];
    // A json-server-like API that answers late and ignores Idempotency-Key.
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        if (req.method === "POST") posts.push(body);
        if (req.method === "PUT") puts.push(body);
        const id = req.method === "POST" ? posts.length : Number(req.url!.split("/").pop());
        setTimeout(() => {
          res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ ...JSON.parse(body || "{}"), id }));
        }, 200);
      });
    });
    base = await listen(server);
    storage = new MemoryStorage();
    feed = new ManualFeed();
    atmos = new Atmos({ storage, feed });
    atmos.resourceClient.base = base;
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const todoKeys = () => storage.keys().filter((key) => key.startsWith("atmos2:rec:Todo:"));

  it("sends a create once when its own write is read back while the create is out", async () => {
    const todo = new Todo({ title: "once" });
    todo.save({ remote: true });
    // Out: the server has it and answers in 200 ms (a fixed wait failed on a loaded machine).
    await until(() => posts.length === 1);
    feed.tell(todoKeys());
    await atmos.whenSynced();
    await wait(300);
    expect(posts).to.have.length(1);
    expect(todoKeys()).to.deep.equal(["atmos2:rec:Todo:1"]);
    expect(Todo.all().map((t) => [t.id, t.title, (t as any).syncState()])).to.deep.equal([["1", "once", "synced"]]);
  });

  it("keeps an edit another tab made while the create was out, and sends it after the create", async () => {
    const todo = new Todo({ title: "first" });
    todo.save({ remote: true });
    await until(() => posts.length === 1);
    // Another tab edits the record: it stores the create (sent) and its update after it.
    const key = todoKeys()[0];
    const stored = JSON.parse(storage.getItem(key)!);
    stored.attrs = { ...stored.attrs, title: "edited in the other tab" };
    stored.queue.push({ kind: "update", seq: stored.queue[0].seq + 1, key: "other-tab-op", changed: ["title"] });
    storage.setItem(key, JSON.stringify(stored));
    feed.tell([key]);
    await atmos.whenSynced();
    expect(posts).to.have.length(1);
    expect(puts.map((body) => JSON.parse(body).title)).to.deep.equal(["edited in the other tab"]);
    expect(Todo.all().map((t) => [t.id, t.title, (t as any).syncState()])).to.deep.equal([["1", "edited in the other tab", "synced"]]);
    const final = JSON.parse(storage.getItem("atmos2:rec:Todo:1")!);
    expect([final.attrs.title, final.queue]).to.deep.equal(["edited in the other tab", []]);
  });
});
