import { expect } from "chai";
import { Todo } from "../models";
import { railsPage, storedEntry } from "./offline-page";

/**
 * Catches the uncaught errors raised while `run` goes on (mocha would take
 * them for the test's own failure), then puts mocha's handlers back.
 */
async function uncaughtDuring(run: () => Promise<void>): Promise<Error[]> {
  const caught: Error[] = [];
  const theirs = process.listeners("uncaughtException");
  process.removeAllListeners("uncaughtException");
  const mine = (error: Error) => void caught.push(error);
  process.on("uncaughtException", mine);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("uncaughtException", mine);
    for (const listener of theirs) process.on("uncaughtException", listener);
  }
  return caught;
}

/** A bug in the app's own success/error callback is the app's, not a failed sync. */
describe("offline: a save's success or error callback that throws", () => {
  const fixture = railsPage();

  it("leaves the change acknowledged (synced, not parked) and surfaces the app's error as uncaught", async () => {
    const errors: unknown[] = [];
    fixture.page.atmos.on("error", (payload) => errors.push(payload));
    const todo = new Todo({ title: "saved" });
    const uncaught = await uncaughtDuring(async () => {
      todo.save({ remote: true, success: () => { throw new Error("bug in the app's success callback"); } });
      await fixture.page.atmos.whenSynced();
    });
    expect(uncaught.map((e) => e.message)).to.deep.equal(["bug in the app's success callback"]);
    expect(errors).to.deep.equal([]);
    const saved = Todo.first() as Todo;
    expect((saved as any).syncState()).to.equal("synced");
    expect(storedEntry(fixture.page.storage, "Todo", saved.id).failed).to.equal(undefined);
    expect(fixture.rails.records("todos").map((r) => r.title)).to.deep.equal(["saved"]);
  });

  it("still parks a refused change when its error callback throws", async () => {
    fixture.rails.failNext(422, { title: ["is too long"] });
    const todo = new Todo({ title: "refused" });
    const uncaught = await uncaughtDuring(async () => {
      todo.save({ remote: true, error: () => { throw new Error("bug in the app's error callback"); } });
      await fixture.page.atmos.whenSynced();
    });
    expect(uncaught.map((e) => e.message)).to.deep.equal(["bug in the app's error callback"]);
    expect(((Todo.first() as Todo) as any).syncState()).to.equal("failed");
  });
});

/** API.md: options reach `success(record, response)` / `error(record, err)` callbacks, whatever the answer. */
describe("offline: the callbacks of a remote destroy the server has nothing to delete for", () => {
  const fixture = railsPage();

  for (const status of [404, 410]) {
    it(`calls success when the DELETE is answered ${status}: the record is gone there, as wanted`, async () => {
      const todo = new Todo({ title: "gone elsewhere" });
      todo.save({ remote: true });
      await fixture.page.atmos.whenSynced();
      fixture.rails.failNext(status, { error: "Not Found" });
      const heard: string[] = [];
      (Todo.first() as Todo).destroy({
        remote: true,
        success: (record: Todo) => heard.push(`success ${record.title}`),
        error: () => heard.push("error"),
      });
      await fixture.page.atmos.whenSynced();
      expect(heard).to.deep.equal(["success gone elsewhere"]);
      expect(storedEntry(fixture.page.storage, "Todo", todo.id)).to.equal(undefined);
    });
  }
});
