import { ApiError } from "./api-error";
import type { Db } from "./db";
import type { ApiResponse } from "./http-io";

/**
 * `Idempotency-Key` replay. A client that lost an answer (timeout, dropped
 * connection) sends the same request again with the same key; the first
 * answer is replayed from SQLite instead of running the request twice. The
 * answer is stored in the transaction that made the change, so "changed but
 * not remembered" cannot happen. Keys belong to one account: the same key
 * from another account is another key, so nobody is replayed someone else's answer.
 */

const KEY_MAX = 255;
/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Reads the header; undefined when not sent. */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (key === "" || key.length > KEY_MAX) {
    throw new ApiError(400, `Header "Idempotency-Key" must be 1 to ${KEY_MAX} characters.`, "invalid", { name: "Idempotency-Key", type: "header" });
  }
  return key;
}

/**
 * The stored answer for `key`, if the key was used before. A key reused for
 * another method or path is refused (422): replaying an unrelated answer
 * would be wrong, and running the new request would break the key's promise.
 */
export function storedAnswer(db: Db, owner: string, key: string, method: string, path: string): ApiResponse | undefined {
  const row = db.prepare("SELECT * FROM idempotency WHERE owner = ? AND key = ?").get(owner, key) as
    | { method: string; path: string; status: number; headers: string; body: string }
    | undefined;
  if (!row) return undefined;
  if (row.method !== method || row.path !== path) {
    throw new ApiError(422, `Idempotency-Key "${key}" was already used for ${row.method} ${row.path}; use a new key for a new request.`, "idempotencyKeyReused", {
      name: "Idempotency-Key",
      type: "header",
    });
  }
  return { status: row.status, headers: JSON.parse(row.headers) as Record<string, string>, body: row.body };
}

/** Remembers the answer given for `key` (and forgets keys past their TTL). */
export function remember(db: Db, owner: string, key: string, method: string, path: string, response: ApiResponse, now: number): void {
  db.prepare("DELETE FROM idempotency WHERE created < ?").run(now - IDEMPOTENCY_TTL_MS);
  db.prepare("INSERT OR REPLACE INTO idempotency (owner, key, method, path, status, headers, body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
    owner,
    key,
    method,
    path,
    response.status,
    JSON.stringify(response.headers),
    response.body,
    now,
  );
}
