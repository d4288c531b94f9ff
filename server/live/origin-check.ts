import type { IncomingMessage } from "node:http";

/** The `origins` option: the browser origins a socket may come from, or a judge of them. */
export type AllowedOrigins = string[] | ((origin: string, request: IncomingMessage) => boolean);

/**
 * `origins` as one test, checked once at start: each entry an origin as a
 * browser writes it in `Origin` (scheme, host, port if not the default; no
 * path, no trailing slash), which is the mistake this catches.
 */
export function originCheck(origins: AllowedOrigins | undefined, name = "createLiveServer: origins"): ((request: IncomingMessage) => boolean) | undefined {
  if (origins === undefined) return undefined;
  if (typeof origins === "function") {
    return (request) => {
      const origin = request.headers.origin;
      return origin === undefined || origins(origin, request) === true;
    };
  }
  if (!Array.isArray(origins)) throw new Error(`${name} must be a list of origins, such as ["https://app.example"], or a function (origin, request) => boolean (got ${String(origins)})`);
  const allowed = new Set(origins.map((entry) => checkedOrigin(entry, name)));
  // No Origin: not a browser (a browser always sends one with a WebSocket
  // handshake), so nothing a browser holds on its user's behalf comes with it.
  return (request) => request.headers.origin === undefined || allowed.has(request.headers.origin.toLowerCase());
}

/** An entry of `origins` (or ATMOS_ORIGINS) as browsers write Origin, or an error that shows the right form. */
export function checkedOrigin(entry: unknown, name: string): string {
  let url: URL | undefined;
  try {
    url = typeof entry === "string" ? new URL(entry) : undefined;
  } catch {
    url = undefined;
  }
  const written = url && url.origin !== "null" ? url.origin : undefined;
  if (written === undefined || written !== String(entry).toLowerCase()) {
    const hint = written ? ` (did you mean "${written}"?)` : "";
    throw new Error(`${name}: ${JSON.stringify(entry)} is not an origin as a browser sends it, such as "https://app.example" or "http://localhost:8080" (scheme, host and port; no path or trailing slash)${hint}`);
  }
  return written;
}
