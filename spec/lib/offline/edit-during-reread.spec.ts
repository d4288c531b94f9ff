import { expect } from "chai";
import { Atmos, WebStorageStore } from "../../../lib";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { QueuedStore } from "../../fakes/queued-store";
import { resetModels, Todo } from "../models";

/**
 * Another tab deletes a record, and this tab's user edits it while this
 * tab is reading that news from a store that runs requests in order
 * (IndexedDB): the read was made before the edit's write, so it finds the
 * record gone, and the edit's write lands after it. This tab must keep
 * showing what it wrote (as storage and the other tabs then hold it), not
 * drop the record from its page.
 */
describe("offline: a record edited here while this tab reads another tab's delete of it", () => {
  let atmos: Atmos;
  let storage: MemoryStorage;
  let feed: ManualFeed;
  const key = "atmos2:rec:Todo:t1";

  beforeEach(async () => {
    resetModels();
    storage = new MemoryStorage();
    feed = new ManualFeed();
    atmos = new Atmos({ store: new QueuedStore(new WebStorageStore(storage)), feed });
    await (Todo as any).sync();
    new Todo({ id: "t1", title: "milk", done: false }).save();
    await atmos.whenSynced();
  });
  afterEach(() => atmos.close());

  it("keeps showing the edit, which storage holds once its write lands", async () => {
    // The other tab's delete.
    storage.removeItem(key);
    feed.tell([key]);
    // The read of that news is made; then the user edits the todo.
    await new Promise((resolve) => setTimeout(resolve, 5));
    Todo.find("t1").updateAttributes({ title: "oat milk" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await atmos.whenSynced();
    expect(JSON.parse(storage.getItem(key)!).attrs.title, "stored").to.equal("oat milk");
    expect(Todo.exists("t1") && Todo.find("t1").title, "shown").to.equal("oat milk");
  });
});
