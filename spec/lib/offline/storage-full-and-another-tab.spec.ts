import { expect } from "chai";
import { Atmos } from "../../../lib";
import { FakeClock, settle } from "../../fakes/fake-clock";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
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
});
