import { expect } from "chai";
import { settle } from "../../fakes/fake-clock";
import { Todo } from "../models";
import { refusingBase } from "../../servers/listen";
import { nextEvent, railsBehindFaults } from "./offline-page";

/**
 * Found by a new user's review in Node: with the server back, a pull went
 * through and `online` was emitted, yet the changes saved while it was down
 * waited out their retry delay (10 to 18 s) before they were sent. The
 * `online` event sends at once (API.md), whoever learnt it: the browser or
 * a request that got an answer.
 */
describe("offline: the server answers a pull after it was down", () => {
  const stage = railsBehindFaults();

  /** A save made while nothing listens where the page sends, waiting for its retry; returns the server's base. */
  async function savedWhileDown(): Promise<string> {
    const rc = stage.page.atmos.resourceClient;
    const up = rc.base;
    rc.base = await refusingBase();
    const offline = nextEvent(stage.page.atmos, "offline");
    new Todo({ title: "saved while down" }).save({ remote: true });
    await offline;
    await stage.clock.advance(2000);
    await settle();
    expect(stage.page.atmos.status()).to.include({ pending: 1, online: false });
    return up;
  }

  it("sends the changes waiting for their retry at once, without waiting out the delay", async () => {
    const up = await savedWhileDown();
    expect(stage.rails.records("todos")).to.deep.equal([]);

    // Back: the next request (a pull) goes through, and no timer runs.
    stage.page.atmos.resourceClient.base = up;
    const online = nextEvent(stage.page.atmos, "online");
    await Todo.sync({ remote: true });
    await online;
    await stage.page.atmos.whenSynced();
    expect(stage.rails.records("todos").map((r) => r.title)).to.deep.equal(["saved while down"]);
    expect(stage.page.atmos.status()).to.include({ pending: 0, online: true });
  });

  // Found by an outside check of the packed package: a pull answered 401
  // said `online`, yet the waiting change waited out its retry delay. A 401
  // to a pull does not pause the outbox (API.md), so it sends at once too.
  it("sends them at once when the pull that reached the server was answered 401", async () => {
    stage.page.atmos.resourceClient.base = await savedWhileDown();
    stage.faults.push({ status: 401, body: { error: "token expired" } });
    const online = nextEvent(stage.page.atmos, "online");
    await Todo.sync({ remote: true }).catch(() => undefined);
    await online;
    // No timer runs (a fake clock): only sending at once gets it there.
    await stage.page.atmos.whenSynced();
    expect(stage.rails.records("todos").map((r) => r.title)).to.deep.equal(["saved while down"]);
  });
});
