import * as http from "http";
import { listen, shutdown } from "./listen";

/**
 * An HTTP proxy in front of any upstream, breaking requests on a schedule the
 * spec injects — the network failures a sync client must survive:
 *
 *   "drop-request"   the socket is destroyed before forwarding: nothing reached the server
 *   "drop-response"  forwarded, the server answered (and committed), then the socket is
 *                    destroyed: the client cannot tell whether its change landed
 *   { status, body, contentType? }  answered by the proxy, not forwarded
 *   { delayMs }      forwarded after a pause
 *   { until }        forwarded once the spec's promise settles: a request held
 *                    on its way while something else happens first
 *   { answerAfter }  forwarded at once (the server commits), its answer held until
 *                    the spec's promise settles: an answer slow to come back
 *   "html-error"     a 500 HTML error page from the proxy, not forwarded
 *   "bad-json"       forwarded, but a 2xx body is corrupted (cut short) on the way back
 *   "cut-body"       forwarded, the server answered (and committed); its status and
 *                    headers arrive, then half its body, then the socket is destroyed
 */
export type Fault =
  | "drop-request"
  | "drop-response"
  | "html-error"
  | "bad-json"
  | "cut-body"
  | { status: number; body?: unknown; contentType?: string }
  | { delayMs: number }
  | { until: Promise<unknown> }
  | { answerAfter: Promise<unknown> };

/** What the schedule sees of a request. */
export interface ProxiedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Picks the fault for the n-th request received (n starts at 1), or none. */
export type FaultSchedule = (req: ProxiedRequest, n: number) => Fault | undefined;

export interface FaultProxy {
  url: string;
  /** Requests received / passed on to the upstream. */
  readonly received: number;
  readonly forwarded: number;
  /** Each request with the fault it got. */
  log: Array<{ method: string; url: string; fault?: Fault; status?: number }>;
  /** Replaces the schedule (e.g. to heal the network mid-spec). */
  setSchedule(schedule: FaultSchedule): void;
  close(): Promise<void>;
}

/** Starts a proxy to `upstream` (an origin such as http://127.0.0.1:4000) on a free port. */
export async function startFaultProxy(upstream: string, schedule: FaultSchedule = () => undefined): Promise<FaultProxy> {
  const target = new URL(upstream);
  let current = schedule;
  let received = 0;
  let forwarded = 0;
  const log: FaultProxy["log"] = [];

  const forward = (req: ProxiedRequest): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      forwarded++;
      const headers = { ...req.headers, host: target.host };
      delete headers.connection;
      const upstreamReq = http.request(
        { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
        (upstreamRes) => {
          const chunks: Buffer[] = [];
          upstreamRes.on("data", (c: Buffer) => chunks.push(c));
          upstreamRes.on("end", () => resolve({ status: upstreamRes.statusCode ?? 502, headers: upstreamRes.headers, body: Buffer.concat(chunks) }));
          upstreamRes.on("error", reject);
        },
      );
      upstreamReq.on("error", reject);
      upstreamReq.end(req.body);
    });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const proxied: ProxiedRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
    const n = ++received;
    const fault = current(proxied, n);
    const entry: FaultProxy["log"][number] = { method: proxied.method, url: proxied.url, fault };
    log.push(entry);

    if (fault === "drop-request") return void req.socket.destroy();
    if (fault === "html-error") return reply(res, entry, 500, "text/html; charset=utf-8", "<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>");
    if (typeof fault === "object" && "status" in fault) {
      const body = fault.body === undefined ? "" : typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body);
      const type = fault.contentType ?? (typeof fault.body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8");
      return reply(res, entry, fault.status, type, body);
    }
    if (typeof fault === "object" && "delayMs" in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (typeof fault === "object" && "until" in fault) await fault.until.catch(() => undefined);

    const answer = await forward(proxied);
    if (typeof fault === "object" && "answerAfter" in fault) await fault.answerAfter.catch(() => undefined);
    if (fault === "drop-response") return void req.socket.destroy();
    let body = answer.body;
    if (fault === "bad-json" && answer.status >= 200 && answer.status < 300 && body.length > 0) {
      body = body.subarray(0, Math.max(1, Math.floor(body.length / 2))); // valid start, cut mid-way
    }
    const headers = { ...answer.headers };
    delete headers["content-length"];
    delete headers["transfer-encoding"];
    delete headers.connection;
    delete headers["keep-alive"];
    entry.status = answer.status;
    res.writeHead(answer.status, { ...headers, "Content-Length": body.length });
    if (fault === "cut-body") return void res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
    res.end(body);
  }

  const server = http.createServer((req, res) => {
    serve(req, res).catch((err: Error) => {
      // The upstream itself is unreachable: what a real gateway says.
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(`fault-proxy: upstream failed: ${err.message}`);
    });
  });
  const url = await listen(server);
  return {
    url,
    get received() {
      return received;
    },
    get forwarded() {
      return forwarded;
    },
    log,
    setSchedule(next) {
      current = next;
    },
    close: () => shutdown(server),
  };
}

function reply(res: http.ServerResponse, entry: { status?: number }, status: number, contentType: string, body: string): void {
  entry.status = status;
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
