import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorReason, neverSent } from "./error-reason";
import { LiveInputError, MAX_ATTRS_DEPTH, nestsDeeper, validateChanges, validateChannel } from "./change-validation";
import { answerJson as reply, awaitsContinue, requestPath } from "./http-answer";
import { LiveHub } from "./live-hub";
import { lockedOut, type AuthFailureCounter } from "./address-window";
import { withinTime } from "./time-limit";

/** How deep a body may nest to be parsed at all: cheap to parse, and deep enough for validateChanges to name the field at fault. */
const MAX_PARSED_DEPTH = 1000;

export interface UpdateEndpointOptions {
  hub: LiveHub;
  /** Shared with the backends; undefined turns the endpoint off (404). */
  secret: string | undefined;
  maxBodyBytes: number;
  /** Time a body has to arrive in full (0: no limit); one that dribbles is answered 408. */
  bodyTimeoutMs?: number;
  /** Time the change log (Redis) has to take a change before the backend is answered 503 (10 s by default). */
  publishTimeoutMs?: number;
  path?: string;
  /**
   * Wrong secrets count here, per address, apart from the failed auths of
   * /live: past the limit the address gets 429 and its secret is not
   * checked. A request without the header is no guess and is not counted
   * (a browser page can POST here, but never set X-Atmos-Secret).
   */
  guesses?: { counter: AuthFailureCounter; address(req: IncomingMessage): string };
}

const TAKEN = Symbol("atmos2.update.taken");

/** Constant-time comparison, so the secret cannot be guessed byte by byte from timings. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The body as text; "too large" past `limit` bytes, "too slow" when it is not in after `timeoutMs` (0: never). */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<string | { refused: "too large" | "too slow" }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    // Past the limit or the time nothing more is read: the answer closes the connection.
    const stop = (why: "too large" | "too slow") => {
      done = true;
      clearTimeout(timer);
      req.off("data", onData);
      req.pause();
      resolve({ refused: why });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else stop("too large");
    };
    const timer = timeoutMs > 0 ? setTimeout(() => stop("too slow"), timeoutMs) : undefined;
    req.on("data", onData);
    req.on("end", () => {
      clearTimeout(timer);
      if (!done) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * `POST /update` from any backend: `X-Atmos-Secret` header, body
 * `{ channel, changes: [...] }` → 202 `{ seq }` (seq of the last change).
 * Returns a request handler that answers `true` when it took the request.
 */
export function createUpdateEndpoint(options: UpdateEndpointOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const path = options.path ?? "/update";
  return (req, res) => {
    if (requestPath(req.url) !== path) return false;
    // Taken once, even if two handlers pass the request on.
    if ((req as { [TAKEN]?: boolean })[TAKEN]) return true;
    (req as { [TAKEN]?: boolean })[TAKEN] = true;
    void handle(req, res).catch((error: Error) => {
      if (!res.headersSent) reply(res, 500, { error: `update failed: ${error.message}` });
    });
    return true;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A refused request's body is not read: the answer closes the connection instead.
    const unread = { Connection: "close" };
    if (options.secret === undefined || options.secret === "") {
      return reply(res, 404, { error: `${path} is off: start the server with a secret (ATMOS_SECRET)` }, unread);
    }
    if (req.method !== "POST") {
      return reply(res, 405, { error: `${path} takes POST` }, { Allow: "POST", ...unread });
    }
    const guesses = options.guesses;
    const address = guesses?.address(req) ?? "";
    const locked = lockedOut(guesses?.counter, address);
    if (locked) {
      const error = `too many wrong secrets from this address (${locked.limit}); this secret was not checked; try again in ${locked.seconds} s`;
      return reply(res, 429, { error }, { "Retry-After": String(locked.seconds), ...unread });
    }
    const given = req.headers["x-atmos-secret"];
    if (typeof given !== "string" || !sameSecret(given, options.secret)) {
      if (typeof given === "string") guesses?.counter.add(address);
      return reply(res, 401, { error: "wrong or missing X-Atmos-Secret header" }, unread);
    }
    // A compressed body's bytes are not JSON: the backend is told what to change.
    const coding = req.headers["content-encoding"]?.trim();
    if (coding && coding.toLowerCase() !== "identity") {
      return reply(res, 415, { error: `this server does not decode "Content-Encoding: ${coding.slice(0, 100)}": send the JSON body uncompressed, without that header` }, unread);
    }
    const tooLarge = { error: `body is larger than ${options.maxBodyBytes} bytes` };
    if (Number(req.headers["content-length"]) > options.maxBodyBytes) return reply(res, 413, tooLarge, unread);
    // Only now is the body wanted: a client that waits for the go-ahead sends it.
    if (awaitsContinue(req, res)) res.writeContinue();
    const text = await readBody(req, options.maxBodyBytes, options.bodyTimeoutMs ?? 0);
    if (typeof text !== "string") {
      if (text.refused === "too large") return reply(res, 413, tooLarge, unread);
      return reply(res, 408, { error: `body did not arrive within ${options.bodyTimeoutMs} ms; send it at once` }, unread);
    }
    // Far past what validateChanges takes (it names the field nested too deep), refused unparsed.
    if (nestsDeeper(text, MAX_PARSED_DEPTH)) return reply(res, 400, { error: `body nests objects or arrays deeper than ${MAX_PARSED_DEPTH} levels (a change's attrs may nest ${MAX_ATTRS_DEPTH})` });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reply(res, 400, { error: "body must be JSON: { channel, changes: [...] }" });
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return reply(res, 400, { error: "body must be an object: { channel, changes: [...] }" });
    }
    let seq: number;
    try {
      const { channel, changes } = body as { channel?: unknown; changes?: unknown };
      const published = options.hub.publish(validateChannel(channel, "channel"), validateChanges(changes, "changes"));
      const answer = await withinTime(published, options.publishTimeoutMs ?? 10_000);
      if (answer === undefined) {
        const waitS = Math.round((options.publishTimeoutMs ?? 10_000) / 1000);
        return reply(res, 503, { error: `could not publish: Redis did not answer within ${waitS} s; the change may still be published when it does (posting it again may send it twice)` }, { "Retry-After": "5" });
      }
      seq = answer;
    } catch (error) {
      if (error instanceof LiveInputError) return reply(res, 400, { error: error.message });
      return reply(res, 503, { error: publishFailure(error as Error) }, { "Retry-After": "5" });
    }
    reply(res, 202, { seq });
  }
}

/**
 * What a backend is told of a publish that failed: whether posting again is
 * safe. A command the Redis client never sent (it was offline, or closed)
 * published nothing; any other failure, a connection dropped before the
 * answer above all, may come after Redis ran the command, and every client
 * may have the change already.
 */
function publishFailure(error: Error): string {
  const reason = errorReason(error);
  if (neverSent(error)) return `could not publish (${reason}): nothing was published; post it again`;
  return `could not publish (${reason}): the change may have been published (Redis may have taken it before the connection failed), so posting it again may send it twice`;
}
