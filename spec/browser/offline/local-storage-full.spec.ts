import { expect } from "chai";
import type { Atmos } from "../../../lib";
import { api, nextEvent, OfflineList, openAtmos } from "./browser-page";

/** Issue 6, "storage full", on Chromium's real localStorage quota. */
describe("offline in Chromium: a full localStorage keeps changes in memory until space frees", () => {
  const fillerPrefix = "offline-spec-filler:";
  let atmos: Atmos;
  let sent: string[];
  let fillers: string[];

  /** Fills localStorage to the last character it takes, with keys outside atmos2's prefix. */
  function fillLocalStorage(): void {
    for (let size = 512 * 1024; size >= 1; size = Math.floor(size / 4)) {
      const chunk = "f".repeat(size);
      for (;;) {
        const key = `${fillerPrefix}${fillers.length}`;
        try {
          localStorage.setItem(key, chunk);
          fillers.push(key);
        } catch (error) {
          expect((error as Error).name).to.equal("QuotaExceededError");
          break;
        }
      }
    }
  }
  const freeSpace = () => {
    for (const key of fillers.splice(0)) localStorage.removeItem(key);
  };

  beforeEach(async () => {
    localStorage.clear();
    OfflineList.deleteAll();
    fillers = [];
    sent = [];
    atmos = openAtmos();
    const transport = atmos.resourceClient.fetch;
    atmos.resourceClient.fetch = (url, init) => (sent.push(`${init.method} ${url}`), transport(url, init));
  });
  afterEach(() => {
    atmos.close();
    freeSpace();
    localStorage.clear();
  });

  it("emits a quota error, damages nothing stored, and writes then sends the change once space frees", async () => {
    new OfflineList({ title: "Storage full: before" }).save({ remote: true });
    await atmos.whenSynced();
    const list = OfflineList.first() as OfflineList;
    const key = `atmos2:rec:OfflineList:${list.id}`;
    const before = Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith("atmos2:")).map((k) => [k, localStorage.getItem(k)]));
    sent.length = 0;

    fillLocalStorage();
    const error = nextEvent(atmos, "error");
    list.updateAttributes({ title: `Storage full: edited ${"x".repeat(1000)}` }, { remote: true });
    const payload = await error;
    expect(payload.type).to.equal("quota");
    expect((OfflineList.find(list.id) as OfflineList).title, "in the app").to.match(/^Storage full: edited x+$/);
    expect((OfflineList.find(list.id) as any).syncState()).to.equal("pending");
    for (const [k, v] of Object.entries(before)) expect(localStorage.getItem(k), k).to.equal(v);
    await atmos.push();
    expect(sent).to.deep.equal([]);

    freeSpace();
    await atmos.push();
    await atmos.whenSynced();
    expect(sent).to.deep.equal([`PUT ${location.origin}/tasks/v1/users/@me/lists/${list.id}`]);
    expect(JSON.parse(localStorage.getItem(key) as string).attrs.title, "stored").to.match(/^Storage full: edited x+$/);
    expect((await api("GET", `/users/@me/lists/${list.id}`)).title, "on the server").to.match(/^Storage full: edited x+$/);
    expect(atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("keeps changes made while full in the order they were made", async () => {
    new OfflineList({ title: "Storage full: one" }).save({ remote: true });
    new OfflineList({ title: "Storage full: two" }).save({ remote: true });
    await atmos.whenSynced();
    const [one, two] = OfflineList.all().sort((a, b) => a.title.localeCompare(b.title));
    sent.length = 0;

    fillLocalStorage();
    const error = nextEvent(atmos, "error");
    two.updateAttributes({ title: `Storage full: two edited ${"y".repeat(1000)}` }, { remote: true });
    one.updateAttributes({ title: `Storage full: one edited ${"z".repeat(1000)}` }, { remote: true });
    await error;
    freeSpace();
    await atmos.push();
    await atmos.whenSynced();
    expect(sent.map((s) => s.split("/").pop())).to.deep.equal([two.id, one.id]);
  });
});
