import type { IncomingMessage } from "node:http";

/**
 * A request with X-Forwarded-For while ATMOS_TRUST_PROXY is off most likely
 * came through a reverse proxy: every client then has the proxy's address,
 * and the per-address limits treat them all as one (20 wrong tokens from
 * anyone refuse everyone's sign-in for a minute). Returns what to call with
 * each request; it says so once, naming the setting.
 */
export function proxyNotice(trustProxy: boolean, print: (line: string) => void): (req: IncomingMessage) => void {
  let told = trustProxy;
  return (req) => {
    if (told || req.headers["x-forwarded-for"] === undefined) return;
    told = true;
    print("a request came with X-Forwarded-For but ATMOS_TRUST_PROXY is off: behind a proxy every client shares the proxy's address for the per-address limits (wrong tokens, unauthenticated sockets, connections); set ATMOS_TRUST_PROXY=1 if the proxy is the only way in");
  };
}

/** Headers a proxy or a tunnel adds, as Node names them, and as people write them. */
const PROXY_HEADERS: Record<string, string> = {
  forwarded: "Forwarded",
  "x-forwarded-for": "X-Forwarded-For",
  "x-forwarded-host": "X-Forwarded-Host",
  "x-forwarded-proto": "X-Forwarded-Proto",
  "x-real-ip": "X-Real-IP",
  via: "Via",
  "cf-connecting-ip": "CF-Connecting-IP",
  "true-client-ip": "True-Client-IP",
};

/** The first header of `req` that a proxy or a tunnel adds, as people write it, if it holds one. */
export function proxyHeaderIn(req: IncomingMessage): string | undefined {
  for (const name in PROXY_HEADERS) if (req.headers[name] !== undefined) return PROXY_HEADERS[name];
  return undefined;
}
