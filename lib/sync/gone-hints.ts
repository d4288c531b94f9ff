import type { RecordEntry, OutboxOp } from "../store/record-entry";
import type { ResolvedRoute } from "./routes";
import type { SyncHost } from "./sync-host";

// What a 404 or 410 to a create or a pull may mean, added to its message: a
// parent the path names (a task's list) is gone, or the address is wrong (a
// collection the server lacks, a wrong base).

/** "the server may have no List "…" (taskListID) any more (deleted elsewhere?)" */
function parentGone(host: SyncHost, className: string, field: string, value: unknown): string {
  return `the server may have no ${host.options(className).remoteKeys[field]} ${JSON.stringify(String(value))} (${field}) any more (deleted elsewhere?)`;
}

const CHECK_ADDRESS = "check resourceClient.base and the routes";

/**
 * For a create answered 404/410: the parent its path holds may be gone, and
 * what to do then; without one, the address is likely wrong (which an HTML
 * "not found" page's message, `saidWhere`, says already).
 */
export function createGoneHint(host: SyncHost, entry: RecordEntry, op: OutboxOp, saidWhere?: boolean): string {
  const segments = (op.sentAs?.path ?? "").split(/[?#]/)[0].split("/").map(decoded);
  const { className } = entry;
  for (const field in host.options(className).remoteKeys) {
    const value = entry.attrs[field];
    if (value == null || !segments.includes(String(value))) continue;
    return `; ${parentGone(host, className, field, value)}: atmos.revert(record) drops this ${className} here, or set another ${field} and atmos.retry(record)`;
  }
  if (saidWhere) return ", then atmos.retry(record)";
  return `; the server has nothing at this address to create ${className} records in: ${CHECK_ADDRESS}, then atmos.retry(record)`;
}

/** For a pull answered 404/410: the parent a path parameter names may be gone, else the address is likely wrong. */
export function pullGoneHint(host: SyncHost, className: string, route: ResolvedRoute, pathParams: Record<string, unknown> | undefined): string {
  const where = `${CHECK_ADDRESS} (${className}'s index route)`;
  const keys = host.options(className).remoteKeys;
  const parent = route.params.find((name) => keys[name] && pathParams?.[name] != null);
  if (parent === undefined) return `; the server has nothing at this address to read ${className} records from: ${where}`;
  return `; ${parentGone(host, className, parent, pathParams![parent])}; else ${where}`;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a route written with a bare "%"
  }
}
