import type { AddressWindow } from "./address-window";
import type { LiveConnection } from "./live-connection";

/** Sent (close 1013) to a socket that gives its place to a newer one. */
export const DISPLACED = "live server full: this socket had not authenticated and gave its place to a newer one; try again";

/** Why an upgrade is refused before the handshake: the HTTP status and the text the client reads. */
export interface UpgradeRefusal {
  status: 429 | 503;
  text: string;
  /** Seconds, for Retry-After. */
  retryAfter: number;
}

/*
 * The places of one server's sockets (maxConnections) and of each user's
 * (maxConnectionsPerUser), and who gives a place up when the server is full.
 *
 * Anyone may open /live; the token comes in the first frame, up to
 * authTimeoutMs later. While there is room, a socket that has not
 * authenticated holds a place like any other. When the server is full, a
 * newcomer takes the place of the oldest socket that has not authenticated:
 *
 *   opened ──auth frame──▶ checking ──token accepted──▶ admitted
 *   displaced first (one   displaced once no             never displaced:
 *   from the newcomer's    opened one is left            a newcomer gets 503
 *   own address first)
 *
 * Before, one client opening sockets and sending nothing held every place
 * for the whole auth timeout, again and again, and every user got 503. Now
 * such sockets only displace each other: a flood from one address takes
 * back its own sockets while it has any, so it never reaches a user's
 * socket from another address, even one whose auth frame is still on its
 * way; a flood from many addresses must first go through every older
 * unauthenticated socket; and none ever touches an authenticated one.
 *
 * One address is also held to `maxPerAddress` unauthenticated sockets at
 * once, so it cannot take every place while there is room: a newcomer past
 * that takes the place of the address's oldest socket that has sent
 * nothing (a page of another site holding them must not keep the app at
 * that address out), or gets 429 before the handshake when every one has
 * sent a token still being checked; and to `displacing.limit` places taken from other
 * addresses' sockets per window (then it gets 503 while the server is
 * full): otherwise a client that kept none of its own sockets unauthenticated
 * (closing each at once, or sending a bad token) took the place of another
 * user's socket, still on its way to authenticate, with every socket it
 * opened. The address is the peer's (client-address.ts): behind a proxy,
 * the proxy's unless the server is told to trust X-Forwarded-For.
 */
export class ConnectionSlots {
  /** Every open socket. */
  readonly open = new Set<LiveConnection>();
  /** Sockets that have sent nothing yet, oldest first (a Set keeps insertion order). */
  private opened = new Set<LiveConnection>();
  /** The same, by the address they came from. */
  private openedFrom = new Map<string, Set<LiveConnection>>();
  /** Sockets whose token `authenticate` is still deciding, oldest first. */
  private checking = new Set<LiveConnection>();
  /** Address of each socket not admitted yet (opened or checking), and how many each address has. */
  private addressOf = new Map<LiveConnection, string>();
  private unauthenticatedFrom = new Map<string, number>();
  // Sockets admitted per user, counted as they are admitted and closed (a
  // scan of every socket per sign-in would cost O(n) each, O(n²) for a burst).
  private perUser = new Map<unknown, number>();
  private counted = new WeakSet<LiveConnection>();

  constructor(
    private readonly max: number,
    private readonly maxPerUser: number,
    private readonly maxPerAddress: number = Infinity,
    private readonly displacing?: AddressWindow,
  ) {}

  /** Why a newcomer from `address` cannot have a place now, or undefined when it can (a free one, or one given up). */
  refusal(address: string): UpgradeRefusal | undefined {
    const held = this.unauthenticatedFrom.get(address) ?? 0;
    if (held >= this.maxPerAddress && !this.openedFrom.has(address)) {
      return { status: 429, retryAfter: 1, text: `${held} sockets from this address have not authenticated yet, the most one address may hold; send their tokens or retry later` };
    }
    if (this.open.size < this.max || this.openedFrom.has(address)) return undefined;
    if (this.opened.size + this.checking.size === 0) {
      return { status: 503, retryAfter: 10, text: `this live server holds its maximum of ${this.max} connections, all authenticated; retry later` };
    }
    const wait = this.displacing?.waitFor(address) ?? 0;
    if (wait > 0) {
      return {
        status: 503,
        retryAfter: Math.ceil(wait / 1000),
        text: `this live server is full, and this address already took the places of ${this.displacing!.limit} other addresses' unauthenticated sockets in ${this.displacing!.windowMs} ms; retry in ${Math.ceil(wait / 1000)} s`,
      };
    }
    return undefined;
  }

