import type * as http from "http";
import { lockedOut } from "../../../server/live/address-window";
import { GuessWindow, guessSource, sameHostOrigin } from "../../../server/live/guess-window";
import { clientAddress } from "../../../server/live/client-address";
import { ApiError } from "./api-error";

/**
 * Wrong tokens per client address: past `max` within a window (a minute by
 * default), the address is answered 429 with Retry-After until the window
 * ends, and the tokens it sends meanwhile are not looked at, so a right guess
 * then tells nothing. The same rule `/live` applies to its `auth` frames
 * (server/live), kept here for the HTTP API, where the same tokens could
 * otherwise be tried thousands of times a second. A request without a token
 * is no guess and is not counted. A page of another site (CORS) counts
 * against its own origin at the address (guessSource), so it cannot lock
 * its visitor's own app out.
 */
export class TokenGuesses {
  /** The count per address, for a live server that takes the same tokens to share (its `authFailures` option). */
  readonly window: GuessWindow | undefined;
  private readonly trustProxy: boolean;

  constructor(options: { max: number; windowMs: number; now: () => number; trustProxy: boolean }) {
    if (!Number.isInteger(options.max) || options.max < 0) throw new Error(`createTasksApi: maxAuthFailures must be a whole number (0 = no limit), got ${String(options.max)}`);
    this.window = options.max > 0 ? new GuessWindow(options.max, options.windowMs, options.now) : undefined;
    this.trustProxy = options.trustProxy;
  }

  /** Throws the 429 when the request's address is waiting out its window (`token`: the one it sends, if any). */
  check(req: http.IncomingMessage, token: string | undefined): void {
    const locked = this.window && lockedOut(this.window, this.source(req), token);
    if (!locked) return;
    const error = new ApiError(429, `Too many wrong tokens from this address (${locked.limit}); this request's token was not checked. Try again in ${locked.seconds} s.`, "rateLimitExceeded");
    error.headers["Retry-After"] = String(locked.seconds);
    throw error;
  }

  /** Counts `error` against the request's address if it refused a token. */
  count(req: http.IncomingMessage, error: unknown): void {
    if (this.window !== undefined && error instanceof ApiError && error.reason === "authError") this.window.add(this.source(req));
  }

  /** The request's `token` was taken (GuessWindow then lets it through a lock of the whole address). */
  succeeded(req: http.IncomingMessage, token: string): void {
    this.window?.succeeded(this.source(req), token);
  }

  private source(req: http.IncomingMessage): string {
    // The app's own page: its origin names the host the request went to (the app server refuses any other Host, 421).
    const forwarded = this.trustProxy ? req.headers["x-forwarded-host"] : undefined;
    const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0].trim() ?? req.headers.host;
    const source = guessSource(req, clientAddress(req, this.trustProxy), sameHostOrigin(req, host));
    // A token in the URL of a request without Origin may be a page of another
    // site's <img> or link (browsers send such a page on a plain-http LAN
    // address no Sec-Fetch-Site): counted apart from the Authorization
    // header, which only the app's own code (or a client) can send.
    return req.headers.origin === undefined && req.headers.authorization === undefined ? `${source} ?access_token` : source;
  }
}
