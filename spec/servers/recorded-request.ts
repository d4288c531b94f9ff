import type * as http from "http";
import { parseRailsParams } from "./rails-params";

/** One request as a test server received it, for specs to assert on. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** Parsed body: JSON, Rails-style form params, or the text; undefined when empty. */
  body: unknown;
  rawBody: string;
}

/**
 * Reads the whole body of `req` and records the request in `log` (in arrival
 * order: the entry is added at once and completed when the body has come).
 */
export function recordRequest(req: http.IncomingMessage, log: RecordedRequest[]): Promise<RecordedRequest> {
  const url = parseUrl(req.url ?? "/");
  const entry: RecordedRequest = {
    method: req.method ?? "GET",
    path: url ? url.pathname : (req.url ?? ""),
    query: url ? Object.fromEntries(url.searchParams) : {},
    headers: req.headers,
    body: undefined,
    rawBody: "",
  };
  log.push(entry);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", reject);
    req.on("end", () => {
      entry.rawBody = Buffer.concat(chunks).toString("utf8");
      entry.body = parseBody(entry.rawBody, String(req.headers["content-type"] ?? ""));
      resolve(entry);
    });
  });
}

function parseBody(raw: string, contentType: string): unknown {
  if (raw === "") return undefined;
  if (contentType.includes("application/x-www-form-urlencoded")) return parseRailsParams(raw);
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** A request target a client may have mangled is recorded as sent, not thrown on. */
function parseUrl(target: string): URL | undefined {
  try {
    return new URL(target, "http://localhost");
  } catch {
    return undefined;
  }
}
