import { expect } from "chai";
import { Atmos } from "../../../lib";
import { settle } from "../../fakes/fake-clock";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { resetModels, Todo } from "../models";

/**
 * Found by a live review in Chromium: two tabs of one browser each apply the
 * same live changes from their own socket, and write each to storage. A tab
 * whose socket lagged wrote an older server version over the newer one the
 * other had written, and the other tab, told of the write, showed the older
 * version for a moment (3 of 6 runs), with extra Spine update events.
 */
describe("offline: another tab writes an older server version of a record shown here", () => {
  let storage: MemoryStorage;
  let feed: ManualFeed;
  let atmos: Atmos;
  const key = "atmos2:rec:Todo:r1";

  beforeEach(async () => {
    resetModels();
    storage = new MemoryStorage();
    feed = new ManualFeed();
    atmos = new Atmos({ storage, feed });
    const rc = atmos.resourceClient;
    rc.base = "http://api.invalid";
    const body = JSON.stringify([{ id: "r1", title: "version 2", updated_at: "2026-12-07T10:00:02.000Z" }]);
    rc.fetch = async () => new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
    await Todo.sync({ remote: true });
    await atmos.whenSynced();
  });
  afterEach(() => atmos.close());

  /** What another tab writes: the stored entry with these attributes. */
  const anotherTabWrites = async (title: string, updatedAt: string) => {
    const stored = JSON.parse(storage.getItem(key) as string);
    const attrs = stored.attrs ?? stored.a;
    expect(attrs, "the stored entry's attributes").to.be.an("object");
    Object.assign(attrs, { title, updated_at: updatedAt });
    storage.setItem(key, JSON.stringify(stored));
    feed.tell([key]);
    await settle();
  };

  it("keeps showing the newer version, with no update event", async () => {
    const updates: string[] = [];
    Todo.bind("update", (todo: Todo) => updates.push(todo.title));
    await anotherTabWrites("version 1", "2026-12-07T10:00:01.000Z");
    expect((Todo.find("r1") as Todo).title).to.equal("version 2");
    expect(updates).to.deep.equal([]);
  });

  it("shows a newer version another tab wrote", async () => {
    await anotherTabWrites("version 3", "2026-12-07T10:00:03.000Z");
    expect((Todo.find("r1") as Todo).title).to.equal("version 3");
  });
});
