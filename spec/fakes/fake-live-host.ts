import type { LiveHost } from "../../lib/live/live-host";
import type { LiveChange } from "../../lib/live/live-protocol";
import { MemoryStore } from "./memory-store";

/**
 * A LiveHost that records what the live client asks of it: the changes it
 * applies (in order), the events it emits, the pulls it requests. Specs await
 * `waitFor(predicate)` instead of sleeping.
 */
export class FakeLiveHost implements LiveHost {
  readonly applied: LiveChange[] = [];
  readonly events: Array<{ event: string; payload: unknown }> = [];
  readonly pulls: Array<string | undefined> = [];
  /** Throw from applyLiveChange for changes that match. */
  failOn: ((change: LiveChange) => boolean) | undefined;
  private waiters: Array<() => void> = [];

  constructor(readonly store: MemoryStore = new MemoryStore()) {}

  async applyLiveChange(change: LiveChange): Promise<void> {
    if (this.failOn?.(change)) throw new Error(`cannot apply ${change.type} ${change.id}`);
    this.applied.push(change);
    this.wake();
  }

  emit(event: string, payload?: unknown): void {
    this.events.push({ event, payload });
    this.wake();
  }

  async pull(collection?: string): Promise<void> {
    this.pulls.push(collection);
    this.wake();
  }

  /** Names of the emitted events, in order. */
  eventNames(): string[] {
    return this.events.map((e) => e.event);
  }

  count(event: string): number {
    return this.events.filter((e) => e.event === event).length;
  }

  /** Resolves once `predicate` holds (checked after every call into the host). */
  async waitFor(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
