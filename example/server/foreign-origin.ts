import type * as http from "http";
import { DEFAULT_TOKEN } from "./exposure";
import type { Account } from "./tasks-api";

/**
 * Pages on other sites. The API answers every origin (CORS `*`) because a
 * Bearer token only its holder knows protects it. The default `dev-token` is
 * no such token: every web page can write it. While the server accepts it
 * (or no token at all), a site the developer visits during `npm start` could
 * read the tasks through CORS, follow them on `/live`, and change them with a
 * "simple" POST the browser sends without asking (`?access_token=dev-token`).
 * So while that holds, anything a browser sends from another origin (its
 * `Origin` header names it) is refused.
 */

/** Whether any web page could use this server's API: no token, or the default one. */
export function openToEveryPage(accounts: readonly Account[] | undefined): boolean {
  return accounts === undefined || accounts.some((account) => account.token === DEFAULT_TOKEN);
}

/**
 * Whether the request comes from a page on another origin than `ownHost`
 * (the `host[:port]` the browser has in its address bar). No `Origin`: not a
 * cross-origin browser request (curl, a backend, a same-origin GET).
 * `Origin: null` (a sandboxed frame, a file) is another origin.
 */
export function fromForeignPage(req: http.IncomingMessage, ownHost: string | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  if (ownHost === undefined) return true;
  try {
    return new URL(origin).host.toLowerCase() !== new URL(`http://${ownHost}`).host.toLowerCase();
  } catch {
    return true;
  }
}

export const FOREIGN_PAGE_REFUSAL =
  "This server accepts the default token dev-token, which any web site could send: it answers pages on its own origin only. Set TASKS_TOKEN to a token of your own to let other origins use the API.";
