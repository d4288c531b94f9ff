import type { Clock } from "../../lib/env/clock";

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets every promise callback queued so far run (a macrotask turn drains all microtasks). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock whose time only moves when the spec says so. Timers fire in time
 * order (ties in the order they were set), and after each one the promise
 * callbacks it started are given a turn, so code that awaits between timers
 * behaves as it would with real time, only without the waiting.
 */
export class FakeClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private nextId = 1;
  /** Timers fired so far. */
  fired = 0;

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.time = start;
  }

  /** How far the wall clock was stepped (see `stepWallClock`). */
  private wallOffset = 0;

  now(): number {
    return this.time + this.wallOffset;
  }

  /**
   * Steps the time `now()` tells by `ms` (back, with a negative `ms`), as an
   * NTP correction or a user setting the time steps the system clock;
   * timers still fire after the delay they were given, as real ones do.
   */
  stepWallClock(ms: number): void {
    this.wallOffset += ms;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    // As Node and browsers do: a delay above 2^31-1 ms (about 24.8 days) fires after 1 ms.
    const delay = Number.isFinite(ms) && ms > 0 ? (ms > 2 ** 31 - 1 ? 1 : ms) : 0;
    this.timers.push({ id, at: this.time + delay, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers set and not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** When the next timer is due, or undefined when none is set. */
  nextAt(): number | undefined {
    return this.next()?.at;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.time + Math.max(0, ms);
    await settle();
    for (let next = this.next(); next && next.at <= until; next = this.next()) await this.fire(next);
    this.time = until;
    await settle();
  }

  /** Fires the next timer (moving time to it); false when none is set. */
  async runNext(): Promise<boolean> {
    await settle();
    const next = this.next();
    if (!next) return false;
    await this.fire(next);
    return true;
  }

  /**
   * Fires timers until none is left, timers set meanwhile included. Throws
   * after `limit` timers: a timer that always sets another never ends.
   */
  async runAll(limit = 100000): Promise<void> {
    for (let count = 0; await this.runNext(); count++) {
      if (count >= limit) throw new Error(`FakeClock.runAll: still timers after ${limit} fired; something re-arms a timer forever`);
    }
  }

  private next(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    return best;
  }

  private async fire(timer: Timer): Promise<void> {
    this.timers = this.timers.filter((t) => t !== timer);
    this.time = Math.max(this.time, timer.at);
    this.fired++;
    timer.fn();
    await settle();
  }
}
