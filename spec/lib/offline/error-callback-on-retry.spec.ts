import { expect } from "chai";
import { settle } from "../../fakes/fake-clock";
import type { Fault } from "../../servers/fault-proxy";
import { Todo } from "../models";
import { nextEvent, railsBehindFaults, recordEvents } from "./offline-page";

/**
 * API.md "Errors": runtime failures (network, HTTP) "arrive as `error`
 * events, `error` callbacks and rejected Promises", and the callback's
 * payload has `status` 0 for a network failure. A save's `error` callback
 * hears the first failure of its change, whatever it is, with `retrying`
 * saying whether the change stays queued; a change that is then sent hears
 * `success` too, and one that is then refused hears `error` again.
 */
describe("offline: a save's error callback hears the first failure, and success when it is sent later", () => {
  const stage = railsBehindFaults();

  /** Saves a todo with callbacks that write down what they hear; resolves once the first attempt failed. */
  async function save(...failures: Fault[]): Promise<string[]> {
    stage.faults.push(...failures);
    const heard: string[] = [];
    const failed = nextEvent(stage.page.atmos, "error");
    new Todo({ title: "Milk" }).save({
      remote: true,
      success: (record: Todo) => heard.push(`success ${record.id}`),
      error: (record: Todo, err) => heard.push(`error ${record.title} ${err.status} retrying=${err.retrying} ${err.error instanceof Error}`),
    });
    await failed;
    await settle();
    return heard;
  }

  it("calls error once with status 0 while the network is down, then success when the change is sent", async () => {
    const heard = await save("drop-request", "drop-request");
    expect(heard).to.deep.equal(["error Milk 0 retrying=true true"]);
    expect((Todo.first() as any).syncState()).to.equal("pending");
    await stage.clock.advance(1000);
    await settle();
    await stage.clock.advance(2000);
    await stage.page.atmos.whenSynced();
    expect(heard).to.deep.equal(["error Milk 0 retrying=true true", "success 1"]);
    expect(stage.rails.records("todos").map((r) => r.title)).to.deep.equal(["Milk"]);
  });

  it("calls error once for a 503 that is retried, and the error event says retrying too", async () => {
    const events = recordEvents(stage.page.atmos, "error");
    const heard = await save({ status: 503, body: { error: "busy" } });
    await stage.clock.advance(1000);
    await stage.page.atmos.whenSynced();
    expect(heard).to.deep.equal(["error Milk 503 retrying=true true", "success 1"]);
    expect(events.map((e) => [e.status, e.retrying])).to.deep.equal([[503, true]]);
  });

  it("calls error again, not retrying, when the change is then refused", async () => {
    const heard = await save("drop-request", { status: 422, body: { title: ["is taken"] } });
    await stage.clock.advance(1000);
    await stage.page.atmos.whenSynced();
    expect(heard).to.deep.equal(["error Milk 0 retrying=true true", "error Milk 422 retrying=false true"]);
    expect((Todo.first() as any).syncState()).to.equal("failed");
  });

  it("calls error once, not retrying, for a change refused at once", async () => {
    const heard = await save({ status: 422, body: { title: ["is taken"] } });
    await stage.page.atmos.whenSynced();
    expect(heard).to.deep.equal(["error Milk 422 retrying=false true"]);
  });
});
