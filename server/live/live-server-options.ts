import type { Server } from "node:http";
import type { Clock } from "../../lib/env/clock";
import type { AuthFailureCounter } from "./address-window";
import type { Authenticate } from "./authenticate";
import type { LiveLog } from "./live-log";
import type { AllowedHosts } from "./host-check";
import type { AllowedOrigins } from "./origin-check";

export interface LiveServerOptions {
  /** Attach to this server's `upgrade` event (path `/live`); otherwise call `handleUpgrade` yourself. */
  server?: Server | undefined;
  /** WebSocket path. Default "/live". */
  path?: string | undefined;
  /** Decides who a token is and which channels it may join (may be async). */
  authenticate: Authenticate;
  /** Secret for `POST /update` (header X-Atmos-Secret); without it /update answers 404. */
  secret?: string | undefined;
  /** With a Redis URL, processes sharing it share seqs, replay logs and changes. */
  redisUrl?: string | undefined;
  /** Key prefix in Redis (default "atmos2:"); processes that share channels share it. */
  redisKeyPrefix?: string | undefined;
  /** Changes kept per channel for reconnecting clients. Default 1000. */
  replayLimit?: number | undefined;
  /**
   * Bytes of changes (as the `change` frames sent) kept per channel for
   * reconnecting clients, the latest change always; a client that missed
   * more resyncs. Default 4 MiB.
   */
  replayBytes?: number | undefined;
  /**
   * Bytes of changes the replay logs of every channel keep together, in
   * memory (with Redis, its own maxmemory bounds them): past it, the logs of
   * the channels written longest ago are dropped (their returning clients
   * resync). At least `replayBytes`. Default 256 MiB.
   */
  replayTotalBytes?: number | undefined;
  /** Largest frame accepted from a client, in bytes (ws closes with 1009). Default 1 MiB. */
  maxPayload?: number | undefined;
  /** Unsent bytes a socket may queue before it is dropped as too slow. Default 4 MiB. */
  maxBufferedBytes?: number | undefined;
  /** Ping interval; a socket that missed the previous pong is dropped. 0 = off. Default 30 s. */
  heartbeatMs?: number | undefined;
  /** A socket must send its auth message within this time. Default 10 s. */
  authTimeoutMs?: number | undefined;
  /** Largest `POST /update` body in bytes. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /**
   * Time a client has to send an HTTP request's headers (a WebSocket upgrade
   * or any other request of `server`), and a `POST /update` its body;
   * one that dribbles them is answered 408 and cut. With `server`, its
   * `headersTimeout` is lowered to this (never raised) and, unless it
   * already listens, it checks every second instead of every 30 s. 0 leaves
   * `server`'s own timeouts alone and lets a body take its time. Default 10 s.
   */
  requestTimeoutMs?: number | undefined;
  /**
   * Failed auths (a token `authenticate` refuses or throws on) one client
   * address may make per `authFailureWindowMs`; after them, its auth
   * frames are refused with 1013 without their tokens being looked at
   * until the window ends (a good token then works again). Successful auths
   * never count, however many users share the address. Wrong `POST /update`
   * secrets count apart, with the same limit and window (a missing one not
   * at all): wrong tokens never lock a backend out of /update. 0 = no
   * limit. Default 20.
   */
  maxAuthFailures?: number | undefined;
  /** The window of `maxAuthFailures`, from an address's first failure. Default 60 s. */
  authFailureWindowMs?: number | undefined;
  /**
   * The failed-auth count per address to use instead of one of this
   * server's own (its own `limit` and `windowMs` then apply to tokens;
   * `maxAuthFailures` and `authFailureWindowMs` still limit wrong /update
   * secrets, which never count here): shared with another endpoint that takes
   * the same tokens (an HTTP API), so an address has one budget of guesses
   * over both, and a locked address is locked on both.
   */
  authFailures?: AuthFailureCounter | undefined;
  /**
   * Sockets one client address may hold before they authenticate; one more
   * takes the place of the address's oldest that has sent nothing (close
   * 1013), or gets 429 before the upgrade when each has sent a token still
   * being checked. While the server is full, one address may
   * also take the places of at most this many other addresses' unauthenticated
   * sockets per `authTimeoutMs` (then 503). Default 64.
   */
  maxUnauthenticatedPerAddress?: number | undefined;
  /**
   * Count a client by the last X-Forwarded-For address (the one the nearest
   * proxy wrote) instead of the TCP peer, for the per-address limits. Only
   * for a server reached through a proxy alone: anyone else can write the
   * header. Default false (behind a proxy every client then shares its address).
   */
  trustProxy?: boolean | undefined;
  /**
   * The browser origins a socket may come from (`["https://app.example"]`),
   * or a function `(origin, request) => boolean`. Set it when `authenticate`
   * trusts what a browser sends by itself (cookies, HTTP auth): otherwise a
   * page of any other site can open a socket as its visitor. A browser's
   * upgrade from another origin gets 403; a client that sends no `Origin`
   * (not a browser) is left to `authenticate`. Default: every origin.
   */
  origins?: AllowedOrigins | undefined;
  /**
   * The host names the server answers to (`["live.example.com"]`; loopback
   * names always), or a function `(hostHeader) => boolean`. A socket or POST
   * /update naming another Host gets 421: a page of another site that
   * points its own name at this server (DNS rebinding) is, to the browser,
   * this server's own origin. With it, a page whose origin is the host it
   * reached is the app's own (its wrong tokens never lock the address; see
   * GuessWindow). Default: any host.
   */
  hosts?: AllowedHosts | undefined;
  /**
   * Open sockets at most. A socket that has not authenticated holds a place
   * while there is room (see `maxUnauthenticatedPerAddress`); when the server is full, a newcomer takes the place
   * of the oldest such socket (one from its own address first; closed with
   * 1013), and only when every place is held by an authenticated socket does
   * an upgrade get 503. Default 10,000.
   */
  maxConnections?: number | undefined;
  /**
   * Sockets one user may hold (users as `authenticate` names them in `{ user }`);
   * one more is closed with 1013 "try again later". Default 100.
   */
  maxConnectionsPerUser?: number | undefined;
  /**
   * Channels one socket may name in its auth message; more are refused with
   * 4403 (a grant by predicate or of every channel would otherwise let one
   * frame subscribe to tens of thousands). Default 1000.
   */
  maxChannelsPerSocket?: number | undefined;
  /**
   * Sync requests of one socket that may wait for the backend at once; more
   * are answered with an error at once (each waiting one holds its frame).
   * Default 16.
   */
  maxSyncInFlight?: number | undefined;
  /** A channel's replay log is dropped after this long without a change (its clients then resync). 0 = never. Default 10 min. */
  replayIdleMs?: number | undefined;
  /** What idle times are measured by. Default the system clock; specs pass a fake one. */
  clock?: Clock | undefined;
  log?: LiveLog | undefined;
}

