import type { OutboxOp, RecordEntry } from "../store/record-entry";
import { callApp, errorPayload, finishDestroy, recordOf, storeEntry } from "./outbox-exchange";
import { createGoneHint } from "./gone-hints";
import { parkOrResend } from "./refusal";
import { classifyFailure, goneAnswer } from "./retry-policy";
import { asSyncError, type ErrorPayload, type SyncError } from "./sync-error";
import type { RemoteCallOptions, SyncHost } from "./sync-host";

/** What the pusher keeps across attempts for this: the calls told of a failure, and its 401 pause. */
export interface AttemptState {
  /** The calls whose error callback heard a failure their change outlived. */
  told: WeakSet<RemoteCallOptions>;
  /** Pauses sending (a 401); whether it was not paused yet. */
  pause(): boolean;
}

/**
 * A failed attempt to send an op: what it says about the op (maybe made on
 * the server, or as never sent), who hears of it (the `error` event, the
 * calls' error callbacks, `auth_fail`), and what becomes of the change:
 * done (a delete of what is gone), held by a 401, parked (refused), or sent
 * again, when it returns the wait a Retry-After asks for.
 */
export function failedAttempt(host: SyncHost, entry: RecordEntry, op: OutboxOp, error: unknown, calls: RemoteCallOptions[], state: AttemptState): { retryAfterMs?: number } | undefined {
  const { className } = entry;
  const failure = asSyncError(error, `${className}: `);
  const { status, body } = failure;
  let kind = classifyFailure(failure, op.kind, host.offlineStatusCodes, op);
  // The user deleted the record while this create or update was out, and the
  // answer is a 2xx that cannot be read (an HTML page, malformed JSON, a
  // create without an id). Parked, it held the delete behind it for good, for
  // a record nobody sees any more. An update is moot now: dropped, the delete
  // goes next. A create may be on the server: sent again with its key (the
  // server answers with what it made), then the delete, retried as a 5xx is.
  const deletedMeanwhile = kind === "park" && entry.deleted && status >= 200 && status < 300 && entry.queue.some((o) => o !== op && o.kind === "destroy" && !o.hold);
  if (deletedMeanwhile && op.kind === "update") return dropMootUpdate(host, entry, op, failure, calls);
  if (deletedMeanwhile && op.kind === "create") kind = "transient";
  if (kind === "park" && goneAnswer(status)) {
    if (op.kind === "update") failure.message += "; the server has no such record (deleted elsewhere?): atmos.revert(record) removes it here, or destroy it";
    else if (op.kind === "create") failure.message += createGoneHint(host, entry, op, failure.saysWhereToLook);
  }
  const record = recordOf(host, entry);
  // The server answered (404, 500…): the network is up again, whatever it said.
  if ((status > 0 || failure.answered) && kind !== "offline" && kind !== "auth") host.setOnline(true);
  // The server has the record no more, as wanted: a DELETE answered 404 or
  // 410, or the user destroyed the record meanwhile (a list's DELETE
  // overtook the request of one of its tasks).
  if (kind === "gone" || (entry.deleted && goneAnswer(status))) {
    // Nothing of a destroyed record is left to send.
    if (entry.deleted) entry.queue = [op];
    finishDestroy(host, entry, op);
    // The destroy reached its end: its callbacks hear success, with the answer.
    if (op.kind === "destroy") for (const call of calls) callApp(() => call.success?.(record, body));
    host.dropCallOptions(op.key);
    return undefined;
  }
  // Kept on the op (and stored), so a "what is waiting" view can say why.
  op.lastError = { status, message: failure.message, at: host.clock.now() };
  // 503 and a 4xx say the server did not take the request; `unsent`: it never left.
  if (failure.type !== "config" && !(status >= 400 && status < 500) && status !== 503 && !failure.unsent) op.unsure = true;
  const payload = errorPayload(className, record, failure);
  const retrying = (payload.retrying = kind === "offline" || kind === "transient" || kind === "auth");
  if (!retrying) {
    // Refused: the server did not make it (it would have answered with what it made), so a fix goes out as the user has it.
    if (status >= 400 && status < 500) op.sentAs = undefined;
    // Stored parked in one write (parkOrResend): the other tabs must not read
    // a failure without the park and take it for one retried. And before
    // anyone hears of it, so a listener reads the record "failed", counted.
    parkOrResend(host, entry, op, failure, calls, payload);
    return undefined;
  }
  // Not on the server, by this attempt or an earlier one: as if never sent,
  // so edits made before it goes again fold into it (one request with the
  // latest attributes, not a create followed by an update it already carries).
  if (!op.unsure) notSent(op);
  // A 5xx, not an offline status: "failed" (API.md), yet sent again by
  // itself (ParkedFailure.retry). A 429 or a rate-limit 403 (or a 409: its
  // key still in progress) refused nothing: the change waits for its turn, pending.
  if (kind === "transient" && status >= 500) entry.failed = { status, message: failure.message, body, retry: true };
  // After such a 5xx, an attempt that met the network's failure: the last word is "offline", pending again.
  const wasFailed = kind === "offline" && !!entry.failed?.retry;
  if (wasFailed) entry.failed = undefined;
  host.meta.touch(entry);
  // Pause before telling the app, so a resume() called from an auth_fail
  // listener (after refreshing the token) is not undone.
  if (kind === "auth" && state.pause()) host.authFailed();
  if (kind === "offline") host.setOnline(false);
  // Not an offline status: the record says "failed" until an attempt gets
  // through (stored above); status() counts it before the listeners run.
  if (kind === "transient" || wasFailed) host.statusChanged(entry);
  host.reportError(payload);
  // A save's error callback hears the first failure of its change, whatever
  // it is (API.md: status 0 for a network failure), once: the retries that
  // follow are the outbox's; success or a refusal still comes.
  tellFirstFailure(state.told, calls, record, payload);
  return kind === "auth" ? undefined : { retryAfterMs: failure.retryAfterMs };
}

/** An update of a record deleted meanwhile, answered unreadably: its calls and the `error` event hear of it, and the delete goes next. */
function dropMootUpdate(host: SyncHost, entry: RecordEntry, op: OutboxOp, failure: SyncError, calls: RemoteCallOptions[]): undefined {
  entry.queue = entry.queue.filter((o) => o !== op);
  storeEntry(host.meta, entry);
  const payload = errorPayload(entry.className, recordOf(host, entry), failure);
  host.reportError(payload);
  for (const call of calls) callApp(() => call.error?.(payload.record, payload));
  host.dropCallOptions(op.key);
  return undefined;
}

/**
 * The error callbacks of `calls` hear of a failure their change outlives
 * (it is sent again), each once: the sending tab's pusher and a tab that
 * hears of its changes' failures from storage (settled-elsewhere.ts) share
 * `told`, so a tab that becomes the sender does not tell a call again.
 */
export function tellFirstFailure(told: WeakSet<RemoteCallOptions>, calls: RemoteCallOptions[], record: unknown, payload: ErrorPayload): void {
  for (const call of calls) {
    if (told.has(call)) continue;
    told.add(call);
    callApp(() => call.error?.(record, payload));
  }
}

/** No attempt of the op can be on the server: it is as never sent (later edits fold into it, and it is sent as the user has it). */
export function notSent(op: OutboxOp): void {
  op.sent = false;
  op.sentAs = undefined;
}
