import type * as http from "http";
import { timingSafeEqual } from "crypto";
import { ApiError } from "./api-error";

/**
 * Bearer-token check. The token comes from `Authorization: Bearer …` or, as
 * Google also accepts, the `access_token` query parameter.
 */
export function checkToken(req: http.IncomingMessage, query: URLSearchParams, token: string | undefined): void {
  if (token === undefined) return; // no token configured: open server
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  const given = match ? match[1].trim() : query.get("access_token");
  if (given === null || given === undefined || given === "") {
    throw new ApiError(401, "Request is missing required authentication credential. Send the header \"Authorization: Bearer <token>\".", "required", {
      name: "Authorization",
      type: "header",
    });
  }
  if (!sameText(given, token)) {
    throw new ApiError(401, "Request had invalid authentication credentials: the Bearer token is not the one this server accepts.", "authError", {
      name: "Authorization",
      type: "header",
    });
  }
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
