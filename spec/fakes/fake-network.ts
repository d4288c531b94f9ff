import type { FakeClock } from "./fake-clock";

/** A request as it reaches the network (and the server behind it). */
export interface WireRequest {
  method: string;
  url: string;
  /** Path and query under the origin, e.g. "/v1/lists/7/tasks?x=1". */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What the server answers. */
export interface WireAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * What goes wrong with one request:
 * - `drop-request`: lost on the way; the server never sees it.
 * - `drop-response`: the server executes it, the answer is lost.
 * - `status`: a proxy answers 5xx; the server never sees it.
 * - `timeout`: no answer until the client gives up; `reached` says whether the server executed it.
 * - `duplicate`: delivered twice, the copy `lag` ms after the original.
 * - `reorder`: held back `delay` ms on the way there and back, so later requests overtake it.
 */
export type Fault =
  | { kind: "none" }
  | { kind: "drop-request" }
  | { kind: "drop-response" }
  | { kind: "status"; status: number; retryAfter?: number }
  | { kind: "timeout"; reached: boolean }
  | { kind: "duplicate"; lag: number }
  | { kind: "reorder"; delay: number };

export interface FakeNetworkOptions {
  clock: FakeClock;
  /** The server behind the network, called synchronously when a request arrives. */
  server: (request: WireRequest) => WireAnswer;
  /** Decides the fault of each request (default: none). */
  fault?: (request: WireRequest) => Fault;
  /** One-way latency in ms (default 0). */
  latency?: () => number;
  /** How long a timed-out request hangs before failing, in fake ms (default 30000). */
  timeoutMs?: number;
  /** Called the moment a request leaves the client, before anything else happens to it. */
  onRequest?: (request: WireRequest) => void;
}

/** A client's connection: `fetch` for `resourceClient.fetch`, `close()` for when the page goes away. */
export interface Connection {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** The page is gone: answers still on their way are never delivered (requests still reach the server). */
  close(): void;
}

/**
 * A network between a client and an in-process server, driven by a fake
 * clock: latency, faults and delivery all happen on fake time. Answers are
 * real `Response` objects, so the client's parsing runs as in production.
 */
export class FakeNetwork {
  /** Requests sent by clients (duplicates made by the network not counted). */
  requests = 0;
  /** Server executions caused by the network's duplicates. */
  duplicatesDelivered = 0;
  /** Faults injected, by kind. */
  readonly faults: Record<string, number> = {};
  private inTransit = 0;

  constructor(private readonly options: FakeNetworkOptions) {}

  /** Requests or answers still on the wire. */
  get busy(): number {
    return this.inTransit;
  }

  connect(): Connection {
    let open = true;
    return {
      fetch: (url, init) => this.send(url, init ?? {}, () => open),
      close: () => {
        open = false;
      },
    };
  }

  private send(url: string, init: RequestInit, open: () => boolean): Promise<Response> {
    const request = toWire(url, init);
    this.requests++;
    this.options.onRequest?.(request);
    const fault = this.options.fault?.(request) ?? { kind: "none" };
    if (fault.kind !== "none") this.faults[fault.kind] = (this.faults[fault.kind] ?? 0) + 1;
    const { clock } = this.options;
    const latency = () => this.options.latency?.() ?? 0;
    const later = (ms: number, fn: () => void) => {
      this.inTransit++;
      clock.setTimeout(() => {
        this.inTransit--;
        fn();
      }, ms);
    };
    return new Promise<Response>((resolve, reject) => {
      const fail = (message: string) => open() && reject(new TypeError(`fetch failed (${message})`));
      const answer = (a: WireAnswer) => open() && resolve(toResponse(a));
      init.signal?.addEventListener("abort", () => reject(new DOMException("The operation was aborted.", "AbortError")));
      const there = latency() + (fault.kind === "reorder" ? fault.delay : 0);
      switch (fault.kind) {
        case "drop-request":
          return later(there, () => fail("connection reset before the request was sent"));
        case "status":
          return later(there + latency(), () =>
            answer({ status: fault.status, body: { error: { code: fault.status, message: "injected by the fake network" } }, headers: fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : undefined }),
          );
        case "timeout": {
          const timeoutMs = this.options.timeoutMs ?? 30000;
          if (fault.reached) later(there, () => this.options.server(request));
          return later(timeoutMs, () => open() && reject(new DOMException("The operation timed out.", "TimeoutError")));
        }
      }
      later(there, () => {
        const result = this.options.server(request);
        if (fault.kind === "duplicate") {
          later(fault.lag, () => {
            this.duplicatesDelivered++;
            this.options.server(request);
          });
        }
        if (fault.kind === "drop-response") return later(latency(), () => fail("connection reset after the request was sent"));
        later(latency() + (fault.kind === "reorder" ? fault.delay : 0), () => answer(result));
      });
    });
  }
}

function toWire(url: string, init: RequestInit): WireRequest {
  const parsed = new URL(url);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  return {
    method: (init.method ?? "GET").toUpperCase(),
    url,
    path: parsed.pathname + parsed.search,
    headers,
    body: typeof init.body === "string" ? init.body : undefined,
  };
}

function toResponse(answer: WireAnswer): Response {
  const noBody = answer.status === 204 || answer.body === undefined;
  const headers = new Headers(answer.headers);
  if (!noBody) headers.set("Content-Type", "application/json");
  return new Response(noBody ? null : JSON.stringify(answer.body), { status: answer.status, headers });
}