/** Every option's name, in the order above: a misspelled one (`secrett`) is refused, not taken for "not set". */
const optionNames = ["server", "path", "authenticate", "secret", "redisUrl", "redisKeyPrefix", "replayLimit", "replayBytes", "replayTotalBytes", "maxPayload", "maxBufferedBytes", "heartbeatMs", "authTimeoutMs", "maxBodyBytes", "requestTimeoutMs", "maxAuthFailures", "authFailureWindowMs", "authFailures", "maxUnauthenticatedPerAddress", "trustProxy", "origins", "hosts", "maxConnections", "maxConnectionsPerUser", "maxChannelsPerSocket", "maxSyncInFlight", "replayIdleMs", "clock", "log"] as const satisfies ReadonlyArray<keyof LiveServerOptions>;
// Fails to compile when an option above is missing from the list.
const everyOption: Record<Exclude<keyof LiveServerOptions, (typeof optionNames)[number]>, never> = {};
void everyOption;

/** Throws, naming it, for an option `createLiveServer` does not have. */
export function checkOptionNames(options: object): void {
  for (const name of Object.keys(options)) {
    if (!(optionNames as readonly string[]).includes(name)) throw new Error(`createLiveServer: ${name} is not an option; the options are ${optionNames.join(", ")}`);
  }
}

export function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`createLiveServer: ${name} must be a ${allowZero ? "non-negative" : "positive"} number (got ${String(value)})`);
  }
  return value;
}
