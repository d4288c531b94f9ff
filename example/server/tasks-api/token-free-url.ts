import { parseTarget } from "./request-target";

/**
 * The API takes a token from `?access_token=` as Google does (auth.ts). A
 * URL is kept by the idempotency table and written into error log lines, and
 * a token in either would outlive the request: in the database file for a
 * day, in logs for good. These give a request's URL without it.
 */

const TOKEN_PARAMETER = "access_token";

/** Path and query of `url` with every `access_token` parameter left out (however its name was escaped). */
export function withoutAccessToken(url: URL): string {
  if (!url.searchParams.has(TOKEN_PARAMETER)) return url.pathname + url.search;
  const query = new URLSearchParams(url.search);
  query.delete(TOKEN_PARAMETER);
  const rest = query.toString();
  return url.pathname + (rest === "" ? "" : `?${rest}`);
}

/**
 * `req.url` as a log line may show it: without `access_token` and without a
 * fragment. A target that names no path (`*`, `http://[?…`) loses its whole query.
 */
export function loggableUrl(raw: string | undefined): string {
  const url = parseTarget(raw);
  if (url !== undefined) return withoutAccessToken(url);
  const text = raw ?? "";
  const path = text.split(/[?#]/, 1)[0];
  return path.length < text.length ? `${path}?… (query not shown)` : path;
}
