import type { OpKind, OutboxOp } from "../store/record-entry";
import type { SyncError } from "./sync-error";

/**
 * What to do with a failed request. Pure.
 *
 *   offline   status 0, a timeout, or a status in offlineStatusCodes: keep the
 *             change, say "offline", retry with backoff and on `online`/push()
 *   transient 429 (or Google's 403 rate limit) and other 5xx: retry with
 *             backoff (Retry-After honoured);
 *             a 409 to an op sent again with its key, a few times (below)
 *   auth      401: hold every send until atmos.resume()
 *   gone      404/410 answering a delete: the record is already gone, done
 *   park      a setup mistake, or any other failure: the change waits for
 *             retry() or revert()
 */
export type FailureKind = "offline" | "transient" | "auth" | "gone" | "park";

/** The failed response as the offlineStatusCodes function sees it. */
export interface FailedResponse {
  /** HTTP status; 0 when there was no response (network failure, timeout). */
  status: number;
  /** Parsed JSON body, else the text. */
  body: unknown;
  error: SyncError;
}

/** Statuses that mean "offline", or a function of the failed response deciding it. */
export type OfflineStatusCodes = number[] | ((response: FailedResponse) => boolean);

/** The default of `atmos.offlineStatusCodes` (frozen: each Atmos starts with a copy). */
export const offlineDefaults: readonly number[] = Object.freeze([0, 408, 502, 503, 504]);

/** A status saying the server has no record at that address (any more). */
export function goneAnswer(status: number | undefined): boolean {
  return status === 404 || status === 410;
}

/**
 * The server asked to slow down: a 429, or Google's 403 whose
 * `error.errors[].reason` is `rateLimitExceeded` or `userRateLimitExceeded`
 * (its APIs send those, and ask for a retry with backoff). The request was
 * refused before anything was done: it waits its turn, nothing to fix.
 */
export function saysSlowDown(error: SyncError): boolean {
  if (error.status === 429) return true;
  const reasons = error.status === 403 && (error.body as { error?: { errors?: unknown } } | null)?.error?.errors;
  return Array.isArray(reasons) && reasons.some((item) => /^(rateLimitExceeded|userRateLimitExceeded)$/.test(item?.reason));
}

export function classifyFailure(error: SyncError, op: OpKind | "index", offline: OfflineStatusCodes, sent?: Pick<OutboxOp, "unsure" | "attempts">): FailureKind {
  const status = error.status;
  // A setup mistake (resourceClient.base, a route missing a parameter, an
  // unknown model in routes, a hook that threw): nothing went out, so it says
  // nothing about the network, and no retry can help.
  if (error.type === "config") return "park";
  const isOffline = typeof offline === "function" ? offline({ status, body: error.body, error }) : offline.includes(status);
  if (status === 0 || error.type === "timeout" || error.type === "network" || isOffline) return "offline";
  if (status === 401) return "auth";
  if (op === "destroy" && goneAnswer(status)) return "gone";
  if (status >= 500 || saysSlowDown(error)) return "transient";
  // A 409 to a request sent again with its key, an earlier one maybe still on its way: the server is still
  // working on that one (the Idempotency-Key draft's answer). Tried again, a few times; then a conflict.
  if (status === 409 && sent?.unsure && (sent.attempts ?? 0) <= 5) return "transient";
  return "park";
}

/** Delay before retry number `attempt` (0-based): within 1 s first, doubling to 30 s, with jitter. */
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(30000, 1000 * 2 ** attempt);
  // "Equal jitter": never zero (no hot loop), never in lockstep with other clients.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
