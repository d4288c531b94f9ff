import type * as http from "http";
import { DEFAULT_TOKEN, MIN_EXPOSED_TOKEN_LENGTH } from "./exposure";
import type { Account } from "./tasks-api";

/**
 * Pages on other sites. The API answers every origin (CORS `*`) because a
 * Bearer token only its holder knows protects it. The default `dev-token` is
 * no such token: every web page can write it. While the server accepts it
 * (or no token at all), a site the developer visits during `npm start` could
 * read the tasks through CORS, follow them on `/live`, and change them with a
 * "simple" POST the browser sends without asking (`?access_token=dev-token`).
 * A short token of the user's own (allowed on a loopback HOST) is little
 * better: a page can try thousands a minute from a word list. So while the
 * server accepts no token, the default one or one shorter than 16
 * characters, anything a browser sends from another origin (its `Origin`
 * header names it) is refused.
 */

/** Whether any web page could use (or guess its way into) this server's API: no token, the default one, or a short one. */
export function openToEveryPage(accounts: readonly Account[] | undefined): boolean {
  return accounts === undefined || accounts.some((account) => account.token === DEFAULT_TOKEN || account.token.length < MIN_EXPOSED_TOKEN_LENGTH);
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
  "This server accepts a token any web site could send or guess (dev-token, or one shorter than 16 characters): it answers pages on its own origin only. Set TASKS_TOKEN (or each token in TASKS_USERS) to at least 16 random characters to let other origins use the API.";

/**
 * Whether a page on another site had the browser send this request without
 * CORS: an `<img>`, a `<script>`, a link, a frame. Such a request carries no
 * `Origin` (so `fromForeignPage` passes it as a backend's), but Chromium and
 * Firefox say where it came from in `Sec-Fetch-Site` ("same-site" is another
 * port or subdomain of the same site). Its page can never read the answer,
 * so the API has nothing to give it; counted as a guess, its token let any
 * page the developer opened spend the address's budget of wrong tokens (22
 * `<img src=".../lists?access_token=guessN">`) and lock the developer out.
 * A browser that sends no Sec-Fetch-Site is not told apart.
 */
export function crossSiteWithoutCors(req: http.IncomingMessage): boolean {
  const site = req.headers["sec-fetch-site"];
  return req.headers.origin === undefined && (site === "cross-site" || site === "same-site");
}

export const CROSS_SITE_REFUSAL =
  "A page on another site had the browser send this request without CORS (an image, a script, a link or a frame): its token was not checked. Pages call this API with fetch or XMLHttpRequest.";
