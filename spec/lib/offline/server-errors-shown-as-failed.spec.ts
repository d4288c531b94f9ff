import { expect } from "chai";
import { FakeClock } from "../../fakes/fake-clock";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { nextEvent, openPage, storedEntry, type OfflinePage } from "./offline-page";

/**
 * API.md: syncState() `"failed"` — rejected with a status that is not an
 * offline one (offlineStatusCodes, default [0, 408, 502, 503, 504]); and
 * whenSynced() resolves when nothing is left to send except failed changes.
 * A 500 is such a status. It may also pass (an overloaded server), so the
 * change is not parked: it shows "failed" and goes again after a backoff by
 * itself, and "synced" follows once the server takes it. A 429 refused
 * nothing (the change waits its turn: see retry-after.spec.ts).
 */
describe("offline: a save answered with a 5xx that is not an offline status", () => {
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

  for (const status of [500, 507]) {
    it(`shows the record "failed" and counts it in status().failed after a ${status}; whenSynced() does not wait for it`, async () => {
      rails.failNext(status, { error: "try later" });
      const seen: Array<{ status: number; retrying?: boolean }> = [];
      const error = nextEvent(page.atmos, "error");
      const todo = new Todo({ title: "Milk" });
      todo.save({ remote: true, error: (_record: unknown, payload: { status: number; retrying?: boolean }) => seen.push(payload) });
      expect(await error).to.include({ model: "Todo", status, retrying: true });
      await page.atmos.whenSynced();
      expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
      expect(page.atmos.status()).to.deep.include({ pending: 0, failed: 1 });
      expect(storedEntry(page.storage, "Todo", todo.id).failed).to.include({ status });
      expect(seen.map((p) => [p.status, p.retrying])).to.deep.equal([[status, true]]);
    });

    it(`sends the change again by itself after a ${status}, and it ends "synced" once the server takes it`, async () => {
      rails.failNext(status, { error: "try later" });
      let succeeded = 0;
      const todo = new Todo({ title: "Milk" });
      todo.save({ remote: true, success: () => succeeded++ });
      await page.atmos.whenSynced();
      expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
      // The backoff passes: the next attempt goes without retry() or push().
      await clock.runAll();
      await page.atmos.whenSynced();
      const saved = Todo.first() as any;
      expect(saved.syncState()).to.equal("synced");
      expect(page.atmos.status()).to.deep.include({ pending: 0, failed: 0 });
      expect(rails.records("todos").map((row) => row.title)).to.deep.equal(["Milk"]);
      expect(succeeded).to.equal(1);
    });
  }

  // Found by a data-loss hunt: after the system clock stepped back an hour,
  // a change answered 500 was not sent again for an hour (the backoff was
  // measured to a time on the clock), though "first retry within 1 s".
  it("sends the change again after the backoff when the system clock stepped back meanwhile", async () => {
    rails.failNext(500, { error: "try later" });
    new Todo({ title: "Milk" }).save({ remote: true });
    await page.atmos.whenSynced();
    expect(page.atmos.status()).to.deep.include({ failed: 1 });
    clock.stepWallClock(-3_600_000);
    await clock.advance(1000);
    await page.atmos.whenSynced();
    expect(page.atmos.status()).to.deep.include({ pending: 0, failed: 0 });
    expect(rails.records("todos").map((row) => row.title)).to.deep.equal(["Milk"]);
  });

  for (const status of [503, 429]) {
    it(`counts a change answered ${status} (${status === 503 ? "an offline status by default" : "too many requests"}) as pending, not failed`, async () => {
      rails.failNext(status, { error: "later" });
      new Todo({ title: "Milk" }).save({ remote: true });
      await nextEvent(page.atmos, "error");
      expect((Todo.first() as any).syncState()).to.equal("pending");
      expect(page.atmos.status()).to.deep.include({ pending: 1, failed: 0 });
    });
  }

  it("treats a 500 as offline when offlineStatusCodes says so: pending, not failed", async () => {
    page.atmos.offlineStatusCodes = (r) => r.status === 0 || r.status >= 500;
    rails.failNext(500, { error: "busy" });
    new Todo({ title: "Milk" }).save({ remote: true });
    await nextEvent(page.atmos, "error");
    expect((Todo.first() as any).syncState()).to.equal("pending");
    expect(page.atmos.status()).to.deep.include({ pending: 1, failed: 0 });
  });
});
