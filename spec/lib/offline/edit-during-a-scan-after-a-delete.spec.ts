import { expect } from "chai";
import Spine from "spine";
import { Atmos, WebStorageStore } from "../../../lib";
import type { Store } from "../../../lib/store/store";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { QueuedStore } from "../../fakes/queued-store";
import { resetModels, Todo } from "../models";

/** A note kept on this device only (`local = true`). */
class Memo extends Spine.Model {
  declare title: string;
}
Memo.configure("Memo", "title");
Memo.extend(Spine.Model.Atmosphere as object);
(Memo as any).local = true;

/** A store (IndexedDB-like: requests in order) whose listings of entries, once held, wait until the spec lets them go. */
class HeldListing extends QueuedStore {
  private gate = Promise.resolve();
  private open = () => undefined as void;
  listings = 0;

  hold(): void {
    this.gate = new Promise<void>((resolve) => (this.open = resolve));
  }

  listed(): void {
    this.open();
  }

  entries<T = unknown>(prefix: string): Promise<Array<[string, T]>> {
    this.listings++;
    return this.gate.then(() => super.entries<T>(prefix));
  }
}

/**
 * Found with real tabs (the s8 probe, 3 of 6 runs): another tab deleted a
 * note while this tab's user edited it behind a large write. Reading that
 * news, this tab found the note gone and then, for a record the server has
 * not acknowledged, looked through the class's records for it under a
 * server id (a listing that waits behind the large write); the user's edit
 * came in meanwhile, and the page then dropped the note, though storage,
 * the other tabs and a reload held the edit. What the user writes while
 * the news is read wins on this page as it does in storage.
 */
describe("offline: a record edited here while this tab reads another tab's delete, and looks for it under a server id", () => {
  let atmos: Atmos;
  let storage: MemoryStorage;
  let feed: ManualFeed;
  let store: HeldListing;

  beforeEach(async () => {
    resetModels();
    Memo.deleteAll();
    storage = new MemoryStorage();
    feed = new ManualFeed();
    store = new HeldListing(new WebStorageStore(storage), 5);
    atmos = new Atmos({ store: store as Store, feed });
    await (Memo as any).sync();
    await (Todo as any).sync();
  });
  afterEach(() => {
    store.listed();
    atmos.close();
  });

  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    await atmos.whenSynced();
  };

  {
    const [Model, key] = [Todo, "atmos2:rec:Todo:m1"];
    it("keeps showing a record not yet sent, edited while the news is read (the edit is what storage holds)", async () => {
      new (Model as any)({ id: "m1", title: "milk" }).save();
      await settle();
      store.hold();
      // The other tab's delete, and its news.
      storage.removeItem(key);
      feed.tell([key]);
      // The listing this tab makes for a record gone under this id is under way.
      await new Promise((resolve) => setTimeout(resolve, 30));
      (Model as any).find("m1").updateAttributes({ title: "oat milk" });
      store.listed();
      await settle();
      expect(JSON.parse(storage.getItem(key)!).attrs.title, "stored").to.equal("oat milk");
      expect((Model as any).exists("m1") && (Model as any).find("m1").title, "shown").to.equal("oat milk");
    });
  }

  // The probe's case: a local-only note, whose delete was read with such a listing, and the edit came in meanwhile.
  it("does not look through a local-only class's records for a note another tab deleted (it never gets a server id)", async () => {
    new Memo({ id: "m2", title: "tea" }).save();
    await settle();
    const before = store.listings;
    storage.removeItem("atmos2:rec:Memo:m2");
    feed.tell(["atmos2:rec:Memo:m2"]);
    await settle();
    expect(store.listings - before).to.equal(0);
    expect(Memo.exists("m2")).to.equal(false);
  });
});
