import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { Clock, systemClock } from "../../lib/env/clock";
import { CloseCode } from "../../lib/live/live-protocol";
import { Authenticate } from "./authenticate";
import { Backend } from "./backend";
import { ChangeLog } from "./change-log";
import { ConnectionSlots } from "./connection-slots";
import { LiveConnection, LiveConnectionOptions } from "./live-connection";
import { LiveHub } from "./live-hub";
import { LiveLog } from "./live-log";
import { MemoryChangeLog } from "./memory-change-log";
import { RedisChangeLog } from "./redis-change-log";
import { createUpdateEndpoint } from "./update-endpoint";

export interface LiveServerOptions {
  /** Attach to this server's `upgrade` event (path `/live`); otherwise call `handleUpgrade` yourself. */
  server?: Server;
  /** WebSocket path. Default "/live". */
  path?: string;
  /** Decides who a token is and which channels it may join (may be async). */
  authenticate: Authenticate;
  /** Secret for `POST /update` (header X-Atmos-Secret); without it /update answers 404. */
  secret?: string;
  /** With a Redis URL, processes sharing it share seqs, replay logs and changes. */
  redisUrl?: string;
  /** Key prefix in Redis (default "atmos2:"); processes that share channels share it. */
  redisKeyPrefix?: string;
  /** Changes kept per channel for reconnecting clients. Default 1000. */
  replayLimit?: number;
  /** Largest frame accepted from a client, in bytes (ws closes with 1009). Default 1 MiB. */
  maxPayload?: number;
  /** Unsent bytes a socket may queue before it is dropped as too slow. Default 4 MiB. */
  maxBufferedBytes?: number;
  /** Ping interval; a socket that missed the previous pong is dropped. 0 = off. Default 30 s. */
  heartbeatMs?: number;
  /** A socket must send its auth message within this time. Default 10 s. */
  authTimeoutMs?: number;
  /** Largest `POST /update` body in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Open sockets at most. A socket that has not authenticated holds a place
   * while there is room; when the server is full, a newcomer takes the place
   * of the oldest such socket (one from its own address first; closed with
   * 1013), and only when every place is held by an authenticated socket does
   * an upgrade get 503. Default 10,000.
   */
  maxConnections?: number;
  /**
   * Sockets one user may hold (users as `authenticate` names them in `{ user }`);
   * one more is closed with 1013 "try again later". Default 100.
   */
  maxConnectionsPerUser?: number;
  /**
   * Channels one socket may name in its auth message; more are refused with
   * 4403 (a grant by predicate or of every channel would otherwise let one
   * frame subscribe to tens of thousands). Default 1000.
   */
  maxChannelsPerSocket?: number;
  /**
   * Sync requests of one socket that may wait for the backend at once; more
   * are answered with an error at once (each waiting one holds its frame).
   * Default 16.
   */
  maxSyncInFlight?: number;
  /** A channel's replay log is dropped after this long without a change (its clients then resync). 0 = never. Default 10 min. */
  replayIdleMs?: number;
  /** What idle times are measured by. Default the system clock; specs pass a fake one. */
  clock?: Clock;
  log?: LiveLog;
}

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
  /** Closes every socket with 1001, stops the heartbeat, disconnects from Redis. */
  close(): Promise<void>;
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`createLiveServer: ${name} must be a ${allowZero ? "non-negative" : "positive"} number (got ${String(value)})`);
  }
  return value;
}

/** The atmos2 live server: WebSocket `/live`, `POST /update`, hub and backend. */
export function createLiveServer(options: LiveServerOptions): LiveServer {
  if (!options || typeof options.authenticate !== "function") {
    throw new Error("createLiveServer({ authenticate }): authenticate(token, request) must be a function");
  }
  const path = options.path ?? "/live";
  const replayLimit = positive("replayLimit", options.replayLimit, 1000);
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
  const log: LiveLog = options.log ?? (() => {});
  const clock = options.clock ?? systemClock;

  const changeLog: ChangeLog = options.redisUrl
    ? new RedisChangeLog({ url: options.redisUrl, replayLimit, replayIdleMs, keyPrefix: options.redisKeyPrefix, clock, onError: (error) => log({ type: "error", context: "redis", message: error.message }) })
    : new MemoryChangeLog(replayLimit, replayIdleMs, () => clock.now());
  let hub!: LiveHub;
  const ready = changeLog.start(
    (entry) => hub.deliver(entry),
    (channel, seq) => hub.lost(channel, seq),
    () => hub.restarted(),
    (channel) => hub.follows(channel),
  );
  ready.catch((error: Error) => log({ type: "error", context: "start", message: error.message }));
  hub = new LiveHub(changeLog, ready);
  const backend = new Backend();
  const slots = new ConnectionSlots(maxConnections, maxConnectionsPerUser);
  const connections = slots.open;
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: false });
  let closing = false;

  const connectionOptions: LiveConnectionOptions = {
    hub, backend, authenticate: options.authenticate, authTimeoutMs, maxBufferedBytes,
    maxPending: replayLimit * 4, maxChannels: maxChannelsPerSocket, maxSyncInFlight, log,
    onClose: (c) => slots.closed(c),
    onAuth: (c) => slots.authenticating(c),
    admit: (c) => slots.admit(c),
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    if ((req.url ?? "/").split("?")[0] !== path) return false;
    if (closing) {
      socket.destroy();
      return true;
    }
    // Refused before the upgrade when every place is held by an authenticated
    // socket; otherwise the oldest unauthenticated one gives its place up
    // (connection-slots.ts), once the handshake has succeeded.
    if (!slots.hasRoom()) {
      const text = `this live server holds its maximum of ${maxConnections} connections, all authenticated; retry later`;
      log({ type: "refused", code: 503, message: text });
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // The callback runs in the same tick as hasRoom(); were it ever later, a place may be gone.
      const address = req.socket.remoteAddress ?? "";
      if (!slots.makeRoom(address)) return void ws.close(1013, "live server full; try again");
      slots.add(new LiveConnection(ws, connectionOptions, req), address);
    });
    return true;
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Leave other paths to other upgrade listeners; refuse them if there are none.
    if (!handleUpgrade(req, socket, head) && options.server!.listenerCount("upgrade") === 1) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    }
  };
  options.server?.on("upgrade", onUpgrade);
  const handleUpdate = createUpdateEndpoint({ hub, secret: options.secret, maxBodyBytes });
  // A server with no request handler of its own still gets POST /update, and
  // a 404 for anything else (never a request left hanging); an app that
  // routes requests calls handleUpdate itself (it answers once).
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (options.server!.listenerCount("request") !== 1 || handleUpdate(req, res)) return;
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: `not found: this server answers WebSocket ${path} and POST /update only` }));
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
