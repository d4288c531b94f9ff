import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { AddressWindow, type AuthFailureCounter } from "./address-window";

/**
 * Whom a wrong token is counted against: the client's address, and with it
 * the page's origin when a browser names one. A browser lets any page it
 * shows try tokens on any server (a socket, a CORS request), and the
 * attempts come from its visitor's address: counted by address alone, a
 * page of another site could spend the visitor's budget and lock the
 * visitor's own app out.
 *
 * `own`: the origin is the server's own app (its own host name, or one it
 * lists), which no page of another site can name; such pages, and clients
 * that name no origin (no page of another site can send a token without
 * naming its origin), share one count per address that the lock of the
 * whole address leaves alone (GuessWindow).
 */
export function guessSource(req: IncomingMessage, address: string, own = false): string {
  const origin = req.headers.origin;
  if (typeof origin !== "string") return address;
  return own ? `${address} ${OWN_ORIGIN}` : `${address} ${origin.slice(0, 300)}`;
}

/** The origin part of a source whose page is the server's own app. */
const OWN_ORIGIN = "(own origin)";

/** The address part of a `guessSource` (addresses hold no space). */
const addressOf = (source: string): string => source.split(" ", 1)[0];

/** A source no page of another site can be: no origin named, or the server's own app. */
const ownSource = (source: string): boolean => !source.includes(" ") || source.endsWith(` ${OWN_ORIGIN}`);

/**
 * Whether a request's `Origin` names the host the request was sent to (the
 * app's own page, on a server that checks its Host header: else a page that
 * rebound its name to the server would pass).
 */
export function sameHostOrigin(req: IncomingMessage, host = req.headers.host): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== "string" || !host) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

/** Tokens taken lately, remembered per address: at most this many sources each. */
const MARKS_PER_ADDRESS = 16;

const digest = (token: string): string => createHash("sha256").update(token).digest("base64");

/**
 * Failed auths per guess source (guessSource): `limit` per address and
 * origin, and at most `perAddress` times that per address over all its
 * origins, as a client that is no browser may name a new origin for every
 * few guesses.
 *
 * Sources no page of another site can be (ownSource: no origin, or the
 * server's own) count on their own only, never against the address, nor
 * are they held by its lock: a page of another site with a few subdomains
 * cannot keep the app's own page from signing in.
 *
 * For the others, a page of another site with a few subdomains can spend the address's
 * count, and must not lock out the app open there: a token taken from a
 * source within `signedInMs` (a day, from its latest use) goes through a
 * lock of the whole address when that source sends it again. It buys no
 * guess: only a token already known good passes, and the source's own
 * count still holds. Marks are kept per address (at most 16 sources each),
 * so no client can push another address's marks out by signing in often.
 */
export class GuessWindow implements AuthFailureCounter {
  private readonly bySource: AddressWindow;
  private readonly byAddress: AddressWindow;
  /** Per address, least lately used first: per source, the digest of its token taken and when. */
  private readonly marks = new Map<string, Map<string, { token: string; at: number }>>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number,
    private readonly perAddress = 5,
    private readonly signedInMs = 24 * 60 * 60_000,
    private readonly maxAddresses = 100_000,
  ) {
    this.bySource = new AddressWindow(limit, windowMs, now);
    this.byAddress = new AddressWindow(limit * perAddress, windowMs, now);
  }

  waitFor(source: string, token?: string): number {
    const own = this.bySource.waitFor(source);
    if (own > 0 || ownSource(source)) return own;
    const all = this.byAddress.waitFor(addressOf(source));
    return all > 0 && token !== undefined && this.knows(source, token) ? 0 : all;
  }

  add(source: string): void {
    this.bySource.add(source);
    if (!ownSource(source)) this.byAddress.add(addressOf(source));
  }

  succeeded(source: string, token: string): void {
    const address = addressOf(source);
    const marks = this.marks.get(address) ?? new Map<string, { token: string; at: number }>();
    this.marks.delete(address);
    if (this.marks.size >= this.maxAddresses) this.marks.delete(this.marks.keys().next().value!);
    this.marks.set(address, marks);
    marks.delete(source);
    marks.set(source, { token: digest(token), at: this.now() });
    if (marks.size > MARKS_PER_ADDRESS) marks.delete(marks.keys().next().value!);
  }

  limitText(source: string): string | undefined {
    return this.bySource.waitFor(source) > 0 ? undefined : `${this.limit * this.perAddress} in ${this.windowMs / 1000} s, over every origin`;
  }

  private knows(source: string, token: string): boolean {
    const mark = this.marks.get(addressOf(source))?.get(source);
    return mark !== undefined && this.now() - mark.at < this.signedInMs && mark.token === digest(token);
  }
}
