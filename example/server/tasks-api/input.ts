import { invalid } from "./api-error";
import { parseRfc3339 } from "./timestamps";

/**
 * Readers for request input. Each one names the field it refuses, so a 400
 * tells the caller what to fix. "Absent" (`undefined`) and "cleared" (`null`)
 * are kept apart: PATCH leaves absent fields alone, and null clears them.
 */

/** A JSON body that must be an object (an empty body counts as `{}`). */
export function readObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalid("The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

/** A string field up to `maxLength` characters; null clears it. */
export function stringField(body: Record<string, unknown>, name: string, maxLength: number): string | null | undefined {
  const value = body[name];
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") throw invalid(`Invalid value for field "${name}": expected a string, got ${describe(value)}.`, name);
  if (value.length > maxLength) throw invalid(`Invalid value for field "${name}": longer than ${maxLength} characters.`, name);
  // SQLite would store a lone surrogate as U+FFFD: refuse rather than change the text.
  const lone = LONE_SURROGATE.exec(value);
  if (lone) {
    const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
    throw invalid(`Invalid value for field "${name}": it holds a lone UTF-16 surrogate (\\u${code} at index ${lone.index}); send well-formed Unicode.`, name);
  }
  return value;
}

/** A boolean field; null means false. */
export function booleanField(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (value === null) return false;
  if (typeof value !== "boolean") throw invalid(`Invalid value for field "${name}": expected true or false, got ${describe(value)}.`, name);
  return value;
}

/** A string field limited to some values. */
export function enumField<T extends string>(body: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`Invalid value for field "${name}": expected one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(value)}.`, name);
  }
  return value as T;
}

/** An RFC 3339 timestamp field, as ms; null clears it. */
export function timeField(body: Record<string, unknown>, name: string): number | null | undefined {
  const value = body[name];
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") {
    throw invalid(`Invalid value for field "${name}": expected an RFC 3339 timestamp such as "2024-05-01T00:00:00.000Z", got ${describe(value)}.`, name);
  }
  const parsed = parseRfc3339(value);
  if ("problem" in parsed) throw invalid(`Invalid value for field "${name}": ${parsed.problem}, got ${describe(value)}.`, name);
  return parsed.ms;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A true/false query parameter. */
export function queryBoolean(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name);
  if (value === null || value === "") return fallback;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalid(`Invalid value for parameter "${name}": expected true or false, got "${value}".`, name);
}

/** An RFC 3339 query parameter, as ms. */
export function queryTime(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  const parsed = parseRfc3339(value);
  if ("problem" in parsed) throw invalid(`Invalid value for parameter "${name}": ${parsed.problem}, got ${describe(value)}.`, name);
  return parsed.ms;
}

/** An optional id query parameter (move and insert's `parent`/`previous`). */
export function queryId(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === "" ? undefined : value;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
