import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { systemClock } from "../../lib/env/clock";
import { CloseCode } from "../../lib/live/live-protocol";
import { AddressWindow, lockedOut } from "./address-window";
import { GuessWindow, guessSource, sameHostOrigin } from "./guess-window";
import { hostCheck, MISDIRECTED } from "./host-check";
import { Backend } from "./backend";
import { ChangeLog } from "./change-log";
import { clientAddress } from "./client-address";
import { answerAsPlainRequest, answerJson, RAW_ANSWER_HEADERS, rawTextAnswer, refuseUpgrade, requestPath, wantsWebSocket } from "./http-answer";
import { ConnectionSlots } from "./connection-slots";
import { LiveConnection, LiveConnectionOptions } from "./live-connection";
import { LiveHub } from "./live-hub";
import { LiveLog } from "./live-log";
import { checkOptionNames, LiveServerOptions, positive } from "./live-server-options";
import { MemoryChangeLog } from "./memory-change-log";
import { originCheck } from "./origin-check";
import { RedisChangeLog } from "./redis-change-log";
import { createUpdateEndpoint } from "./update-endpoint";
import { ValueBudget } from "./value-budget";

export type { LiveServerOptions } from "./live-server-options";

export interface LiveServer {
  hub: LiveHub;
  backend: Backend;
  /** Resolves once the server can publish (Redis connected); rejects if it cannot. */
  ready: Promise<void>;
  /** Takes `POST /update` (and answers it): true when the request was for /update. */
  handleUpdate(req: IncomingMessage, res: ServerResponse): boolean;
  /** Takes an HTTP upgrade for the live path: true when it did. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Open sockets (authenticated or not). */
  readonly connections: number;
  /** Channels this process holds state for (see `GET /health` of atmos2-server): for operators and tests. */
  readonly trackedChannels: number;
  /** Whether a change could be published now: false while Redis (with `redisUrl`) cannot be reached (see `GET /health` of atmos2-server). */
  readonly canPublish: boolean;
  /** Whether Redis (with `redisUrl`) answers a PING within `timeoutMs` (2 s by default): a paused Redis keeps its connections, so `canPublish` stays true. Calls made while a PING waits share it; an answered PING holds for a second. Always true without Redis. */
  answers(timeoutMs?: number): Promise<boolean>;
  /** Closes every socket with 1001, stops the heartbeat, disconnects from Redis. */
  close(): Promise<void>;
}

/**
 * The JSON values a socket's frames may hold after auth (value-budget.ts):
 * at most this many in one frame, and this many a second over time.
 */
const MAX_FRAME_VALUES = 100_000;
const VALUES_PER_SECOND = 20_000;

