import * as http from "http";
import { listen, shutdown } from "./listen";

/**
 * A proxy in front of any upstream that can answer like an overloaded API:
 * 429 or 503 with a `Retry-After` header (seconds or an HTTP date), without
 * forwarding. Everything else is passed through unchanged.
 */
export interface ThrottlingProxy {
  url: string;
  /** Every request received, in order, with whether it was throttled. */
  log: Array<{ method: string; url: string; throttled: boolean }>;
  /**
   * The next request is answered `status` with `Retry-After: retryAfter`
   * (and a `Date` of `serverTime`, for a server whose clock is not the
   * client's). Calls queue up.
   */
  throttleNext(status: number, retryAfter: string, body?: unknown, serverTime?: number): void;
  close(): Promise<void>;
}

export async function startThrottlingProxy(upstream: string): Promise<ThrottlingProxy> {
  const target = new URL(upstream);
  const queued: Array<{ status: number; retryAfter: string; body: string; date?: string }> = [];
  const log: ThrottlingProxy["log"] = [];

  const server = http.createServer((req, res) => {
    const throttle = queued.shift();
    log.push({ method: req.method ?? "GET", url: req.url ?? "/", throttled: !!throttle });
    if (throttle) {
      req.resume();
      res.writeHead(throttle.status, { "Content-Type": "application/json; charset=utf-8", "Retry-After": throttle.retryAfter, ...(throttle.date ? { Date: throttle.date } : {}) });
      res.end(throttle.body);
      return;
    }
    const headers = { ...req.headers, host: target.host };
    delete headers.connection;
    const upstreamReq = http.request(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on("error", (err) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(`throttling-proxy: upstream failed: ${err.message}`);
    });
    req.pipe(upstreamReq);
  });
  const url = await listen(server);
  return {
    url,
    log,
    throttleNext(status, retryAfter, body = { error: { code: status, message: "Rate limit exceeded; slow down." } }, serverTime) {
      queued.push({ status, retryAfter, body: JSON.stringify(body), date: serverTime === undefined ? undefined : new Date(serverTime).toUTCString() });
    },
    close: () => shutdown(server),
  };
}
