import type { OutboxOp, RecordEntry } from "../store/record-entry";
import { callApp, foldNewer, storeEntry } from "./outbox-exchange";
import type { ErrorPayload, SyncError } from "./sync-error";
import type { RemoteCallOptions, SyncHost } from "./sync-host";

/**
 * What a refusal (a 4xx, a setup mistake, an unreadable answer) does to a
 * record's outbox: the change is parked until the app retries or reverts it,
 * or, when the user saved a newer version while the refused one was on its
 * way, the newest is sent instead (once). Then the `error` event and the
 * calls' error callbacks tell of it.
 */
export function parkOrResend(host: SyncHost, entry: RecordEntry, op: OutboxOp, failure: SyncError, calls: RemoteCallOptions[], payload: ErrorPayload): void {
  const { status, message, body } = failure;
  // A rejected request was not committed (and a setup mistake sent nothing),
  // so later edits may fold into it again; unless an earlier attempt may have
  // been: it keeps its key, and a server that replays answers by key answers
  // with the record it has.
  const uncommitted = (failure.type === "http" || failure.type === "config") && !op.unsure;
  if (uncommitted) {
    op.sent = false;
    // What goes after it goes with a key of its own (see `refusals`).
    if (failure.type === "http") op.refusals = (op.refusals ?? 0) + 1;
  }
  // The user saved a newer version (with `remote`) while this one was on its
  // way: the refusal judged an old version. The newest is sent instead, once
  // (it is alone in the queue now: refused too, it is parked).
  let resend = uncommitted && entry.queue[0] === op && entry.queue.some((o) => o !== op && !o.hold);
  if (resend) {
    foldNewer(host, entry, op);
    // Nothing folded into it (an edit does not fold into a delete): sent as it is, it would be refused again at once.
    if (entry.queue[0]?.key === op.key) resend = false;
  }
  if (!resend) entry.failed = { status, message, body };
  // Created, refused, destroyed meanwhile: the server never had it, nothing is left to send.
  storeEntry(host.meta, entry);
  // Then the app hears of it: its listeners read the record as parked, and status() counts it.
  host.statusChanged(entry);
  host.reportError(payload);
  // The refused save's callbacks hear the refusal; the newer save's hear how it went.
  for (const call of calls) callApp(() => call.error?.(payload.record, payload));
  if (resend && !entry.queue.some((o) => o.key === op.key)) host.dropCallOptions(op.key);
}

/**
 * `push()` released changes the user made after a refusal (saved or
 * destroyed without `remote`): as a remote save would, that clears the
 * failure, and the refused version (never committed) folds into the newer one.
 */
export function resumeParked(host: SyncHost, entry: RecordEntry): void {
  entry.failed = undefined;
  if (!entry.queue[0].sent) foldNewer(host, entry, entry.queue[0]);
  storeEntry(host.meta, entry);
  host.statusChanged(entry);
}
