import { expect } from "chai";
import { IndexedDBStore } from "../../../lib/store/indexeddb-store";
import { OfflineList, openAtmos } from "./browser-page";
import type { Atmos } from "../../../lib";

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/**
 * Found by an outside review in Chromium: a test suite that gave each test
 * a fresh IndexedDB database and did not close the Atmos before saw the
 * records saved through the new one vanish from the page, one Spine
 * `destroy` event each. Both instances heard the same news channel (named
 * by the storage-key prefix alone); the old one read each record the new
 * one wrote from its own database, found none, and took it for deleted.
 */
describe("two Atmos instances on two IndexedDB databases in one page, the first not closed", () => {
  const names = [`two-stores-a-${Date.now()}`, `two-stores-b-${Date.now()}`];
  const made: Atmos[] = [];
  afterEach(async () => {
    for (const atmos of made.splice(0)) atmos.close();
    OfflineList.deleteAll();
    for (const name of names) await deleteDatabase(name);
  });

  it("keep the records saved through the second in memory, with no destroy event, and each database its own", async () => {
    made.push(openAtmos({ store: new IndexedDBStore(names[0]) }));
    const second = openAtmos({ store: new IndexedDBStore(names[1]) });
    made.push(second);
    await (OfflineList as any).sync();
    const destroyed: string[] = [];
    OfflineList.bind("destroy", (record: { title: string }) => destroyed.push(record.title));
    const titles = [0, 1, 2, 3, 4].map((i) => `two stores ${i} ${Math.random()}`);
    for (const title of titles) new OfflineList({ title }).save();
    await second.whenSynced();
    await new Promise((resolve) => setTimeout(resolve, 500));
    OfflineList.unbind("destroy");
    expect(destroyed).to.deep.equal([]);
    expect((OfflineList.all() as unknown as Array<{ title: string }>).filter((list) => titles.includes(list.title))).to.have.length(5);
    const reader = new IndexedDBStore(names[1]);
    const stored = await reader.entries("atmos2:rec:OfflineList:");
    await reader.close();
    expect(stored.length, "in the second database").to.equal(5);
  });
});
