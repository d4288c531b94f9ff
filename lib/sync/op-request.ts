import type { OutboxOp, RecordEntry } from "../store/record-entry";
import { requestFor } from "./outbox-exchange";
import type { SyncError } from "./sync-error";
import type { RemoteCallOptions, SyncHost } from "./sync-host";

type Request = ReturnType<typeof requestFor>;

/**
 * The start of an attempt to send a record's first op: counted (see
 * `atmos.outbox()`), and, on its first attempt, the request built and kept
 * as it leaves. Should its answer never come, it goes again the same (same
 * key, same body, same If-Match; see sentAs), and edits made meanwhile
 * follow as an op of their own. A strict server refuses a key sent again
 * with another body; a version merged in since moves the etag, and a 412
 * then says so. Resolves with the request built, on a first attempt.
 */
export function beginAttempt(host: SyncHost, entry: RecordEntry, op: OutboxOp, calls: RemoteCallOptions[]): Request | undefined {
  op.attempts = (op.attempts ?? 0) + 1;
  if (op.sent) {
    // An earlier attempt left and no answer to it came here (the page
    // closed while it was out, or it failed after it may have been made).
    op.unsure = true;
    return undefined;
  }
  op.sent = true;
  const request = requestFor(host, entry, op, calls);
  const { path, params, data, headers } = request;
  op.sentAs = { path, params, data, ifMatch: headers["If-Match"] };
  host.meta.touch(entry);
  return request;
}

/**
 * The request of this attempt: a first attempt sends the one it built
 * (prepareData runs once per attempt); a retry sends the kept one again —
 * its path, query, body and If-Match — with the headers of now.
 */
export function requestToSend(host: SyncHost, entry: RecordEntry, op: OutboxOp, calls: RemoteCallOptions[], first: Request | undefined): Request {
  if (first) return first;
  const built = requestFor(host, entry, op, calls);
  if (!op.sentAs) return built;
  const { ifMatch, ...kept } = op.sentAs;
  const headers = { ...built.headers };
  if (ifMatch === undefined) delete headers["If-Match"];
  else headers["If-Match"] = ifMatch;
  return { ...built, ...kept, headers };
}

/**
 * A 2xx of JSON says the server took the update or delete; only its body is
 * unreadable (cut short, malformed): done, as a 204 would be, and told. Not
 * an HTML page (a captive portal's, or a wrong URL's, made nothing), nor a
 * create (its answer carries the id).
 */
export function takenUnread(failure: SyncError, op: OutboxOp): boolean {
  const jsonCut = failure.type === "parse" && /^\s*[[{]/.test(String(failure.body));
  return jsonCut && failure.status >= 200 && failure.status < 300 && op.kind !== "create";
}
