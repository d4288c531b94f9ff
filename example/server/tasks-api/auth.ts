import type * as http from "http";
import { timingSafeEqual } from "crypto";
import { SINGLE_USER, type Account } from "./accounts";
import { ApiError } from "./api-error";

/** The token a request sends: `Authorization: Bearer …`, else `?access_token=`; undefined when none. */
export function givenToken(req: http.IncomingMessage, query: URLSearchParams): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  const given = match ? match[1].trim() : query.get("access_token");
  return given === null || given === "" ? undefined : given;
}

/**
 * Bearer-token check of the token a request sends (givenToken: the
 * `Authorization: Bearer …` header or, as Google also accepts, the
 * `access_token` query parameter). Returns the name of the account it
 * belongs to.
 */
export function authenticate(given: string | undefined, accounts: readonly Account[] | undefined): string {
  if (accounts === undefined) return SINGLE_USER; // no token configured: an open, single-user server
  if (given === undefined) {
    throw new ApiError(401, "Request is missing required authentication credential. Send the header \"Authorization: Bearer <token>\".", "required", {
      name: "Authorization",
      type: "header",
    });
  }
  // Every token is compared, so the time taken does not tell which account came close.
  let found: string | undefined;
  for (const account of accounts) if (sameText(given, account.token)) found ??= account.name;
  if (found === undefined) {
    throw new ApiError(401, "Request had invalid authentication credentials: the Bearer token is not one this server accepts.", "authError", {
      name: "Authorization",
      type: "header",
    });
  }
  return found;
}

/** Constant-time comparison, so a token cannot be guessed byte by byte from timings. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
