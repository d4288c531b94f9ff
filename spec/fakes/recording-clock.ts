import type { Clock } from "../../lib/env/clock";

/**
 * A clock that records every delay it is asked for and fires the timer at
 * once (on the next turn), so backoff schedules are checked without waiting.
 */
export class RecordingClock implements Clock {
  readonly delays: number[] = [];
  private handles = new Set<ReturnType<typeof setTimeout>>();
  private waiters: Array<() => void> = [];

  /** Resolves once `count` delays have been asked for. */
  async waitForDelays(count: number): Promise<void> {
    while (this.delays.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    for (const waiter of this.waiters.splice(0)) waiter();
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, 0);
    this.handles.add(handle);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
    this.handles.delete(handle as ReturnType<typeof setTimeout>);
  }
}
