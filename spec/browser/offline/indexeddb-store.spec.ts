import { expect } from "chai";
import { WebStorageStore, type Atmos, type Store } from "../../../lib";
import { IndexedDBStore } from "../../../lib/store/indexeddb-store";
import { api, OfflineList, OfflineTask, openAtmos, until } from "./browser-page";

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => resolve();
  });
}

/** The Store contract, run against both stores a browser app can choose. */
const stores: Array<[string, () => Store, () => Promise<void>]> = [
  ["IndexedDBStore", () => new IndexedDBStore("offline-spec-contract"), () => deleteDatabase("offline-spec-contract")],
  ["WebStorageStore", () => new WebStorageStore(localStorage), async () => localStorage.clear()],
];

/** Issue 6, "IndexedDB store", in Chromium. */
describe("offline in Chromium: the IndexedDB store", () => {
  /**
   * Found with three real tabs: a closing tab's script can stop between its
   * batch completing and its news of it going out to the other tabs (a few
   * microtasks on). Its journal entry was already gone, so no tab took the
   * batch up and told the others: a record another tab had deleted, which
   * that late write brought back, stayed back. The entry now stays until a
   * task after the batch resolved, when the news has gone out.
   */
  it("keeps a batch in the tab's journal until a task after it completed, when its news has gone out", async () => {
    const name = "journal-until-news";
    const journal = () => Object.keys(localStorage).filter((key) => key.startsWith(`atmos2-idb-journal:${name}:`));
    await deleteDatabase(name);
    const store = new IndexedDBStore(name);
    try {
      // The journal keeps nothing until this tab holds its lock.
      await until(async () => !!(await navigator.locks.query()).held?.some((lock) => lock.name?.startsWith(`atmos2-idb-journal:${name}:`)));
      await store.batch([{ type: "put", key: "rec:Note:x", value: { title: "a" } }]);
      // Where the write queue tells the other tabs: the entry is still there.
      expect(journal(), "right after the batch resolved").to.have.length(1);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(journal(), "a task later").to.deep.equal([]);
    } finally {
      await store.close();
      await deleteDatabase(name);
    }
  });

  for (const [name, make, wipe] of stores) {
    describe(`${name} keeps the Store contract`, () => {
      let store: Store;
      beforeEach(async () => {
        await wipe();
        store = make();
      });
      afterEach(async () => {
        await (store as IndexedDBStore).close?.();
        await wipe();
      });

      it("gives back what was put, and undefined for a key never put", async () => {
        await store.put("p:a", { title: "one", tags: ["x"], n: 1 });
        expect(await store.get("p:a")).to.deep.equal({ title: "one", tags: ["x"], n: 1 });
        expect(await store.get("p:missing")).to.equal(undefined);
      });

      it("gives back many values at once, in the order asked, where it can (undefined for a key never put)", async () => {
        if (!store.getMany) return void expect(name, "a store without getMany").to.equal("WebStorageStore");
        await store.batch([
          { type: "put", key: "p:a", value: { n: 1 } },
          { type: "put", key: "p:b", value: { n: 2 } },
        ]);
        expect(await store.getMany(["p:b", "p:missing", "p:a"])).to.deep.equal([{ n: 2 }, undefined, { n: 1 }]);
      });

      it("stores a copy: changing the object afterwards does not change what was stored", async () => {
        const value = { title: "before" };
        await store.put("p:a", value);
        value.title = "after";
        expect(await store.get("p:a")).to.deep.equal({ title: "before" });
      });

      it("deletes a key", async () => {
        await store.put("p:a", 1);
        await store.delete("p:a");
        expect(await store.get("p:a")).to.equal(undefined);
      });

      it("applies a batch of puts and deletes together", async () => {
        await store.put("p:old", 1);
        await store.batch([
          { type: "put", key: "p:new", value: 2 },
          { type: "delete", key: "p:old" },
          { type: "put", key: "p:other", value: { deep: [3] } },
        ]);
        expect(await store.get("p:old")).to.equal(undefined);
        expect(await store.get("p:new")).to.equal(2);
        expect(await store.get("p:other")).to.deep.equal({ deep: [3] });
      });

      it("lists the entries under a prefix only, and a new store on the same data sees them", async () => {
        await store.batch([
          { type: "put", key: "p:rec:a", value: "a" },
          { type: "put", key: "p:rec:b", value: "b" },
          { type: "put", key: "p:hw:x", value: "x" },
          { type: "put", key: "q:rec:c", value: "c" },
        ]);
        const entries = await make().entries<string>("p:rec:");
        expect(entries.sort(([a], [b]) => a.localeCompare(b))).to.deep.equal([
          ["p:rec:a", "a"],
          ["p:rec:b", "b"],
        ]);
      });
    });
  }

  describe("under an Atmos", () => {
    const dbName = "offline-spec-atmos";
    let atmos: Atmos;
    let store: IndexedDBStore;

    beforeEach(async () => {
      OfflineList.deleteAll();
      OfflineTask.deleteAll();
      await deleteDatabase(dbName);
      store = new IndexedDBStore(dbName);
      atmos = openAtmos({ store });
    });
    afterEach(async () => {
      atmos.close();
      await store.close();
      await deleteDatabase(dbName);
    });

    it("keeps records and their unsent changes across a new Atmos, and push() then sends them", async () => {
      const title = `IndexedDB: kept ${Math.random()}`;
      new OfflineList({ title }).save();
      await atmos.whenSynced();
      atmos.close();
      await store.close();
      OfflineList.deleteAll();

      store = new IndexedDBStore(dbName);
      atmos = openAtmos({ store });
      await (OfflineList as any).sync();
      const [list] = OfflineList.all() as any[];
      expect([list.title, list.syncState()]).to.deep.equal([title, "local"]);
      // push() only sends from the tab holding the lease, which a new page gets a moment after it opens.
      await until(async () => ((await navigator.locks.query()).held ?? []).some((l) => l.name === "atmos2:lease"));
      await atmos.push();
      const server = ((await api("GET", "/users/@me/lists")).items as any[]).filter((l) => l.title === title);
      expect(server).to.have.length(1);
      expect((OfflineList.first() as any).id).to.equal(server[0].id);
      expect(localStorage.length).to.equal(0);
    });
  });

  describe("with 10,000 records of about 1 KB", function () {
    const dbName = "bench-db";
    const count = 10_000;
    let listId: string;

    before(async function () {
      // The bundled API commits every write to SQLite with an fsync: seeding takes a while.
      this.timeout(240_000);
      listId = (await api("POST", "/users/@me/lists", { title: "IndexedDB bench" })).id;
      const notes = "n".repeat(1000);
      let next = 0;
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          while (next < count) {
            const i = next++;
            await api("POST", `/lists/${listId}/tasks`, { title: `bench ${i}`, notes });
            // Output keeps karma from taking the long seeding for a hung browser.
            if ((i + 1) % 2000 === 0) console.log(`seeded ${i + 1} of ${count} tasks`);
          }
        }),
      );
      await deleteDatabase(dbName);
    });
    after(async () => {
      await api("DELETE", `/users/@me/lists/${listId}`);
      await deleteDatabase(dbName);
    });

    it("pulls them all with sync({ remote: true }) into new Atmos({ store: new IndexedDBStore(\"bench-db\") })", async function () {
      this.timeout(60_000);
      OfflineTask.deleteAll();
      const store = new IndexedDBStore(dbName);
      let atmos = openAtmos({ store });
      try {
        const records = await (OfflineTask as any).sync({ remote: true, pathParams: { taskListID: listId }, params: { maxResults: 100 } });
        expect(records).to.have.length(count);
        expect(OfflineTask.count()).to.equal(count);
        expect((await store.entries("atmos2:rec:OfflineTask:")).length).to.equal(count);
        atmos.close();
        OfflineTask.deleteAll();
        atmos = openAtmos({ store: new IndexedDBStore(dbName) });
        const reloaded = await (OfflineTask as any).sync();
        expect(reloaded).to.have.length(count);
        const sample = OfflineTask.all()[1234] as OfflineTask;
        expect(sample.notes).to.have.length(1000);
        expect(sample.taskListID).to.equal(listId);
      } finally {
        atmos.close();
        await store.close();
        OfflineTask.deleteAll();
      }
    });
  });
});
