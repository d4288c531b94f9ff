import type { IncomingMessage } from "node:http";

/** Failed auths counted per client address within a window (AddressWindow is one). */
export interface AuthFailureCounter {
  readonly limit: number;
  readonly windowMs: number;
  /** Milliseconds until `address` may try again: 0 while it is under the limit. */
  waitFor(address: string): number;
  /** One more failure from `address`. */
  add(address: string): void;
  /** A good token from `address` (GuessWindow keeps such sources out of its count per address). */
  succeeded?(address: string): void;
}

/**
 * Whether `address` waits out its window (its credentials then go unchecked):
 * the whole seconds left, for Retry-After, and the limit in words
 * ("20 in 60 s"), for the refusal's message. Undefined while it may try.
 */
export function lockedOut(counter: AuthFailureCounter | undefined, address: string): { seconds: number; limit: string } | undefined {
  const wait = counter?.waitFor(address) ?? 0;
  if (!counter || wait === 0) return undefined;
  return { seconds: Math.ceil(wait / 1000), limit: `${counter.limit} in ${counter.windowMs / 1000} s` };
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

/**
 * Whom a wrong token is counted against: the client's address, and with it
 * the page's origin when a browser names one. A browser lets any page it
 * shows try tokens on any server (a socket, a CORS request), and the
 * attempts come from its visitor's address: counted by address alone, a
 * page of another site could spend the visitor's budget and lock the
 * visitor's own app out. Clients that name no origin share the address's count.
 */
export function guessSource(req: IncomingMessage, address: string): string {
  const origin = req.headers.origin;
  return typeof origin === "string" ? `${address} ${origin.slice(0, 300)}` : address;
}

/** The address part of a `guessSource` (addresses hold no space). */
const addressOf = (source: string): string => source.split(" ", 1)[0];

/**
 * Failed auths per guess source (guessSource): `limit` per address and
 * origin, and at most `perAddress` times that per address over all its
 * origins, as a client that is no browser may name a new origin for every
 * few guesses. A source that signed in within `signedInMs` (a day) is held
 * to its own count only: a page of another site with many subdomains can
 * spend the address's count, and must not lock the app open there out.
 */
export class GuessWindow implements AuthFailureCounter {
  private readonly bySource: AddressWindow;
  private readonly byAddress: AddressWindow;
  private readonly signedIn: AddressWindow;

  constructor(readonly limit: number, readonly windowMs: number, now: () => number, perAddress = 5, signedInMs = 24 * 60 * 60_000) {
    this.bySource = new AddressWindow(limit, windowMs, now);
    this.byAddress = new AddressWindow(limit * perAddress, windowMs, now);
    this.signedIn = new AddressWindow(1, signedInMs, now);
  }

  waitFor(source: string): number {
    const own = this.bySource.waitFor(source);
    return this.signedIn.waitFor(source) > 0 ? own : Math.max(own, this.byAddress.waitFor(addressOf(source)));
  }

  succeeded(source: string): void {
    if (this.signedIn.waitFor(source) === 0) this.signedIn.add(source);
  }

  add(source: string): void {
    this.bySource.add(source);
    this.byAddress.add(addressOf(source));
  }
}
