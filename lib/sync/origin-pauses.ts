import { systemClock, type Clock, type HeldClock } from "../env/clock";

/**
 * Retry-After, per origin. A 429 or 503 that carries it pauses every request
 * to that origin until it has passed: the outbox's sends, pulls and custom
 * requests alike (API.md: "nothing for that origin is sent before it").
 */
export class OriginPauses {
  /**
   * The time pauses are measured on. An Atmos gives its sending clock, which
   * can hold a Node process open: a request waiting out a pause is one the
   * app awaits.
   */
  clock: Clock | HeldClock = systemClock;
  /** Told of every pause a server asked for (an Atmos tells the app's other tabs). */
  onPause?: (origin: string, until: number) => void;
  /**
   * Per origin: when its pause ends on the clock, and how long it was when
   * set. A timer of that length ends it too, so it never lasts longer than
   * it asked, whatever the system clock does meanwhile.
   */
  private readonly until = new Map<string, { until: number; ms: number }>();

  /** Pauses requests to `url`'s origin for `ms`; a shorter pause never cuts a longer one short. */
  pause(url: string, ms: number): void {
    const origin = originOf(url);
    const until = this.clock.now() + ms;
    this.hold(origin, until);
    this.onPause?.(origin, until);
  }

  /** Pauses requests to an origin until a time (a pause another tab was told of). */
  hold(origin: string, until: number): void {
    const held = this.until.get(origin);
    if (held && until <= held.until) return;
    const pause = { until, ms: Math.max(0, until - this.clock.now()) };
    this.until.set(origin, pause);
    // Measured on the clock, a 5 s pause lasted an hour after the system clock stepped back an hour.
    this.clock.setTimeout(() => this.until.get(origin) === pause && this.until.delete(origin), Math.min(pause.ms, 2 ** 31 - 1));
  }

  /** Milliseconds that requests to `url`'s origin must still wait (never more than the pause was); 0 when they may go. */
  left(url: string): number {
    // Asked before every request and every sending round: nothing to look up until a server asked for a pause.
    if (this.until.size === 0) return 0;
    const held = this.until.get(originOf(url));
    return held ? Math.min(held.ms, Math.max(0, held.until - this.clock.now())) : 0;
  }

  /** Resolves once requests to `url`'s origin may go: at once, unless a pause runs. */
  wait(url: string): Promise<void> {
    const waited = this.sleep(url);
    return "hold" in this.clock ? this.clock.hold(waited) : waited;
  }

  /**
   * Waits out the pause, and any pause set meanwhile. A chain, not a loop
   * of awaits: the ES5 build turns such a loop into a thenable that is no
   * Promise (it has no catch()), and it would reach the app through execute().
   */
  private sleep(url: string): Promise<void> {
    const ms = this.left(url);
    if (ms <= 0) return Promise.resolve();
    // In steps setTimeout takes: above 2^31-1 ms it fires after 1 ms (a pause another tab was told of is not capped here).
    return new Promise<void>((resolve) => this.clock.setTimeout(resolve, Math.min(ms, 2 ** 31 - 1))).then(() => this.sleep(url));
  }
}

/** `scheme://host:port` of an absolute URL; "" for a relative one (the page's own origin). */
function originOf(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0].toLowerCase() ?? "";
}
