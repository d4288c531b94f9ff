import { expect } from "chai";
import { settle } from "../../fakes/fake-clock";
import { Todo } from "../models";
import { nextEvent, railsBehindFaults } from "./offline-page";

/**
 * A 500 shows a change "failed" while it is sent again by itself (see
 * server-errors-shown-as-failed.spec.ts). When the next attempt then meets
 * a network failure, the last word is "offline": the change waits to be sent,
 * "pending" (API.md: "failed" is a refusal with a status that is not an
 * offline one), and whenSynced() waits for it. It stayed "failed": status()
 * said nothing was left to send, and whenSynced() resolved before the change
 * reached the server (chaos seeds 1101, 1120 and 61 others of 5000).
 */
describe("offline: a change that failed with a 500, then met a network failure", () => {
  const stage = railsBehindFaults();

  it("is pending again, and whenSynced() waits until the server has it", async () => {
    stage.faults.push({ status: 500, body: { error: "oops" } }, "drop-request");
    const todo = new Todo({ title: "Milk" });
    const first = nextEvent(stage.page.atmos, "error");
    todo.save({ remote: true });
    await first;
    await settle();
    expect(todo.syncState()).to.equal("failed");

    const second = nextEvent(stage.page.atmos, "error");
    await stage.clock.advance(1000);
    expect((await second).status).to.equal(0);
    await settle();
    expect((Todo.first() as any).syncState()).to.equal("pending");
    expect(stage.page.atmos.status()).to.deep.include({ pending: 1, failed: 0, online: false });

    let synced = false;
    const waiting = stage.page.atmos.whenSynced().then(() => (synced = true));
    await settle();
    expect(synced, "whenSynced() before the change is sent").to.equal(false);
    await stage.clock.runAll();
    await waiting;
    expect(stage.rails.records("todos").map((r) => r.title)).to.deep.equal(["Milk"]);
    expect((Todo.first() as any).syncState()).to.equal("synced");
  });
});