  /** Frees a place for a newcomer from `address`, displacing unauthenticated sockets if needed; false when none can go. */
  makeRoom(address: string): boolean {
    while ((this.unauthenticatedFrom.get(address) ?? 0) >= this.maxPerAddress) {
      const silent = first(this.openedFrom.get(address));
      if (silent === undefined) return false;
      silent.displace(DISPLACED);
      this.closed(silent);
    }
    while (this.open.size >= this.max) {
      const oldest = first(this.openedFrom.get(address)) ?? first(this.opened) ?? first(this.checking);
      if (oldest === undefined) return false;
      if (this.addressOf.get(oldest) !== address) {
        if (this.displacing && this.displacing.waitFor(address) > 0) return false;
        this.displacing?.add(address);
      }
      oldest.displace(DISPLACED);
      this.closed(oldest); // displace() reports it already; once more changes nothing
    }
    return true;
  }

  /** A socket from `address` just upgraded (after makeRoom). */
  add(connection: LiveConnection, address: string): void {
    this.open.add(connection);
    this.opened.add(connection);
    this.addressOf.set(connection, address);
    this.unauthenticatedFrom.set(address, (this.unauthenticatedFrom.get(address) ?? 0) + 1);
    const from = this.openedFrom.get(address);
    if (from) from.add(connection);
    else this.openedFrom.set(address, new Set([connection]));
  }

  /** Its auth frame arrived: the token is being checked. */
  authenticating(connection: LiveConnection): void {
    if (this.unlistOpened(connection)) this.checking.add(connection);
  }

  /** Its token was accepted: a reason to refuse it (the per-user cap), or undefined, and then it keeps its place. */
  admit(connection: LiveConnection): string | undefined {
    this.unlistOpened(connection);
    this.checking.delete(connection);
    this.forgetAddress(connection);
    if (connection.user === undefined) return undefined;
    const user = userKey(connection.user);
    const held = this.perUser.get(user) ?? 0;
    if (held >= this.maxPerUser) return `this user already holds ${held} live connections (the maximum); close one or retry later`;
    this.perUser.set(user, held + 1);
    this.counted.add(connection);
    return undefined;
  }

  closed(connection: LiveConnection): void {
    this.open.delete(connection);
    this.unlistOpened(connection);
    this.checking.delete(connection);
    this.forgetAddress(connection);
    if (!this.counted.delete(connection)) return;
    const user = userKey(connection.user);
    const left = (this.perUser.get(user) ?? 1) - 1;
    if (left > 0) this.perUser.set(user, left);
    else this.perUser.delete(user);
  }

  /** Takes a socket off the lists of those that have sent nothing; false if it was not on them. */
  private unlistOpened(connection: LiveConnection): boolean {
    if (!this.opened.delete(connection)) return false;
    const address = this.addressOf.get(connection)!;
    const from = this.openedFrom.get(address)!;
    from.delete(connection);
    if (from.size === 0) this.openedFrom.delete(address);
    return true;
  }

  /** It no longer counts against its address: admitted or closed. */
  private forgetAddress(connection: LiveConnection): void {
    const address = this.addressOf.get(connection);
    if (address === undefined) return;
    this.addressOf.delete(connection);
    const left = (this.unauthenticatedFrom.get(address) ?? 1) - 1;
    if (left > 0) this.unauthenticatedFrom.set(address, left);
    else this.unauthenticatedFrom.delete(address);
  }
}

function first<T>(set: Set<T> | undefined): T | undefined {
  for (const item of set ?? []) return item;
  return undefined;
}

/**
 * Whom a socket counts against: a user given as a record (`{ id, … }`, most
 * often a new object at each token check) by its id, anything else as it is.
 */
function userKey(user: unknown): unknown {
  const id = user !== null && typeof user === "object" ? (user as { id?: unknown }).id : undefined;
  return typeof id === "string" || typeof id === "number" ? `id:${typeof id}:${id}` : user;
}
