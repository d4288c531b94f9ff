import { expect } from "chai";
import { Atmos } from "../../../lib";
import { MetaContext } from "../../../lib/meta-context";
import { systemClock } from "../../../lib/env/clock";
import { WebStorageStore } from "../../../lib/store/web-storage-store";
import { DelayedStore } from "../../fakes/delayed-store";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { openPage, storedEntry, type OfflinePage } from "./offline-page";

/**
 * API.md: "atmos.close() ... a new Atmos on the same storage then takes over
 * at once", and a remote save is a create only if "the server has never
 * acknowledged this record". Here the page is not reloaded: Spine still holds
 * its records when the new Atmos is made, so the app can edit them at once,
 * before a store that answers asynchronously has been read.
 */
describe("offline: a new Atmos on the same storage, on the same page", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;
  let next: Atmos | undefined;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    page = openPage({ base: rails.url });
  });
  afterEach(async () => {
    next?.close();
    next = undefined;
    page.close();
    await rails.close();
  });

  /** One record the server has, one saved without remote; then the first Atmos is closed. */
  async function serverKnownAndLocal(): Promise<{ known: string; local: string }> {
    const known = new Todo({ title: "v1" });
    known.save({ remote: true });
    await page.atmos.whenSynced();
    const local = new Todo({ title: "not sent" });
    local.save();
    await page.atmos.whenSynced();
    page.close();
    return { known: (Todo.findByAttribute("title", "v1") as Todo).id, local: local.id };
  }

  function takeOver(store?: "delayed"): Atmos {
    const storage = page.storage;
    next = store ? new Atmos({ store: new DelayedStore(new WebStorageStore(storage), 20) }) : new Atmos({ storage });
    next.resourceClient.base = rails.url;
    return next;
  }

  const sent = () => rails.requests.slice(1).map((r) => `${r.method} ${r.path}`);

  describe("on Web Storage", () => {
    it("knows at once which records the server has, and which have unsent changes", async () => {
      const { known, local } = await serverKnownAndLocal();
      takeOver();
      expect((Todo.find(known) as any).syncState()).to.equal("synced");
      expect((Todo.find(local) as any).syncState()).to.equal("local");
      expect((Todo as any).dirty().map((t: Todo) => t.id)).to.deep.equal([local]);
    });

    it("sends an edit of a record the server has as an update, at once after the new Atmos is made", async () => {
      const { known } = await serverKnownAndLocal();
      const atmos = takeOver();
      const edit = Todo.find(known) as Todo;
      edit.title = "v2";
      edit.save({ remote: true });
      await atmos.whenSynced();

      expect(sent()).to.deep.equal([`PUT /todos/${known}`]);
      expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["v2"]);
      expect(Todo.exists(known)).to.equal(true);
      expect((Todo.find(known) as any).syncState()).to.equal("synced");
    });

    it("reads the stored entries when the record of remotely-known ids is made", () => {
      const storage = new MemoryStorage();
      storage.setItem("p:rec:Todo:7", JSON.stringify({ className: "Todo", id: "7", attrs: { id: "7" }, acked: true, queue: [] }));
      const meta = new MetaContext(new WebStorageStore(storage), { prefix: "p:", clock: systemClock, onWriteError: () => undefined });
      expect(meta.loaded).to.equal(true);
      expect(meta.get("Todo", "7")?.acked).to.equal(true);
    });
  });

  describe("on a store that answers asynchronously", () => {
    it("sends an edit made before the stored entries were read as an update", async () => {
      const { known } = await serverKnownAndLocal();
      const atmos = takeOver("delayed");
      const edit = Todo.find(known) as Todo;
      edit.title = "v2";
      edit.save({ remote: true });
      await atmos.whenSynced();

      expect(sent()).to.deep.equal([`PUT /todos/${known}`]);
      expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["v2"]);
      expect((Todo.find(known) as any).syncState()).to.equal("synced");
    });

    it("keeps an edit saved without remote before the read as an unsent update of the server's record", async () => {
      const { known, local } = await serverKnownAndLocal();
      const atmos = takeOver("delayed");
      const edit = Todo.find(known) as Todo;
      edit.title = "v2";
      edit.save();
      await atmos.metaContext.ready;

      expect((Todo.find(known) as any).syncState()).to.equal("local");
      expect((Todo as any).dirty().map((t: Todo) => t.id).sort()).to.deep.equal([known, local].sort());
      await atmos.push();
      expect(sent()).to.have.members([`PUT /todos/${known}`, "POST /todos"]);
      expect(rails.records("todos").map((r) => r.title).sort()).to.deep.equal(["not sent", "v2"]);
    });

    it("keeps the unsent change storage held for a record edited again before the read", async () => {
      const known = new Todo({ title: "v1" });
      known.save({ remote: true });
      await page.atmos.whenSynced();
      const id = (Todo.first() as Todo).id;
      const first = Todo.find(id) as Todo;
      first.done = true;
      first.save(); // stored, unsent
      await page.atmos.whenSynced();
      page.close();

      const atmos = takeOver("delayed");
      const again = Todo.find(id) as Todo;
      again.title = "v2";
      again.save({ remote: true });
      await atmos.whenSynced();

      expect(sent().every((line) => line === `PUT /todos/${id}`)).to.equal(true);
      expect(rails.records("todos")).to.have.length(1);
      expect(rails.records("todos")[0]).to.include({ title: "v2", done: true });
      expect(storedEntry(page.storage, "Todo", id)).to.include({ acked: true });
      expect(storedEntry(page.storage, "Todo", id).queue).to.deep.equal([]);
    });

    it("deletes on the server a record destroyed before the read", async () => {
      const { known } = await serverKnownAndLocal();
      const atmos = takeOver("delayed");
      (Todo.find(known) as Todo).destroy({ remote: true });
      await atmos.whenSynced();

      expect(sent()).to.deep.equal([`DELETE /todos/${known}`]);
      expect(rails.records("todos")).to.deep.equal([]);
      expect(storedEntry(page.storage, "Todo", known)).to.equal(undefined);
    });

    it("drops without a request an unsent create destroyed before the read", async () => {
      const { local } = await serverKnownAndLocal();
      const atmos = takeOver("delayed");
      (Todo.find(local) as Todo).destroy({ remote: true });
      await atmos.whenSynced();
      await atmos.push();

      expect(sent()).to.deep.equal([]);
      expect(storedEntry(page.storage, "Todo", local)).to.equal(undefined);
    });
  });
});