/** The atmos2 live server: WebSocket `/live`, `POST /update`, hub and backend. */
export function createLiveServer(options: LiveServerOptions): LiveServer {
  if (!options || typeof options.authenticate !== "function") {
    throw new Error("createLiveServer({ authenticate }): authenticate(token, request) must be a function");
  }
  checkOptionNames(options);
  const path = options.path ?? "/live";
  if (typeof path !== "string" || !path.startsWith("/")) throw new Error(`createLiveServer: path must start with "/", such as "/live" (got ${JSON.stringify(path)})`);
  if (options.server !== undefined && typeof (options.server as { on?: unknown } | null)?.on !== "function") {
    throw new Error("createLiveServer: server must be a Node http.Server (or https), such as http.createServer(); got " + (options.server === null || typeof options.server !== "object" ? String(options.server) : "an object without on()"));
  }
  const replayLimit = positive("replayLimit", options.replayLimit, 1000);
  const replayBytes = positive("replayBytes", options.replayBytes, 4 * 1024 * 1024);
  const replayTotalBytes = positive("replayTotalBytes", options.replayTotalBytes, Math.max(256 * 1024 * 1024, replayBytes));
  if (replayTotalBytes < replayBytes) throw new Error(`createLiveServer: replayTotalBytes (${replayTotalBytes}) must be at least replayBytes (${replayBytes}), which one channel may keep`);
  const maxPayload = positive("maxPayload", options.maxPayload, 1024 * 1024);
  const maxBufferedBytes = positive("maxBufferedBytes", options.maxBufferedBytes, 4 * 1024 * 1024);
  const heartbeatMs = positive("heartbeatMs", options.heartbeatMs, 30_000, true);
  const authTimeoutMs = positive("authTimeoutMs", options.authTimeoutMs, 10_000);
  const maxBodyBytes = positive("maxBodyBytes", options.maxBodyBytes, 1024 * 1024);
  const maxConnections = positive("maxConnections", options.maxConnections, 10_000);
  const maxConnectionsPerUser = positive("maxConnectionsPerUser", options.maxConnectionsPerUser, 100);
  const maxChannelsPerSocket = positive("maxChannelsPerSocket", options.maxChannelsPerSocket, 1000);
  const maxSyncInFlight = positive("maxSyncInFlight", options.maxSyncInFlight, 16);
  const replayIdleMs = positive("replayIdleMs", options.replayIdleMs, 10 * 60_000, true);
  const requestTimeoutMs = positive("requestTimeoutMs", options.requestTimeoutMs, 10_000, true);
  const maxAuthFailures = positive("maxAuthFailures", options.maxAuthFailures, 20, true);
  const authFailureWindowMs = positive("authFailureWindowMs", options.authFailureWindowMs, 60_000);
  const maxUnauthenticatedPerAddress = positive("maxUnauthenticatedPerAddress", options.maxUnauthenticatedPerAddress, 64);
  if (options.redisKeyPrefix !== undefined && (typeof options.redisKeyPrefix !== "string" || options.redisKeyPrefix === "")) {
    throw new Error(`createLiveServer: redisKeyPrefix must be a non-empty string such as "myapp:" (got ${JSON.stringify(options.redisKeyPrefix) ?? String(options.redisKeyPrefix)})`);
  }
  const allowsOrigin = originCheck(options.origins);
  const allowsHost = hostCheck(options.hosts);
  /** The app's own page: an origin `origins` lists, or (the Host checked) the host it reached. */
  const ownPage = (req: IncomingMessage, listed = allowsOrigin?.(req)): boolean =>
    req.headers.origin !== undefined && (listed === true || (allowsHost !== undefined && sameHostOrigin(req)));
  const log: LiveLog = options.log ?? (() => {});
  const clock = options.clock ?? systemClock;

  const changeLog: ChangeLog = options.redisUrl
    ? new RedisChangeLog({ url: options.redisUrl, replayLimit, replayBytes, replayIdleMs, keyPrefix: options.redisKeyPrefix, clock, onError: (error) => log({ type: "error", context: "redis", message: error.message }) })
    : new MemoryChangeLog(replayLimit, replayIdleMs, () => clock.now(), replayBytes, replayTotalBytes);
  let hub!: LiveHub;
  const ready = changeLog.start(
    (entry) => hub.deliver(entry),
    (channel, seq) => hub.lost(channel, seq),
    () => hub.restarted(),
    (channel) => hub.follows(channel),
    (channel) => hub.everySince(channel),
  );
  ready.catch((error: Error) => log({ type: "error", context: "start", message: error.message }));
  hub = new LiveHub(changeLog, ready);
  const backend = new Backend();
  const now = () => clock.now();
  const displacing = new AddressWindow(maxUnauthenticatedPerAddress, authTimeoutMs, now);
  const slots = new ConnectionSlots(maxConnections, maxConnectionsPerUser, maxUnauthenticatedPerAddress, displacing);
  // Failed auths per address: past the limit, tokens are not even looked at until the window ends.
  const authFailures = options.authFailures ?? (maxAuthFailures > 0 ? new GuessWindow(maxAuthFailures, authFailureWindowMs, now) : undefined);
  const authRefusal = (connection: LiveConnection, token: string): string | undefined => {
    const locked = lockedOut(authFailures, connection.source, token);
    return locked && `too many failed auths from this address (${locked.limit}); this token was not checked; try again in ${locked.seconds} s`;
  };
  const connections = slots.open;
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: false });
  let closing = false;

  const connectionOptions: LiveConnectionOptions = {
    hub, backend, authenticate: options.authenticate, authTimeoutMs, maxBufferedBytes, maxEarlyBytes: maxPayload,
    maxPending: replayLimit * 4, maxChannels: maxChannelsPerSocket, maxSyncInFlight, log,
    valueBudget: () => new ValueBudget(VALUES_PER_SECOND, MAX_FRAME_VALUES, now),
    onClose: (c) => slots.closed(c),
    authRefusal,
    onAuth: (c) => slots.authenticating(c),
    authFailed: (c) => authFailures?.add(c.source),
    authSucceeded: (c, token) => authFailures?.succeeded?.(c.source, token),
    admit: (c) => slots.admit(c),
  };

  /** Refuses an upgrade before the handshake with a status and a line of text, logged. */
  const refuseWithText = (socket: Duplex, status: 403 | 421 | 429 | 503, text: string, headers = ""): void => {
    log({ type: "refused", code: status, message: text });
    const statusText = status === 403 ? "Forbidden" : status === 421 ? "Misdirected Request" : status === 429 ? "Too Many Requests" : "Service Unavailable";
    refuseUpgrade(socket, rawTextAnswer(status, statusText, text, headers));
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    if (requestPath(req.url) !== path) return false;
    if (closing) {
      socket.destroy();
      return true;
    }
    if (allowsHost && !allowsHost(req)) {
      refuseWithText(socket, 421, MISDIRECTED);
      return true;
    }
    const listed = allowsOrigin?.(req);
    if (listed === false) {
      // A page of another site, opening a socket with what its visitor's browser holds for this one (cookies).
      refuseWithText(socket, 403, "this page's origin may not open a live socket here (the live server's origins option)");
      return true;
    }
    // Refused before the upgrade when every place is held by an authenticated
    // socket, or this address holds or took too many (connection-slots.ts);
    // otherwise the oldest unauthenticated one gives its place up, once the
    // handshake has succeeded.
    const address = clientAddress(req, options.trustProxy === true);
    const refusal = slots.refusal(address);
    if (refusal) {
      refuseWithText(socket, refusal.status, refusal.text, `Retry-After: ${refusal.retryAfter}\r\n`);
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // The callback runs in the same tick as refusal(); were it ever later, a place may be gone.
      if (!slots.makeRoom(address)) return void ws.close(1013, "live server full; try again");
      slots.add(new LiveConnection(ws, connectionOptions, req, address, guessSource(req, address, ownPage(req, listed))), address);
    });
    return true;
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Leave other paths to other upgrade listeners; with none, an upgrade to something else is a plain request, and a WebSocket one elsewhere is refused.
    const alone = options.server!.listenerCount("upgrade") === 1;
    if (!wantsWebSocket(req)) return void (alone && answerAsPlainRequest(options.server!, req, socket));
    if (!handleUpgrade(req, socket, head) && alone) {
      refuseUpgrade(socket, `HTTP/1.1 404 Not Found\r\n${RAW_ANSWER_HEADERS}Connection: close\r\nContent-Length: 0\r\n\r\n`);
    }
  };
  options.server?.on("upgrade", onUpgrade);
  if (options.server && requestTimeoutMs > 0) limitHeaderTime(options.server, requestTimeoutMs);
  // Wrong /update secrets have a count of their own: anyone who reaches /live
  // from a backend's address must not lock the backend out with wrong tokens.
  const secretFailures = maxAuthFailures > 0 ? new GuessWindow(maxAuthFailures, authFailureWindowMs, now) : undefined;
  const guesses = secretFailures && { counter: secretFailures, address: (req: IncomingMessage) => guessSource(req, clientAddress(req, options.trustProxy === true), ownPage(req)) };
  const updateEndpoint = createUpdateEndpoint({ hub, secret: options.secret, maxBodyBytes, bodyTimeoutMs: requestTimeoutMs, guesses });
  const handleUpdate = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!allowsHost || allowsHost(req) || requestPath(req.url) !== "/update") return updateEndpoint(req, res);
    // Refused before the secret is looked at; the body is left unread.
    answerJson(res, 421, { error: MISDIRECTED }, { Connection: "close" });
    return true;
  };
  // A server with no request handler of its own still gets POST /update, and
  // a 404 for anything else (never a request left hanging); an app that
  // routes requests calls handleUpdate itself (it answers once).
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (options.server!.listenerCount("request") !== 1 || handleUpdate(req, res)) return;
    answerJson(res, 404, { error: `not found: this server answers WebSocket ${path} and POST /update only` });
  };
  options.server?.on("request", onRequest);

  const heartbeat = heartbeatMs > 0 ? setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) connection.drop("dead");
      else {
        connection.alive = false;
        connection.ws.ping();
      }
    }
  }, heartbeatMs) : undefined;
  heartbeat?.unref();

  return {
    hub,
    backend,
    ready,
    handleUpdate,
    handleUpgrade,
    get connections() {
      return connections.size;
    },
    get canPublish() {
      return changeLog.reachable;
    },
    answers: (timeoutMs = 2000) => (changeLog.answers ? changeLog.answers(timeoutMs) : Promise.resolve(true)),
    get trackedChannels() {
      return changeLog.trackedChannels;
    },
    async close() {
      if (closing) return;
      closing = true;
      if (heartbeat) clearInterval(heartbeat);
      options.server?.off("upgrade", onUpgrade);
      options.server?.off("request", onRequest);
      const closed = [...connections].map((connection) => new Promise<void>((resolve) => {
        const ws = connection.ws;
        const timer = setTimeout(() => ws.terminate(), 2000);
        ws.once("close", () => {
          clearTimeout(timer);
          resolve();
        });
        connection.close(CloseCode.goingAway, "server shutting down");
      }));
      await Promise.all(closed);
      await changeLog.close();
    },
  };
}

/**
 * A client that dribbles its request headers (slowloris) was kept for
 * Node's 60 s, checked every 30 s: now it is answered 408 and cut after
 * `ms`, checked every second. The server's own shorter settings stay; the
 * checking interval is read when it starts listening, so it only changes
 * on a server not listening yet.
 */
function limitHeaderTime(server: Server, ms: number): void {
  if (!(server.headersTimeout > 0 && server.headersTimeout <= ms)) server.headersTimeout = ms;
  if (server.requestTimeout > 0 && server.requestTimeout < server.headersTimeout) server.headersTimeout = server.requestTimeout;
  // The createServer option, kept on the server as this property (not in Node's types).
  const checked = server as Server & { connectionsCheckingInterval?: number };
  if (!server.listening) checked.connectionsCheckingInterval = Math.min(checked.connectionsCheckingInterval || 1000, 1000);
}

