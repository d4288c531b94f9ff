import type { Clock } from "../../lib";
import type { ChangeFeed } from "../../lib/store/change-feed";
import type { FakeClock } from "./fake-clock";

/**
 * Two tabs' change feeds: what one publishes reaches the other's listeners a
 * task later, as a storage event does; while `lost.second` is set, what the
 * second publishes never arrives (a page gone before its news went out).
 */
export function feedPair(lost: { second: boolean } = { second: false }): [ChangeFeed, ChangeFeed] {
  const listeners: Array<Set<(keys: string[]) => void>> = [new Set(), new Set()];
  const feed = (me: number): ChangeFeed => ({
    publish: (keys) => {
      if (me === 1 && lost.second) return;
      setImmediate(() => listeners[1 - me].forEach((fn) => fn(keys)));
    },
    subscribe: (fn) => (listeners[me].add(fn), () => listeners[me].delete(fn)),
    close: () => listeners[me].clear(),
  });
  return [feed(0), feed(1)];
}

/**
 * A tab's clock whose timers the browser may hold back: once `hidden`,
 * they fire at most once a minute, as Chrome's intensive throttling does to
 * a tab hidden for 5 minutes. Its time is the shared clock's.
 */
export function throttleable(clock: FakeClock): Clock & { hidden: boolean } {
  const throttled = {
    hidden: false,
    now: () => clock.now(),
    setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, throttled.hidden ? Math.max(ms, 60_000) : ms),
    clearTimeout: (handle: unknown) => clock.clearTimeout(handle),
  };
  return throttled;
}
