/**
 * Time as an injected effect, so retries, backoff and leases can be driven by
 * a fake clock in specs instead of real waiting.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

type NodeTimer = { ref?: () => void; unref?: () => void } | undefined;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // In Node a pending retry must not keep the process alive on its own.
    (handle as NodeTimer)?.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A clock whose timers keep a Node process alive while the app waits for what they lead to. */
export interface HeldClock extends Clock {
  /** Holds the process open for this clock's timers until `work` settles; returns `work`. */
  hold<T>(work: Promise<T>): Promise<T>;
}

/**
 * The timers of sending and storing, over `clock`. Nobody waiting: they
 * never keep a Node process alive (an idle Atmos must not), as the system
 * clock sets them. While the app awaits `whenSynced()`, `push()` or
 * `retry()`, the outcome depends on them (a retry in 1 s), so they hold the
 * process open until it settles. Where timers cannot be held (a browser, a
 * fake clock) this changes nothing.
 */
export function heldClock(clock: Clock): HeldClock {
  const pending = new Set<NodeTimer>();
  let holds = 0;
  const refAll = (on: boolean) => pending.forEach((timer) => timer?.[on ? "ref" : "unref"]?.());
  return {
    now: () => clock.now(),
    setTimeout(fn, ms) {
      const handle = clock.setTimeout(() => {
        pending.delete(handle);
        fn();
      }, ms) as NodeTimer;
      pending.add(handle);
      if (holds) handle?.ref?.();
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle as NodeTimer);
      clock.clearTimeout(handle);
    },
    hold(work) {
      if (holds++ === 0) refAll(true);
      const release = () => {
        if (--holds === 0) refAll(false);
      };
      work.then(release, release);
      return work;
    },
  };
}
