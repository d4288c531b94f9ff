/**
 * CORS for browser clients on other origins (the API is token-protected, not
 * cookie-protected, so any origin may call it).
 */

/** Headers on every answer. */
export const CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": "ETag, Idempotent-Replayed, Retry-After",
};

/** Headers on the answer to a preflight OPTIONS. */
export const PREFLIGHT_HEADERS: Record<string, string> = {
  ...CORS_HEADERS,
  "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key, If-Match",
  "Access-Control-Max-Age": "600",
};
