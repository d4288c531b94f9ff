/**
 * The path and query a request names, read one way by every part of the
 * example server (Host check's go-ahead, the API, app-config, static files).
 *
 * The request line carries a path (`/tasks/v1/…`), or a whole URL when a
 * client talks as to a proxy (`http://host/tasks/v1/…`). Resolving the path
 * against a base URL, as `new URL(path, base)` does, is wrong: `//x/y` would
 * be read as host `x` and path `/y`, and `//[` would not parse at all.
 */

/** A target that names a path, or why it does not. */
export type RequestTarget = { url: URL; problem?: undefined } | { url?: undefined; problem: string };

/** Where a path is put to be parsed; only its path and query are used. */
const ORIGIN = "http://localhost";

/**
 * Reads `req.url`. A path whose percent-encoding does not decode (`/%`,
 * `/%E0%A4%A`) is a problem: nothing could serve it, so it is refused as a
 * bad request naming the path.
 */
export function readTarget(raw: string | undefined): RequestTarget {
  const url = parseTarget(raw);
  if (url === undefined) {
    return { problem: `The request target "${clip(raw ?? "")}" is not a path: send a path such as /tasks/v1/users/@me/lists.` };
  }
  try {
    decodeURIComponent(url.pathname);
  } catch {
    return {
      problem: `The path "${clip(url.pathname)}" is not valid percent-encoding: each "%" must start a UTF-8 byte written as two hex digits (send a literal "%" as %25).`,
    };
  }
  return { url };
}

/** `req.url` as a URL (its percent-encoding left as sent), or undefined when it names no path. */
export function parseTarget(raw: string | undefined): URL | undefined {
  const text = raw === undefined || raw === "" ? "/" : raw;
  try {
    if (text.startsWith("/")) return new URL(`${ORIGIN}${text}`);
    if (/^https?:\/\//i.test(text)) return new URL(text);
  } catch {
    // A whole URL with a host that does not parse: no path to serve.
  }
  return undefined;
}

/** A quoted path stays readable however long the request made it. */
function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
