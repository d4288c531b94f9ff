import { expect } from "chai";
import * as http from "http";
import { Atmos, type TabLease } from "../../../lib";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { resetModels, Todo } from "../models";

/**
 * The sending tab saves a new todo and is closed at once: its write reaches
 * storage (an IndexedDB transaction commits after the page is gone), but the
 * news of it never goes out. This tab, waiting for the lease, gets it then:
 * it reads storage before sending, so the todo is shown and sent now, not
 * after the next reload.
 */
describe("offline: the sending tab closed right after a save, before its news went out", () => {
  let server: http.Server;
  let posts: Array<Record<string, unknown>>;
  let storage: MemoryStorage;
  let atmos: Atmos;
  let acquire: () => void;

  /** Another tab holds the lease until `acquire()`. */
  function waitingLease(): TabLease {
    const lease = {
      held: false,
      decided: Promise.resolve(),
      start(onAcquired: () => void) {
        acquire = () => {
          lease.held = true;
          onAcquired();
        };
      },
      release() {
        lease.held = false;
      },
    };
    return lease;
  }

  beforeEach(async () => {
    resetModels();
    posts = [];
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const row = req.method === "POST" ? { ...JSON.parse(body), id: posts.push(JSON.parse(body)) } : [];
        res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(row));
      });
    });
    storage = new MemoryStorage();
    atmos = new Atmos({ storage, feed: new ManualFeed(), lease: waitingLease() });
    atmos.resourceClient.base = await listen(server);
    await atmos.metaContext.ready;
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  it("shows and sends the todo once this tab gets the lease", async () => {
    // The closed tab's last write: a new todo, its create taken to be sent.
    const key = "atmos2:rec:Todo:made-in-the-closed-tab";
    const attrs = { id: "made-in-the-closed-tab", title: "saved, then the tab closed", done: false };
    storage.setItem(key, JSON.stringify({ className: "Todo", id: attrs.id, attrs, acked: false, queue: [{ kind: "create", seq: 1, key: "closed-tab-create", sent: true }] }));

    acquire();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await atmos.whenSynced();

    expect(posts.map((p) => p.title)).to.deep.equal(["saved, then the tab closed"]);
    expect(Todo.all().map((t) => [String(t.id), t.title, (t as any).syncState()])).to.deep.equal([["1", "saved, then the tab closed", "synced"]]);
  });

  it("does not read storage again when it got the lease as it opened (no tab sent before it)", async () => {
    const reads: string[] = [];
    const fresh = new MemoryStorage();
    const attrs = { id: "kept", title: "stored earlier", done: false };
    fresh.setItem("atmos2:rec:Todo:kept", JSON.stringify({ className: "Todo", id: "kept", attrs, acked: true, queue: [] }));
    const get = fresh.getItem.bind(fresh);
    fresh.getItem = (k: string) => (reads.push(k), get(k));
    const alone = new Atmos({ storage: fresh, feed: new ManualFeed(), lease: { held: true, decided: Promise.resolve(), start: (fn) => fn(), release: () => undefined } });
    try {
      await alone.metaContext.ready;
      expect(reads, "the stored todo, read as the Atmos opened").to.include("atmos2:rec:Todo:kept");
      reads.length = 0;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(reads.filter((k) => k.startsWith("atmos2:rec:"))).to.deep.equal([]);
    } finally {
      alone.close();
    }
  });
});
