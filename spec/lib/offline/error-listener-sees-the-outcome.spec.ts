import { expect } from "chai";
import { FakeClock } from "../../fakes/fake-clock";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { openPage, type OfflinePage } from "./offline-page";
import { until } from "../../support/until";

/**
 * Found by a new user following the README: `atmos.on("error", ({ record,
 * status }) => { if (status >= 400) showRetry(record) })` read
 * `record.syncState()` "pending" and `status().failed` 0 for a change the
 * server had refused (the payload said `retrying: false`): the change was
 * parked only after the listeners had run. A listener reads what the payload
 * tells: the record's state and the counts are the outcome's.
 */
describe("offline: an error listener sees the outcome its payload tells", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    page = openPage({ base: rails.url, clock: new FakeClock() });
  });
  afterEach(async () => {
    page.close();
    await rails.close();
  });

  /** Saves a new Todo and records what the error listener and the save's error callback read. */
  async function seenOnFailure(): Promise<{ event: Record<string, unknown>; callback: Record<string, unknown> }> {
    const read = (record: any, payload: { status: number; retrying?: boolean }) => ({
      status: payload.status,
      retrying: payload.retrying,
      syncState: record.syncState(),
      failed: page.atmos.status().failed,
    });
    let event: Record<string, unknown> | undefined;
    let callback: Record<string, unknown> | undefined;
    // The first failure's: a change that waits (503) is not sent again here (the clock is held).
    page.atmos.on("error", (payload: any) => (event ??= read(payload.record, payload)));
    new Todo({ title: "Milk" }).save({ remote: true, error: (record: any, payload: any) => (callback ??= read(record, payload)) });
    await until(() => event !== undefined && callback !== undefined);
    return { event: event!, callback: callback! };
  }

  it("reads a refused change (422) as failed, counted in status().failed, in the listener and in the callback", async () => {
    rails.failNext(422, { title: ["can't be blank"] });
    const { event, callback } = await seenOnFailure();
    const outcome = { status: 422, retrying: false, syncState: "failed", failed: 1 };
    expect(event, "the error event's listener").to.deep.equal(outcome);
    expect(callback, "the save's error callback").to.deep.equal(outcome);
  });

  it("reads a change answered 500 (sent again by itself) as failed, counted, in the listener and in the callback", async () => {
    rails.failNext(500, { error: "try later" });
    const { event, callback } = await seenOnFailure();
    const outcome = { status: 500, retrying: true, syncState: "failed", failed: 1 };
    expect(event, "the error event's listener").to.deep.equal(outcome);
    expect(callback, "the save's error callback").to.deep.equal(outcome);
  });

  it("reads a change the network lost (503, an offline status) as pending, with nothing failed", async () => {
    rails.failNext(503, { error: "down" });
    const { event, callback } = await seenOnFailure();
    const outcome = { status: 503, retrying: true, syncState: "pending", failed: 0 };
    expect(event, "the error event's listener").to.deep.equal(outcome);
    expect(callback, "the save's error callback").to.deep.equal(outcome);
  });
});
