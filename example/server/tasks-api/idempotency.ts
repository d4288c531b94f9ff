import { createHash } from "crypto";
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

/** A request sent with a key, and what the key stands for: the method, the path with its query, and the body. */
export interface KeyedRequest {
  key: string;
  method: string;
  path: string;
  /** `bodyFingerprint` of the parsed body. */
  fingerprint: string;
}

/**
 * The stored answer for `key`, if the key was used before. A key reused for
 * another method, path or body is refused (422): replaying the answer to
 * another request would silently drop this one, and running this one would
 * break the key's promise. A row stored before bodies were fingerprinted
 * (its fingerprint null) is matched on method and path only.
 */
export function storedAnswer(db: Db, owner: string, request: KeyedRequest): ApiResponse | undefined {
  const key = request.key;
  const row = db.prepare("SELECT * FROM idempotency WHERE owner = ? AND key = ?").get(owner, key) as
    | { method: string; path: string; fingerprint: string | null; status: number; headers: string; body: string }
    | undefined;
  if (!row) return undefined;
  if (row.method !== request.method || row.path !== request.path) {
    throw reused(`Idempotency-Key "${key}" was already used for ${row.method} ${row.path}; use a new key for a new request.`);
  }
  if (row.fingerprint !== null && row.fingerprint !== request.fingerprint) {
    throw reused(`Idempotency-Key "${key}" was already used for ${row.method} ${row.path} with another body; send the same body to retry, or a new key for a new request.`);
  }
  return { status: row.status, headers: JSON.parse(row.headers) as Record<string, string>, body: row.body };
}

/** Remembers the answer given for `key` (and forgets keys past their TTL). */
export function remember(db: Db, owner: string, request: KeyedRequest, response: ApiResponse, now: number): void {
  db.prepare("DELETE FROM idempotency WHERE created < ?").run(now - IDEMPOTENCY_TTL_MS);
  db.prepare(
    "INSERT OR REPLACE INTO idempotency (owner, key, method, path, fingerprint, status, headers, body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(owner, request.key, request.method, request.path, request.fingerprint, response.status, JSON.stringify(response.headers), response.body, now);
}

/**
 * A digest of a parsed JSON body that does not depend on its spacing or the
 * order of its keys: a retry that serialized the same values again is the
 * same request. An empty body (`undefined`) has one too.
 *
 * The body is walked with a stack of its own, not by recursion: it is taken
 * before the handler has looked at the body, and a 256 KiB body can nest far
 * deeper than the call stack goes (a recursive walk threw, and the request
 * was answered 500 instead of the handler's 400).
 */
export function bodyFingerprint(body: unknown): string {
  const hash = createHash("sha256");
  // Each entry is text to write, or a value to write out in canonical form.
  const todo: Array<{ text: string } | { value: unknown }> = [{ value: body }];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    if ("text" in next) {
      hash.update(next.text);
      continue;
    }
    const value = next.value;
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      hash.update("[");
      todo.push({ text: "]" });
      for (let i = value.length - 1; i >= 0; i--) {
        todo.push({ value: value[i] });
        if (i > 0) todo.push({ text: "," });
      }
    } else if (value !== null && typeof value === "object") {
      hash.update("{");
      todo.push({ text: "}" });
      const names = Object.keys(value).sort();
      for (let i = names.length - 1; i >= 0; i--) {
        todo.push({ value: (value as Record<string, unknown>)[names[i]] });
        todo.push({ text: `${i > 0 ? "," : ""}${JSON.stringify(names[i])}:` });
      }
    } else {
      hash.update(JSON.stringify(value));
    }
  }
  return hash.digest("base64url");
}

function reused(message: string): ApiError {
  return new ApiError(422, message, "idempotencyKeyReused", { name: "Idempotency-Key", type: "header" });
}
