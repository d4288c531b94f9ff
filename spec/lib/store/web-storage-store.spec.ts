import { expect } from "chai";
import { WebStorageStore } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";

describe("WebStorageStore", () => {
  let storage: MemoryStorage;
  let store: WebStorageStore;

  beforeEach(() => {
    storage = new MemoryStorage();
    store = new WebStorageStore(storage);
  });

  it("gives back what was put, as a copy", async () => {
    const value = { title: "Milk", tags: ["a"] };
    await store.put("atmos2:rec:Task:1", value);
    value.title = "changed after put";
    expect(await store.get("atmos2:rec:Task:1")).to.deep.equal({ title: "Milk", tags: ["a"] });
  });

  it("answers undefined for a key never written or deleted", async () => {
    expect(await store.get("nope")).to.equal(undefined);
    await store.put("k", 1);
    await store.delete("k");
    expect(await store.get("k")).to.equal(undefined);
    expect(storage.getItem("k")).to.equal(null);
  });

  it("applies a batch of puts and deletes", async () => {
    await store.put("a", 1);
    await store.batch([
      { type: "put", key: "b", value: 2 },
      { type: "delete", key: "a" },
      { type: "put", key: "c", value: { x: 3 } },
    ]);
    expect(await store.get("a")).to.equal(undefined);
    expect(await store.get("b")).to.equal(2);
    expect(await store.get("c")).to.deep.equal({ x: 3 });
  });

  it("lists the entries under a prefix only", async () => {
    await store.put("atmos2:rec:Task:1", { id: 1 });
    await store.put("atmos2:rec:Task:2", { id: 2 });
    await store.put("atmos2:hw:Task", "x");
    storage.setItem("other-app", "{}");
    const entries = await store.entries("atmos2:rec:");
    expect(entries).to.have.deep.members([
      ["atmos2:rec:Task:1", { id: 1 }],
      ["atmos2:rec:Task:2", { id: 2 }],
    ]);
  });

  it("lists every item of a storage object that has fields of its own, whatever their number", async () => {
    // MemoryStorage has three own fields (map, quota, writes): three items must not be confused with them.
    for (const n of [1, 2, 3, 4]) {
      const fresh = new WebStorageStore(new MemoryStorage());
      for (let i = 0; i < n; i++) await fresh.put(`atmos2:rec:Task:${i}`, { i });
      expect((await fresh.entries("atmos2:rec:")).map(([key]) => key)).to.have.length(n);
    }
  });

  it("ignores a malformed value under the prefix instead of refusing to load the rest", async () => {
    await store.put("atmos2:rec:Task:1", { id: 1 });
    storage.setItem("atmos2:rec:Task:2", "{not json");
    expect(await store.entries("atmos2:rec:")).to.deep.equal([["atmos2:rec:Task:1", { id: 1 }]]);
    expect(await store.get("atmos2:rec:Task:2")).to.equal(undefined);
  });

  it("rejects a batch that does not fit and deletes nothing of it", async () => {
    await store.put("old", "kept");
    storage.quota = storage.keys().reduce((n, k) => n + k.length + storage.getItem(k)!.length, 0) + 10;
    let failure: Error | undefined;
    try {
      await store.batch([
        { type: "delete", key: "old" },
        { type: "put", key: "new", value: "x".repeat(100) },
      ]);
    } catch (error) {
      failure = error as Error;
    }
    expect(failure?.name).to.equal("QuotaExceededError");
    expect(await store.get("old")).to.equal("kept");
  });

  it("refuses something that is not Web Storage, saying what to pass", () => {
    expect(() => new WebStorageStore({} as Storage)).to.throw(Error, /Web Storage object/);
  });
});
