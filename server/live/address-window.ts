/** Failed auths counted per client address within a window (AddressWindow is one). */
export interface AuthFailureCounter {
  readonly limit: number;
  readonly windowMs: number;
  /**
   * Milliseconds until `address` may try again: 0 while it is under the
   * limit. `token`, when known, is the one it sends now (GuessWindow lets a
   * token it saw taken from there through a lock of the whole address).
   */
  waitFor(address: string, token?: string): number;
  /** One more failure from `address`. */
  add(address: string): void;
  /** `token` from `address` was taken (see waitFor). */
  succeeded?(address: string, token: string): void;
  /** The limit that holds `address` back now, in words ("100 in 60 s"), when it is not `limit`. */
  limitText?(address: string): string | undefined;
}

/**
 * Whether `address` waits out its window (its credentials then go unchecked):
 * the whole seconds left, for Retry-After, and the limit in words
 * ("20 in 60 s"), for the refusal's message. Undefined while it may try.
 */
export function lockedOut(counter: AuthFailureCounter | undefined, address: string, token?: string): { seconds: number; limit: string } | undefined {
  const wait = counter?.waitFor(address, token) ?? 0;
  if (!counter || wait === 0) return undefined;
  return { seconds: Math.ceil(wait / 1000), limit: counter.limitText?.(address) ?? `${counter.limit} in ${counter.windowMs / 1000} s` };
}

/**
 * Counts events per client address within a window (failed auths, places
 * taken from others), so one address that passes a limit can be told to
 * wait. A window opens at an address's first event and closes `windowMs`
 * later, whatever happens meanwhile: a limit of N lets through at most N
 * events per window and address.
 *
 * Memory stays bounded however many addresses come: windows are kept in the
 * order they opened (a Map keeps insertion order), so the expired ones are
 * at the front and go as new ones open; past `maxAddresses` the oldest goes
 * early (an attacker with that many addresses gains a fresh window for its
 * oldest one, never room to grow the map).
 */
export class AddressWindow implements AuthFailureCounter {
  private windows = new Map<string, { openedAt: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number,
    private readonly maxAddresses = 100_000,
  ) {}

  /** Milliseconds until `address` may act again: 0 while it is under the limit. */
  waitFor(address: string): number {
    const window = this.current(address);
    if (window === undefined || window.count < this.limit) return 0;
    return Math.max(1, window.openedAt + this.windowMs - this.now());
  }

  /** One more event from `address`. */
  add(address: string): void {
    const window = this.current(address);
    if (window) return void window.count++;
    this.sweep();
    this.windows.set(address, { openedAt: this.now(), count: 1 });
  }

  /** Addresses with a window open (for specs and operators). */
  get size(): number {
    this.sweep();
    return this.windows.size;
  }

  private current(address: string): { openedAt: number; count: number } | undefined {
    const window = this.windows.get(address);
    if (window === undefined || this.now() - window.openedAt < this.windowMs) return window;
    this.windows.delete(address);
    return undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [address, window] of this.windows) {
      if (now - window.openedAt < this.windowMs && this.windows.size < this.maxAddresses) break;
      this.windows.delete(address);
    }
  }
}
