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
    // A transport that takes 50 ms to put a request on the wire (a slow
    // connection setup), and, like fetch, never sends one aborted before:
    // the create is handed to it before close(), and is not on the wire yet.
    let handed = 0;
    let sentAfterClose = 0;
    let closed = false;
    atmos.resourceClient.fetch = (url, init) => {
      handed++;
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(new DOMException("This operation was aborted", "AbortError"));
        init.signal?.addEventListener("abort", onAbort);
        setTimeout(() => {
          init.signal?.removeEventListener("abort", onAbort);
          if (init.signal?.aborted) return;
          if (closed) sentAfterClose++;
          fetch(url, init).then(resolve, reject);
        }, 50);
      });
    };
    new Todo({ title: "milk" }).save({ remote: true });
    while (handed === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    atmos.close();
    closed = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sentAfterClose, "requests put on the wire after close()").to.equal(0);
    expect(posts, "requests the server got").to.equal(0);

    const next = new Atmos({ storage });
    next.resourceClient.base = base;
    await Todo.sync();
    await next.push("Todo");
    await next.whenSynced();
    expect(posts).to.equal(1);
    expect((Todo.all() as Todo[]).map((t) => [t.title, (t as any).syncState()])).to.deep.equal([["milk", "synced"]]);
    next.close();
  });
});
