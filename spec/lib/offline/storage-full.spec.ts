import { expect } from "chai";
import { FakeClock, settle } from "../../fakes/fake-clock";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { nextEvent, openPage, storedEntry, type OfflinePage } from "./offline-page";

/** Issue 6, "storage full": a change that cannot be written waits in memory, in order, and nothing stored is damaged. */
describe("offline: a full storage keeps changes in memory until space frees", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;
  let clock: FakeClock;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    clock = new FakeClock();
    page = openPage({ base: rails.url, clock });
  });
  afterEach(async () => {
    page.close();
    await rails.close();
  });

  const used = () => page.storage.keys().reduce((n, k) => n + k.length + (page.storage.getItem(k) as string).length, 0);

  /** Two synced todos, then storage made full (only a few characters left). */
  async function fillUp(): Promise<{ a: Todo; b: Todo; before: Record<string, string> }> {
    new Todo({ title: "a" }).save({ remote: true });
    new Todo({ title: "b" }).save({ remote: true });
    await page.atmos.whenSynced();
    const [a, b] = Todo.all().sort((x, y) => x.title.localeCompare(y.title));
    const before = Object.fromEntries(page.storage.keys().map((k) => [k, page.storage.getItem(k) as string]));
    page.storage.quota = used() + 20;
    rails.requests.length = 0;
    return { a, b, before };
  }

  it("emits an error of type quota, keeps the change in the app, and leaves stored data intact", async () => {
    const { a, before } = await fillUp();
    const error = nextEvent(page.atmos, "error");
    a.updateAttributes({ title: "a, with a long note that does not fit anymore" }, { remote: true });
    const payload = await error;
    await settle();

    expect(payload.type).to.equal("quota");
    expect(payload.error.message).to.match(/storage is full/);
    // Found by a review at the network's edge: nothing said a reload loses what waits in memory.
    expect(payload.error.message).to.match(/kept in this page's memory only \(closing or reloading the page loses them\)/);
    expect(payload.error.message).to.match(/free some storage, or keep larger data in the IndexedDB store/);
    // API.md: model the class name, record the Spine record.
    expect(payload.model).to.equal("Todo");
    expect((payload.record as Todo | null)?.id).to.equal(a.id);
    expect((Todo.find(a.id) as Todo).title).to.equal("a, with a long note that does not fit anymore");
    expect((Todo.find(a.id) as any).syncState()).to.equal("pending");
    for (const [key, value] of Object.entries(before)) expect(page.storage.getItem(key), key).to.equal(value);
    expect(storedEntry(page.storage, "Todo", a.id).attrs.title).to.equal("a");
  });

  it("does not send a change before it is written, then writes and sends it once when space frees", async () => {
    const { a } = await fillUp();
    const error = nextEvent(page.atmos, "error");
    a.updateAttributes({ title: "a, edited while storage was full" }, { remote: true });
    await error;
    await page.atmos.push();
    expect(rails.requests).to.deep.equal([]);

    page.storage.quota = Infinity;
    await clock.advance(5_000);
    await page.atmos.whenSynced();
    expect(rails.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([`PUT /todos/${a.id}`]);
    expect(rails.records("todos").find((r) => String(r.id) === a.id)).to.include({ title: "a, edited while storage was full" });
    expect(storedEntry(page.storage, "Todo", a.id).attrs.title).to.equal("a, edited while storage was full");
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  // Found by an outside review (IndexedDB that could not be opened): any
  // other failed write was told as type "invalid", "writing to storage
  // failed", without saying that the changes were in memory only and lost
  // on a reload, though they were kept and written as a full storage's are.
  it("tells of a write that fails for another reason (storage blocked) as type storage, says the changes are in memory only, and writes and sends them once it works", async () => {
    const { a } = await fillUp();
    page.storage.quota = Infinity;
    const blocked = new Error("The operation is insecure.");
    blocked.name = "SecurityError";
    page.storage.failure = blocked;
    const error = nextEvent(page.atmos, "error");
    a.updateAttributes({ title: "a, edited while storage was blocked" }, { remote: true });
    const payload = await error;
    expect([payload.type, payload.error.message]).to.deep.equal([
      "storage",
      "atmos2: writing to storage failed (SecurityError: The operation is insecure.); the changes since are kept in this page's memory only (closing or reloading the page loses them) and are written, then sent, once a write works again (tried every 5 s)",
    ]);

    page.storage.failure = undefined;
    await clock.advance(5_000);
    await page.atmos.whenSynced();
    expect(rails.records("todos").find((r) => String(r.id) === a.id)).to.include({ title: "a, edited while storage was blocked" });
    expect(storedEntry(page.storage, "Todo", a.id).attrs.title).to.equal("a, edited while storage was blocked");
  });

  // API.md: storage full arrives as error events "and error callbacks". Found
  // by a hostile-server review: the save's error callback never ran.
  it("tells the save's error callback once (type quota, retrying), then its success callback once it is written and sent", async () => {
    const { a } = await fillUp();
    const heard: string[] = [];
    const error = nextEvent(page.atmos, "error");
    a.updateAttributes(
      { title: "a, edited while storage was full" },
      { remote: true, error: (_record: unknown, err: { type: string; retrying?: boolean }) => heard.push(`error ${err.type} ${err.retrying}`), success: () => heard.push("success") },
    );
    await error;
    await page.atmos.push();
    await page.atmos.push();
    expect(heard).to.deep.equal(["error quota true"]);

    page.storage.quota = Infinity;
    await clock.advance(5_000);
    await page.atmos.whenSynced();
    expect(heard).to.deep.equal(["error quota true", "success"]);
  });

  it("sends the change by itself once it is written, without a push() or another save", async () => {
    const { a } = await fillUp();
    const error = nextEvent(page.atmos, "error");
    a.updateAttributes({ title: "a, edited while storage was full" }, { remote: true });
    await error;
    await settle();
    page.storage.quota = Infinity;
    await clock.advance(5_000); // the write is tried again
    for (let i = 0; i < 20 && rails.requests.length === 0; i++) await settle();
    expect(rails.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([`PUT /todos/${a.id}`]);
  });

  it("keeps the order of changes made while full: they are sent in the order they were made", async () => {
    const { a, b } = await fillUp();
    const error = nextEvent(page.atmos, "error");
    b.updateAttributes({ title: "b first, this does not fit" }, { remote: true });
    a.updateAttributes({ title: "a second, neither does this" }, { remote: true });
    await error;
    await settle();
    new Todo({ title: "c third, new" }).save({ remote: true });
    await settle();
    expect(rails.requests).to.deep.equal([]);

    page.storage.quota = Infinity;
    await clock.advance(5_000);
    await page.atmos.whenSynced();
    const sent = rails.requests.map((r) => `${r.method} ${r.path}`);
    expect(sent).to.deep.equal([`PUT /todos/${b.id}`, `PUT /todos/${a.id}`, "POST /todos"]);
  });

  it("keeps every change made while full across a reload once it has been written", async () => {
    const { a } = await fillUp();
    const error = nextEvent(page.atmos, "error");
    a.updateAttributes({ title: "kept in memory, then written" });
    await error;
    page.storage.quota = Infinity;
    await clock.advance(5_000);
    await page.atmos.whenSynced();
    await page.reload();
    expect((Todo.find(a.id) as Todo).title).to.equal("kept in memory, then written");
    expect(rails.requests).to.deep.equal([]);
  });

  it("says storage is full once while it stays full, and again only after it had room", async () => {
    const { a, b } = await fillUp();
    const quota = () => errors.filter((e) => e.type === "quota").length;
    const errors: Array<{ type?: string }> = [];
    page.atmos.on("error", (payload) => errors.push(payload));
    a.updateAttributes({ title: "a, edited while storage was full" }, { remote: true });
    await settle();
    b.updateAttributes({ title: "b, edited while storage was full" }, { remote: true });
    await page.atmos.push();
    await clock.advance(5_000);
    await clock.advance(5_000);
    await settle();
    expect(quota(), "while it stays full").to.equal(1);

    page.storage.quota = Infinity;
    // Written on the write queue's next try; sent now, not at the backoff the failed tries built up.
    await clock.advance(5_000);
    await page.atmos.push();
    await page.atmos.whenSynced();
    page.storage.quota = used() + 20;
    a.updateAttributes({ title: "a, edited when storage was full again" }, { remote: true });
    await settle();
    expect(quota(), "full again after it had room").to.equal(2);
  });
});

