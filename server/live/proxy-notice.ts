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
