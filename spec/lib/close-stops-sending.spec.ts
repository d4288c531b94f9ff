import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../lib";
import { MemoryStorage } from "../fakes/memory-storage";
import { listen, shutdown } from "../servers/listen";
import { resetModels, Todo } from "./models";

/**
 * API.md: "atmos.close() stops timers, sockets and sending … a new Atmos on
 * the same storage then takes over at once". Found by a Spine user trying
 * the packed package: a save made just before close() still reached the
 * server after it; the answer was dropped, and the next Atmos sent the
 * create again: a server that ignores Idempotency-Key (a Rails scaffold,
 * json-server) then held two copies.
 */
describe("atmos.close() just after a save", () => {
  let server: http.Server;
  let posts: number;
  let storage: MemoryStorage;

  beforeEach(async () => {
    resetModels();
    posts = 0;
    let next = 1;
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        if (req.method === "POST") posts++;
        res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" });
        res.end(req.method === "GET" ? "[]" : JSON.stringify({ ...JSON.parse(body || "{}"), id: next++ }));
      });
    });
    storage = new MemoryStorage();
  });
  afterEach(async () => {
    await shutdown(server);
  });

  it("sends nothing after close(); the next Atmos on the same storage sends the create once", async () => {
    const base = await listen(server);
    const atmos = new Atmos({ storage });
    atmos.resourceClient.base = base;
    new Todo({ title: "milk" }).save({ remote: true });
    // The create is on its way to fetch, not yet on the wire.
    await new Promise((resolve) => setTimeout(resolve, 0));
    // (On a busy machine the request may have reached the server already: that one is not "after".)
    const before = posts;
    atmos.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(posts - before, "requests after close()").to.equal(0);

    const next = new Atmos({ storage });
    next.resourceClient.base = base;
    await Todo.sync();
    await next.push("Todo");
    await next.whenSynced();
    expect(posts - before).to.equal(1);
    expect((Todo.all() as Todo[]).map((t) => [t.title, (t as any).syncState()])).to.deep.equal([["milk", "synced"]]);
    next.close();
  });
});
