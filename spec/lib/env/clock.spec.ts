import { expect } from "chai";
import { heldClock, type Clock } from "../../../lib/env/clock";

/** A clock whose timers say whether they would keep a Node process alive, and fire when told. */
class RefCountingClock implements Clock {
  readonly timers: Array<{ fn: () => void; held: boolean; ref(): void; unref(): void }> = [];
  now(): number {
    return 0;
  }
  setTimeout(fn: () => void, _ms: number): unknown {
    const timer = { fn, held: false, ref: () => (timer.held = true), unref: () => (timer.held = false) };
    this.timers.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    this.timers.splice(this.timers.indexOf(handle as never), 1);
  }
}

describe("the clock of sending and storing", () => {
  it("holds no timer while nobody waits", () => {
    const base = new RefCountingClock();
    heldClock(base).setTimeout(() => undefined, 1000);
    expect(base.timers.map((t) => t.held)).to.deep.equal([false]);
  });

  it("holds the timers, set before and during the wait, until the awaited work settles", async () => {
    const base = new RefCountingClock();
    const clock = heldClock(base);
    clock.setTimeout(() => undefined, 1000);
    let finish!: () => void;
    const work = clock.hold(new Promise<void>((resolve) => (finish = resolve)));
    clock.setTimeout(() => undefined, 2000);
    expect(base.timers.map((t) => t.held)).to.deep.equal([true, true]);
    finish();
    await work;
    expect(base.timers.map((t) => t.held)).to.deep.equal([false, false]);
  });

  it("keeps holding while another wait is still pending, also after a failed one", async () => {
    const base = new RefCountingClock();
    const clock = heldClock(base);
    let finish!: () => void;
    const longer = clock.hold(new Promise<void>((resolve) => (finish = resolve)));
    await clock.hold(Promise.reject(new Error("refused"))).catch(() => undefined);
    clock.setTimeout(() => undefined, 1000);
    expect(base.timers.map((t) => t.held)).to.deep.equal([true]);
    finish();
    await longer;
    expect(base.timers.map((t) => t.held)).to.deep.equal([false]);
  });

  it("forgets a timer once it fired or was cleared", async () => {
    const base = new RefCountingClock();
    const clock = heldClock(base);
    let fired = 0;
    clock.setTimeout(() => fired++, 10);
    const cleared = clock.setTimeout(() => fired++, 20);
    const [first] = base.timers;
    first.fn();
    clock.clearTimeout(cleared);
    await clock.hold(Promise.resolve());
    expect(fired).to.equal(1);
    expect(first.held).to.equal(false);
    expect(base.timers).to.have.length(1);
  });
});
