import { expect } from "chai";
import { StorageLease, WebStorageStore, type Clock } from "../../../lib";
import { FakeClock } from "../../fakes/fake-clock";
import { MemoryStorage } from "../../fakes/memory-storage";

/**
 * The storage lease (browsers without Web Locks, the ES5 build's) in Node:
 * who sends when the tab that held it died, on a fake clock.
 */
describe("StorageLease, when the tab holding it died", () => {
  const key = "spec:lease";

  // Found by a look at what else was measured to a time on the clock after
  // the backoff and Retry-After cases: a lease written just before the
  // system clock stepped back an hour looked held for that hour, and no
  // tab sent anything.
  /**
   * A tab takes the lease, then dies without closing (its timers never fire
   * again); `meanwhile` runs; then the ms, in steps of 250 of the fake
   * clock's timers, until a live tab took the lease over (undefined: not
   * within 10 s).
   */
  async function takenOverAfter(meanwhile: (clock: FakeClock) => void): Promise<number | undefined> {
    const clock = new FakeClock();
    const storage = new MemoryStorage();
    const frozen: Clock = { now: () => clock.now(), setTimeout: () => 0, clearTimeout: () => undefined };
    const dead = new StorageLease(new WebStorageStore(storage), key, "dead-tab", frozen);
    await new Promise<void>((resolve) => dead.start(() => resolve()));
    meanwhile(clock);
    const live = new StorageLease(new WebStorageStore(storage), key, "live-tab", clock);
    let takenAfter: number | undefined;
    let waited = 0;
    live.start(() => (takenAfter = waited));
    for (; waited <= 10_000 && takenAfter === undefined; waited += 250) await clock.advance(250);
    live.release();
    return takenAfter;
  }

  it("is taken over within 5 s, even when the system clock stepped back meanwhile", async () => {
    const takenAfter = await takenOverAfter((clock) => clock.stepWallClock(-3_600_000));
    expect(takenAfter, "ms until the live tab took the lease").to.be.a("number").and.at.most(5000);
  });

  it("is taken over within 5 s when the clock goes on as usual", async () => {
    const takenAfter = await takenOverAfter(() => undefined);
    expect(takenAfter).to.be.a("number").and.at.least(3000).and.at.most(5000);
  });
});
