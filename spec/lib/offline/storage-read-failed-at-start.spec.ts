import { expect } from "chai";
import { Atmos } from "../../../lib";
import { WebStorageStore } from "../../../lib/store/web-storage-store";
import { FakeClock } from "../../fakes/fake-clock";
import { MemoryStorage } from "../../fakes/memory-storage";
import { UnopenedStore } from "../../fakes/unopened-store";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";

/**
 * A page opens while its storage cannot be read (an IndexedDB whose open
 * failed: storage blocked for a moment). The first read's failure was kept
 * for the page's life: every later `sync()` and `push()` failed with it, the
 * records stored before never showed, and a change saved meanwhile was
 * never sent, though storage worked again a moment later (found by an
 * outside review of the IndexedDB store). Storage is read again.
 */
describe("offline: storage that cannot be read when the page opens", () => {
  let rails: RailsScaffoldServer;
  let atmos: Atmos;
  let clock: FakeClock;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
  });
  afterEach(async () => {
    atmos.close();
    await rails.close();
  });

  it("is read again once it works: sync() shows the stored records, and the changes waiting are sent", async () => {
    // The last page: one record synced, one change left unsent.
    const storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = rails.url;
    new Todo({ title: "synced before" }).save({ remote: true });
    await atmos.whenSynced();
    new Todo({ title: "left unsent" }).save();
    await atmos.metaContext.flush();
    atmos.close();
    resetModels();

    // This page: storage fails at first.
    clock = new FakeClock();
    const store = new UnopenedStore(new WebStorageStore(storage));
    atmos = new Atmos({ store, clock });
    atmos.resourceClient.base = rails.url;
    const first = await Todo.sync().then(
      () => "read",
      (error: Error) => error.message,
    );
    expect(first, "the first sync()").to.match(/could not open IndexedDB/);

    store.open();
    await Todo.sync();
    expect(Todo.all().map((todo) => todo.title).sort(), "shown after storage works").to.deep.equal(["left unsent", "synced before"]);
    await clock.advance(5_000);
    await Todo.push();
    await atmos.whenSynced();
    expect(rails.records("todos").map((todo) => todo.title).sort(), "the server's").to.deep.equal(["left unsent", "synced before"]);
  });

  // The page's own code asked nothing of storage, so nothing told it: its
  // saves showed on screen, stayed in memory only, and no error event said so.
  it("tells the app once with an error event naming the cause, while it is read again every 5 s", async () => {
    clock = new FakeClock();
    const store = new UnopenedStore(new WebStorageStore(new MemoryStorage()));
    atmos = new Atmos({ store, clock });
    atmos.resourceClient.base = rails.url;
    const said: Array<{ model: string | null; status: number; message: string }> = [];
    atmos.on("error", ({ model, status, error }) => said.push({ model, status, message: error.message }));
    await clock.advance(0);
    await clock.advance(5_000);
    await clock.advance(5_000);
    expect(said).to.have.length(1);
    expect(said[0].model).to.equal(null);
    expect(said[0].status).to.equal(0);
    expect(said[0].message).to.match(/reading storage failed \(atmos2: could not open IndexedDB "app": storage is blocked\); .*closing or reloading the page loses them.*read again every 5 s/);

    store.open();
    new Todo({ title: "saved while unread" }).save({ remote: true });
    await clock.advance(5_000);
    await atmos.whenSynced();
    expect(rails.records("todos").map((todo) => todo.title)).to.deep.equal(["saved while unread"]);
  });
});
