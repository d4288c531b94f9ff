import { messageFromBody, parseRetryAfter, SyncError } from "./sync-error";

/** A request's answer, its body read (JSON parsed when it is JSON). */
export interface ResponseData {
  status: number;
  body: unknown;
  headers: Headers;
  /** No body at all (`body` is null then, as for JSON `null`). */
  empty?: boolean;
  /** Where fetch followed a redirect to (a POST redirected by a 301, 302 or 303 went there as a GET). */
  redirectedTo?: string;
}

/**
 * Reads an answer's text: JSON parsed, an HTML page (a login page, a
 * proxy's error page) or malformed JSON refused with what to check; a
 * status outside 2xx throws an "http" SyncError with the server's message
 * (and a Retry-After).
 */
export function parseResponse(response: Response, text: string, label: string): ResponseData {
  const { status, headers } = response;
  const type = headers.get("content-type") ?? "";
  // Markup (a login page, a proxy's error page), whatever type it claims; JSON that claims to be HTML is still read as JSON.
  const html = /^\s*</.test(text) && !/json/i.test(type);
  let body: unknown = text === "" ? null : text;
  // What is wrong with a successful answer's body, if anything.
  let unusable: string | undefined;
  if (html) unusable = `an HTML page, not JSON: "${messageFromBody(status, text)}"; check resourceClient.base and the routes`;
  else if (text.trim() !== "" && (/json/i.test(type) || /^\s*[[{]/.test(text))) {
    try {
      body = JSON.parse(text);
    } catch (error) {
      unusable = `malformed JSON (${(error as Error).message}); fix the server or the URL`;
    }
  }
  if (status < 200 || status >= 300) {
    // A date is the server's: measured from its own now (the answer's Date,
    // where the page may read it), not this machine's, which may differ by an hour.
    const served = Date.parse(headers.get("date") ?? "");
    const retryAfterMs = parseRetryAfter(headers.get("retry-after"), Number.isNaN(served) ? Date.now() : served);
    // A framework's own "not found" page: no such route at all, most often a wrong base or route.
    const saysWhereToLook = html && (status === 404 || status === 405);
    // atmos2 asks for no cached copy: a header someone added did (a browser's own cache answers such a request itself).
    const said = status === 304 ? "Not Modified; atmos2 needs the records themselves, but the request asked for a cached copy: leave off the If-None-Match or If-Modified-Since header (added in resourceClient.beforeRequest, or by a proxy)" : messageFromBody(status, body);
    throw new SyncError(`${label} answered ${status}: ${said}${saysWhereToLook ? "; check resourceClient.base and the routes" : ""}`, { status, body, type: "http", retryAfterMs, saysWhereToLook });
  }
  if (unusable) throw new SyncError(`${label} answered ${status} with ${unusable}`, { status, body: text, type: "parse" });
  return { status, body, headers, empty: text === "", redirectedTo: response.redirected ? response.url : undefined };
}
