import type { MetaContext, Reloaded } from "../meta-context";
import { isParked, type RecordEntry } from "../store/record-entry";
import { callApp, errorPayload, recordOf } from "./outbox-exchange";
import { tellFirstFailure } from "./failed-attempt";
import { SyncError, type ErrorPayload } from "./sync-error";
import type { RemoteCallOptions, SyncHost } from "./sync-host";

/** A remote call's options and callbacks (several, once compacted into one op), and the record it was made on (its id then). */
export interface RememberedCalls {
  className: string;
  id: string;
  calls: RemoteCallOptions[];
}

/**
 * In a tab that is not the one sending, what another tab's sending did to
 * this tab's changes, read from what that tab wrote: the `error` event of
 * each failed attempt, and the callbacks of this tab's saves and destroys
 * once their request was answered. (The sending tab calls them itself.)
 *
 * Storage keeps no response: a success callback gets the record's stored
 * attributes, an `error` event or callback the stored status, message and,
 * for a parked change, body.
 */
export function settledElsewhere(host: SyncHost, remembered: Map<string, RememberedCalls>, changes: Reloaded[], told: WeakSet<RemoteCallOptions>): void {
  // `retrying`: sent again later, unless parked (as failedAttempt says it in the sending tab).
  const payloadOf = (entry: RecordEntry, { status, message, body = null }: { status: number; message: string; body?: unknown }): ErrorPayload => {
    const payload = errorPayload(entry.className, recordOf(host, entry), new SyncError(message, { status, body, type: status > 0 ? "http" : "network" }));
    payload.retrying = !isParked(entry);
    return payload;
  };
  // A failed attempt at a record this tab held: the sending tab stored why.
  for (const { entry, before } of changes) {
    const failure = entry?.queue[0]?.lastError;
    if (!failure || !before) continue;
    const earlier = before.queue.find((o) => o.key === entry!.queue[0].key)?.lastError;
    if (earlier?.at === failure.at) continue;
    const payload = payloadOf(entry!, { ...failure, body: entry!.failed?.body });
    host.reportError(payload);
    // The first failure of a change made here reaches its error callbacks, once, as in the sending tab.
    const mine = payload.retrying ? remembered.get(entry!.queue[0].key) : undefined;
    if (mine) tellFirstFailure(told, mine.calls, payload.record, payload);
  }
  for (const [key, { className, id, calls }] of remembered) {
    // Under its server id once created (the old id may be read as removed only in a later batch).
    const moved = changes.find((c) => c.className === className && c.entry?.formerIds?.includes(id));
    const entry = moved ? moved.entry : host.meta.get(className, id);
    const change = changes.find((c) => (entry ? c.entry === entry : c.className === className && c.id === id));
    // Gone: answered only if it was a destroy, and this batch removed it.
    if (!entry && !change?.before?.deleted) continue;
    if (entry?.queue.some((o) => o.key === key)) {
      // Parked by this very write: its callbacks hear the refusal, once.
      if (!change || !isParked(entry) || entry.queue[0].key !== key || (change.before && isParked(change.before))) continue;
      const payload = payloadOf(entry, entry.failed!);
      for (const call of calls) callApp(() => call.error?.(payload.record, payload));
      continue;
    }
    // Answered: gone from the queue. A create is now under its server id; a destroyed record may be gone.
    remembered.delete(key);
    const shown = entry ?? change!.before;
    const record = shown ? recordOf(host, shown) : null;
    for (const call of calls) callApp(() => call.success?.(record, shown?.attrs ?? null));
  }
}

/**
 * What `push()` waits for in a tab that does not send: every change queued
 * now (of one model, or of all) was answered, parked, or tried and failed
 * once by the sending tab (as the sending tab's own `push()` settles on a
 * failed round). It does not cut short that tab's wait before a retry.
 */
export function triedElsewhere(meta: MetaContext, waits: (entry: RecordEntry) => boolean, className?: string): () => boolean {
  const queued = [...meta.queued()].filter((e) => (!className || e.className === className) && waits(e));
  let waiting = queued.map(({ className, id, queue: [op] }) => ({ className, id, key: op.key, at: op.lastError?.at }));
  const tried = (w: (typeof waiting)[number]) => {
    const entry = meta.get(w.className, w.id) ?? meta.all(w.className).find((e) => e.formerIds?.includes(w.id));
    const op = entry?.queue[0];
    return !op || op.key !== w.key || !waits(entry!) || op.lastError?.at !== w.at;
  };
  // Checked on every change of the status board: what was tried is not looked up again.
  return () => (waiting = waiting.filter((w) => !tried(w))).length === 0;
}
