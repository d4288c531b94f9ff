import * as fs from "fs";
import type * as http from "http";
import { createServer } from "http";
import * as path from "path";
import type { Duplex } from "stream";
import { limitClients } from "./client-limits";
import { exposure, hostAllowList, listeningUrl, refuseWeakCredentials } from "./exposure";
import { CROSS_SITE_REFUSAL, crossSiteWithoutCors, FOREIGN_PAGE_REFUSAL, fromForeignPage, openToEveryPage } from "./foreign-origin";
import { securityHeaders } from "./security-headers";
import { serveStatic } from "./static-files";
import { API_PREFIX, createTasksApi, SINGLE_USER, type Account, type TasksApi } from "./tasks-api";
import { ApiError } from "./tasks-api/api-error";
import { errorResponse, hasBody, send } from "./tasks-api/http-io";
import { readTarget } from "./tasks-api/request-target";
import { loggableUrl } from "./tasks-api/token-free-url";
import { answerAsPlainRequest, refuseUpgrade, wantsWebSocket } from "../../server/live/http-answer";
import { proxyHeaderIn } from "../../server/live/proxy-notice";

/**
 * The example's server: one origin serving the built Tasks app, the
 * Google-compatible API under `/tasks/v1`, and `GET /app-config.json` telling
 * the app where its API is and whether it must sign in. Extensions (the live
 * endpoint) plug in through `extend`.
 *
 * Every request: Host check (421 for a name the server does not own) →
 * security headers → a page on another site (403) → extension → API →
 * app-config → static files → 404.
 */

const GOOGLE_BASE = "https://tasks.googleapis.com/tasks/v1";
/** Only this machine can connect: `npm start` needs no setup there. */
export const DEFAULT_HOST = "127.0.0.1";

/** What a request handler added by `extend` does: true when it took the request. */
export type ExtraHandler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
/** What an upgrade handler added by `extend` does: true when it took the socket. */
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => boolean;
/** What `extend` may return: a request handler, or request and upgrade handlers. */
export interface Extension {
  request?: ExtraHandler;
  /** Gets WebSocket upgrades whose Host passed the check (e.g. `/live`); others answer 404. */
  upgrade?: UpgradeHandler;
}

export interface AppServerOptions {
  /** Port to listen on; 0 picks a free one. Default 3000. */
  port?: number;
  /**
   * Interface to listen on. Default 127.0.0.1 (this machine only). On any
   * other interface every token must be strong (16+ characters, not the
   * default) and the page signs in instead of being handed a token.
   */
  host?: string;
  /** Folder for the database (`tasks.sqlite`); created when missing. */
  dataDir: string;
  /** Single-user mode: the Bearer token of the embedded API (handed to the page on a loopback host only). */
  token?: string;
  /** Accounts instead of `token`: each person signs in with their own token and sees only their data. */
  users?: readonly Account[];
  /** The address people use (e.g. behind a proxy): its host is accepted in the Host header and builds selfLinks. */
  publicUrl?: string;
  /** Honour X-Forwarded-Host/-Proto (only behind a proxy that sets them). Default false. */
  trustProxy?: boolean;
  /** Largest API request body in bytes. Default 256 KiB (see tasks-api.ts). */
  maxBodyBytes?: number;
  /** Time a client has to send a whole request (headers: at most 10 s of it); then 408. Default 30 s. */
  requestTimeoutMs?: number;
  /** Connections one address may hold at once (not applied with `trustProxy`). Default 256. */
  maxConnectionsPerAddress?: number;
  /** The built example. Default example/dist. */
  staticDir?: string;
  /** Where notices and errors go. Default console.log. */
  log?: (line: string) => void;
  /**
   * Called before listening, e.g. to take `/live` upgrades and subscribe to
   * the API's changes. May return a request handler that gets each request
   * first (for endpoints such as `POST /update`), or `{ request, upgrade }`.
   */
  extend?: (server: http.Server, api: TasksApi) => void | ExtraHandler | Extension;
  /** Google mode: the app talks to Google Tasks itself, signing in with this OAuth client id. */
  googleClientId?: string;
  /** Google mode with a ready access token (handed to a page on a loopback host only). */
  googleAccessToken?: string;
  /** WebSocket URL of the live endpoint to tell the app (embedded mode), e.g. "/live". */
  liveUrl?: string;
}

