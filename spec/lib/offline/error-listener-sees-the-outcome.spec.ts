import { expect } from "chai";
import { Todo } from "../models";
import { railsPage } from "./offline-page";
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
  const fixture = railsPage();

  /** Saves a new Todo and records what the error listener and the save's error callback read of the first failure. */
  async function seenOnFailure(): Promise<{ event: Record<string, unknown>; callback: Record<string, unknown> }> {
    const { atmos } = fixture.page;
    const read = (record: any, payload: { status: number; retrying?: boolean }) => ({
      status: payload.status,
      retrying: payload.retrying,
      syncState: record.syncState(),
      failed: atmos.status().failed,
    });
    let event: Record<string, unknown> | undefined;
    let callback: Record<string, unknown> | undefined;
    // The first failure's: a change that waits (503) is not sent again here (the clock is held).
    atmos.on("error", (payload: any) => (event ??= read(payload.record, payload)));
    new Todo({ title: "Milk" }).save({ remote: true, error: (record: any, payload: any) => (callback ??= read(record, payload)) });
    await until(() => event !== undefined && callback !== undefined);
    return { event: event!, callback: callback! };
  }

  const cases = [
    { what: "a refused change (422): failed, counted in status().failed", status: 422, body: { title: ["can't be blank"] }, retrying: false, syncState: "failed", failed: 1 },
    { what: "a change answered 500 (sent again by itself): failed, counted", status: 500, body: { error: "try later" }, retrying: true, syncState: "failed", failed: 1 },
    { what: "a change the network lost (503, an offline status): pending, nothing failed", status: 503, body: { error: "down" }, retrying: true, syncState: "pending", failed: 0 },
  ];
  for (const { what, status, body, ...outcome } of cases) {
    it(`reads ${what}, in the listener and in the save's callback`, async () => {
      fixture.rails.failNext(status, body);
      const { event, callback } = await seenOnFailure();
      expect(event, "the error event's listener").to.deep.equal({ status, ...outcome });
      expect(callback, "the save's error callback").to.deep.equal({ status, ...outcome });
    });
  }
});
