import { expect } from "chai";
import { Todo } from "../models";
import { nextEvent, railsPage } from "./offline-page";

/**
 * Google's APIs (Tasks among them) answer "slow down" with 403 as well as
 * 429: the body's `errors[].reason` says `rateLimitExceeded` or
 * `userRateLimitExceeded`, and Google's advice is to try again with backoff.
 * Such a change was refused nothing: it waits its turn, pending, as after a
 * 429, and goes again by itself. Any other 403 (no permission, a storage
 * limit) stays a refusal, parked for the user.
 */
describe("offline: a save answered 403 with Google's rate-limit reason", () => {
  const fixture = railsPage();

  /** Google's error body, as its APIs send it. */
  const googleError = (reason: string, message: string) => ({
    error: { code: 403, message, errors: [{ message, domain: "usageLimits", reason }], status: "PERMISSION_DENIED" },
  });

  for (const reason of ["rateLimitExceeded", "userRateLimitExceeded"]) {
    it(`keeps the change pending after a 403 ${reason} and sends it again by itself, once`, async () => {
      const { page, rails, clock } = fixture;
      rails.failNext(403, googleError(reason, "Quota exceeded for quota metric 'Queries per minute per user'."));
      const seen: Array<{ status: number; retrying?: boolean }> = [];
      let succeeded = 0;
      const error = nextEvent(page.atmos, "error");
      const todo = new Todo({ title: "Milk" });
      todo.save({ remote: true, error: (_record: unknown, payload: { status: number; retrying?: boolean }) => seen.push(payload), success: () => succeeded++ });
      expect(await error).to.include({ model: "Todo", status: 403, retrying: true });
      expect((Todo.find(todo.id) as any).syncState()).to.equal("pending");
      expect(page.atmos.status()).to.deep.include({ pending: 1, failed: 0 });

      await clock.runAll();
      await page.atmos.whenSynced();
      expect((Todo.first() as any).syncState()).to.equal("synced");
      expect(rails.records("todos").map((row) => row.title)).to.deep.equal(["Milk"]);
      expect(seen.map((p) => [p.status, p.retrying])).to.deep.equal([[403, true]]);
      expect(succeeded).to.equal(1);
    });
  }

  for (const [what, body] of [
    ["Google's storage limit (serviceLimit)", googleError("serviceLimit", "Service limit exceeded.")],
    ["no permission (forbidden)", googleError("forbidden", "The caller does not have permission")],
    ["a plain forbidden page", { error: "not yours" }],
  ] as const) {
    it(`parks a change answered 403 for ${what}: no retry can help`, async () => {
      const { page, rails, clock } = fixture;
      rails.failNext(403, body);
      const error = nextEvent(page.atmos, "error");
      new Todo({ title: "Milk" }).save({ remote: true });
      expect(await error).to.include({ status: 403, retrying: false });
      await clock.runAll();
      await page.atmos.whenSynced();
      expect((Todo.first() as any).syncState()).to.equal("failed");
      expect(rails.records("todos")).to.deep.equal([]);
    });
  }
});