export interface AppServer {
  /** The address it is reached by: `http://localhost:PORT` on loopback, else `http://HOST:PORT` (`http://0.0.0.0:3000`). */
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** `GET /app-config.json` (see example/README.md for the contract with the page). */
export type AppConfig = Record<string, string | boolean>;

/**
 * Where the app finds its API, and how it gets a token: handed over only in
 * single-user mode on a loopback host with no proxy in front (zero setup for
 * `npm start`); anywhere else `signIn: true`, and the page asks the person
 * for their token.
 */
export function appConfig(options: Omit<AppServerOptions, "dataDir"> & { dataDir?: string }): AppConfig {
  const local = exposure({ host: options.host ?? DEFAULT_HOST, publicUrl: options.publicUrl, trustProxy: options.trustProxy }) === undefined;
  if (options.googleClientId || options.googleAccessToken) {
    const config: AppConfig = { mode: "google", base: GOOGLE_BASE };
    if (options.googleAccessToken && local) config.token = options.googleAccessToken;
    if (options.googleClientId) config.googleClientId = options.googleClientId;
    return config;
  }
  const config: AppConfig = { mode: "embedded", base: API_PREFIX };
  if (options.users === undefined && options.token !== undefined && local) config.token = options.token;
  else if (options.users !== undefined || options.token !== undefined) config.signIn = true;
  if (options.liveUrl) config.liveUrl = options.liveUrl;
  return config;
}

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  if (!options || typeof options.dataDir !== "string" || options.dataDir === "") {
    throw new Error("startAppServer({ dataDir }): dataDir must name the folder for the database");
  }
  const port = options.port ?? 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`startAppServer: port must be 0…65535 (got ${String(options.port)})`);
  const host = options.host ?? DEFAULT_HOST;
  const accounts = options.users ?? (options.token !== undefined ? [{ name: SINGLE_USER, token: options.token }] : undefined);
  if (options.publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(options.publicUrl)) {
    throw new Error(`startAppServer: publicUrl must be an http(s) URL such as https://tasks.example.org (got "${options.publicUrl}")`);
  }
  refuseWeakCredentials({ host, publicUrl: options.publicUrl, trustProxy: options.trustProxy }, { accounts, googleAccessToken: options.googleAccessToken, googleClientId: options.googleClientId });
  const log = options.log ?? ((line: string) => console.log(line));
  const staticDir = options.staticDir ?? path.resolve(__dirname, "../dist");
  const google = Boolean(options.googleClientId || options.googleAccessToken);
  fs.mkdirSync(options.dataDir, { recursive: true });

  const api = createTasksApi({
    dbFile: path.join(options.dataDir, "tasks.sqlite"),
    token: options.users === undefined ? options.token : undefined,
    users: options.users,
    trustProxy: options.trustProxy,
    publicUrl: options.publicUrl,
    maxBodyBytes: options.maxBodyBytes,
    onError: (err) => log(`tasks-api error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`),
  });
  const config = appConfig(options);
  const configBody = JSON.stringify(config);
  // Through a proxy or a tunnel that rewrites Host (ngrok's --host-header=rewrite), a request from
  // anywhere looks local: it gets no token, and the page asks for one (said once in the log).
  const { token: _token, ...rest } = config;
  const proxiedConfigBody = JSON.stringify(config.token === undefined ? config : { ...rest, signIn: true });
  let toldProxied = false;
  const configFor = (req: http.IncomingMessage): string => {
    const through = proxyHeaderIn(req);
    if (through === undefined || config.token === undefined) return configBody;
    if (!toldProxied) {
      toldProxied = true;
      log(`app-config.json: a request came through a proxy (${through}), so the token was kept out of it and the page asks for one; behind a proxy, set PUBLIC_URL (and TRUST_PROXY=1) and give people the token`);
    }
    return proxiedConfigBody;
  };
  const hostAllowed = hostAllowList(host, options.publicUrl);
  /** Behind a trusted proxy the name the browser used is in X-Forwarded-Host. */
  const forwardedHost = (req: http.IncomingMessage): string | undefined => {
    const forwarded = options.trustProxy ? req.headers["x-forwarded-host"] : undefined;
    return (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0].trim();
  };
  const ownName = (req: http.IncomingMessage): boolean => {
    const forwarded = forwardedHost(req);
    return hostAllowed(req.headers.host) && (forwarded === undefined || hostAllowed(forwarded));
  };
  /** The host the browser has in its address bar, for the page's live socket in the CSP. */
  const browserHost = (req: http.IncomingMessage): string | undefined =>
    options.publicUrl ? new URL(options.publicUrl).host : forwardedHost(req) ?? req.headers.host;
  /** With a token every page can send, a page on another site is refused (see foreign-origin.ts). */
  const guessable = openToEveryPage(accounts);
  const foreignPage = (req: http.IncomingMessage): boolean => guessable && fromForeignPage(req, browserHost(req));
  let extension: Extension = {};

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      const allowed = ownName(req);
      for (const [name, value] of Object.entries(securityHeaders({ google, host: allowed ? browserHost(req) : undefined }))) res.setHeader(name, value);
      // 421: the Host names a server this is not (DNS rebinding, or a proxy without PUBLIC_URL).
      if (!allowed) return refuse(res, 421, misdirectedText(printed()), hasBody(req));
      if (foreignPage(req)) return refuse(res, 403, FOREIGN_PAGE_REFUSAL, hasBody(req));
      const target = readTarget(req.url);
      // A path nothing could serve (`/%`) is the client's mistake, told as the API tells one.
      if (target.problem !== undefined) return send(res, errorResponse(new ApiError(400, target.problem, "badRequest")), {}, { close: hasBody(req) });
      // Refused before its token is looked at, so it spends no one's budget of wrong tokens.
      if (underApi(target.url.pathname) && crossSiteWithoutCors(req)) return refuse(res, 403, CROSS_SITE_REFUSAL, hasBody(req));
      if (extension.request?.(req, res)) return;
      if (api.handle(req, res)) return;
      // Nothing below reads a body: one that was sent is not drained, the connection closes.
      if (hasBody(req)) res.setHeader("Connection", "close");
      const pathname = target.url.pathname;
      if (pathname === "/app-config.json" && (req.method === "GET" || req.method === "HEAD")) {
        res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
        return void res.end(req.method === "HEAD" ? undefined : configFor(req));
      }
      if (serveStatic(staticDir, pathname, req, res)) return;
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(`Not found: ${pathname}`);
    } catch (err) {
      log(`app-server error on ${req.method} ${loggableUrl(req.url)}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
      res.end("Internal error");
    }
  };
  const server = createServer(handle);
  /** The address the server prints (requests come only once it listens). */
  const printed = () => listeningUrl(host, (server.address() as { port: number } | null)?.port ?? port);
  limitClients(server, {
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 256,
    trustProxy: options.trustProxy === true,
    log,
  });
  // A client sending `Expect: 100-continue` waits for a go-ahead: the API and
  // POST /update give it once the token (secret) and size are accepted; nothing
  // else reads a body, so other paths answer without it (Connection: close).
  server.on("checkContinue", handle);
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // `Upgrade: h2c` (curl --http2) and the like: answered as the plain request it also is, with every check of one.
    if (!wantsWebSocket(req)) return answerAsPlainRequest(server, req, socket);
    if (!ownName(req)) return refuseUpgrade(socket, rawAnswer(421, "Misdirected Request", misdirectedText(printed())));
    if (foreignPage(req)) return refuseUpgrade(socket, rawAnswer(403, "Forbidden", FOREIGN_PAGE_REFUSAL));
    if (crossSiteWithoutCors(req)) return refuseUpgrade(socket, rawAnswer(403, "Forbidden", CROSS_SITE_REFUSAL));
    if (extension.upgrade?.(req, socket, head)) return;
    refuseUpgrade(socket, rawAnswer(404, "Not Found", "No WebSocket endpoint at this path."));
  });
  const extended = options.extend?.(server, api);
  extension = typeof extended === "function" ? { request: extended } : extended ?? {};

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    api.close();
    throw err;
  }
  const actual = (server.address() as { port: number }).port;

  let closing: Promise<void> | undefined;
  return {
    url: listeningUrl(host, actual),
    port: actual,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          api.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Whether `pathname` is the API's (where tokens are checked). */
function underApi(pathname: string): boolean {
  return pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`);
}

/** 421's text, with the address the server printed (`url`, known once it listens). */
const misdirectedText = (url: string) =>
  `This server does not answer to that host name. Open it at ${url}, the address it printed, or set PUBLIC_URL to the address people use.`;

/** A refusal in plain text; a body the client sent is left unread and the connection closes. */
function refuse(res: http.ServerResponse, status: number, text: string, close: boolean): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...(close ? { Connection: "close" } : {}) });
  res.end(text);
}

function rawAnswer(status: number, reason: string, text: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
}
