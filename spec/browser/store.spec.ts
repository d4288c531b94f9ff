import { expect } from "chai";
import { WebStorageStore } from "../../lib";

describe("WebStorageStore on the browser's real localStorage", () => {
  const prefix = "atmos2-browser-store:";
  let store: WebStorageStore;

  beforeEach(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith(prefix)) localStorage.removeItem(key);
    store = new WebStorageStore(localStorage);
  });

  it("keeps each value under its own key, readable after a new store is made", async () => {
    await store.put(`${prefix}a`, { title: "one" });
    await store.put(`${prefix}b`, { title: "two" });
    expect(JSON.parse(localStorage.getItem(`${prefix}a`) as string)).to.deep.equal({ title: "one" });
    const again = new WebStorageStore(localStorage);
    const entries = await again.entries(prefix);
    expect(entries.map(([k]) => k).sort()).to.deep.equal([`${prefix}a`, `${prefix}b`]);
  });

  it("applies a batch of puts and deletes", async () => {
    await store.put(`${prefix}old`, 1);
    await store.batch([
      { type: "put", key: `${prefix}new`, value: 2 },
      { type: "delete", key: `${prefix}old` },
    ]);
    expect(await store.get(`${prefix}old`)).to.equal(undefined);
    expect(await store.get(`${prefix}new`)).to.equal(2);
  });

  it("reports a full storage as a QuotaExceededError and keeps what was stored", async () => {
    await store.put(`${prefix}kept`, { title: "safe" });
    const big = "x".repeat(1024 * 1024);
    let error: unknown;
    try {
      for (let i = 0; i < 20; i++) await store.put(`${prefix}big${i}`, big);
    } catch (e) {
      error = e;
    } finally {
      for (let i = 0; i < 20; i++) localStorage.removeItem(`${prefix}big${i}`);
    }
    expect((error as Error)?.name).to.equal("QuotaExceededError");
    expect(await store.get(`${prefix}kept`)).to.deep.equal({ title: "safe" });
  });
});
