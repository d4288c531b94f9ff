import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { FakeClock, settle } from "../../fakes/fake-clock";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { resetModels, Todo } from "../models";

/**
 * Storage full, two tabs. A batch of writes failed part-way: the records
 * written before the one that did not fit were in storage, and other tabs
 * read them, but this tab put the whole batch back and wrote it all again
 * later. A record another tab deleted meanwhile came back, in storage and on
 * the server (found from outside, 5 of 5 runs).
 */
describe("offline: storage full, with another tab deleting what this tab wrote", () => {
  let storage: MemoryStorage;
  let feed: ManualFeed;
  let clock: FakeClock;
  let atmos: Atmos;

  beforeEach(async () => {
    resetModels();
    storage = new MemoryStorage();
    feed = new ManualFeed();
    clock = new FakeClock();
    atmos = new Atmos({ storage, feed, clock });
    await atmos.metaContext.ready;
  });
  afterEach(() => atmos.close());

  const used = () => storage.keys().reduce((n, k) => n + k.length + (storage.getItem(k) as string).length, 0);

  it("does not write again, over another tab's delete, a record its failed batch had written", async () => {
    const gone = new Todo({ title: "to delete" });
    gone.save();
    await atmos.whenSynced();
    storage.quota = used() + 400;
    const errors: string[] = [];
    atmos.on("error", (payload) => errors.push(String(payload.type)));
    // One batch (a delete queued first makes the saves wait for it): the small record fits, the big one does not.
    gone.destroy();
    const small = new Todo({ title: "small" });
    small.save();
    new Todo({ title: "x".repeat(2000) }).save();
    await settle();
    expect(errors).to.deep.equal(["quota"]);
    const smallKey = `atmos2:rec:Todo:${small.id}`;
    expect(storage.getItem(smallKey), "the small record was written").to.not.equal(null);
    expect(feed.published.flat(), "and the other tabs were told").to.include(smallKey);

    // Another tab read it, and deleted it (a record the server never saw: nothing to send).
    storage.removeItem(smallKey);
    feed.tell([smallKey]);
    await settle();
    storage.quota = Infinity;
    await clock.advance(5_000);
    await atmos.whenSynced();
    expect(storage.getItem(smallKey), "still deleted in storage").to.equal(null);
    expect(Todo.exists(String(small.id)), "and in this tab").to.equal(false);
  });

  it("takes another tab's delete of a record whose newer write is still waiting for room, and never sends it", async () => {
    // Found from outside: the push marked the create as sent; that write
    // waited behind the one that did not fit, and news of the record from
    // other tabs was ignored as this tab's own write to come. The other tab's
    // delete was undone once room was made, and the create went out.
    const posts: string[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        posts.push(`${req.method} ${JSON.parse(body || "{}").title ?? ""}`.slice(0, 40));
        res.writeHead(201, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ ...JSON.parse(body || "{}"), id: posts.length }));
      });
    });
    atmos.resourceClient.base = await listen(server);
    try {
      storage.quota = used() + 600;
      const small = new Todo({ title: "small" });
      small.save({ remote: true });
      new Todo({ title: "x".repeat(2000) }).save({ remote: true });
      await settle();
      await settle();
      const smallKey = `atmos2:rec:Todo:${small.id}`;
      expect(storage.getItem(smallKey), "the small record was written").to.not.equal(null);

      // Another tab deletes it (its create never left: nothing to send).
      storage.removeItem(smallKey);
      feed.tell([smallKey]);
      await settle();
      expect(Todo.exists(String(small.id)), "gone in this tab too").to.equal(false);

      storage.quota = Infinity;
      await clock.advance(5_000);
      await atmos.whenSynced();
      expect(storage.getItem(smallKey), "still deleted in storage").to.equal(null);
      expect(posts.filter((p) => p.includes("small")), "never sent").to.deep.equal([]);
    } finally {
      await shutdown(server);
    }
  });
});
