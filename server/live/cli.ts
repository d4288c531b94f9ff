import http from "node:http";
import type { AddressInfo } from "node:net";
import { oneSlipFrom } from "../../lib/near-miss";
import { tokenListAuthenticator } from "./authenticate";
import { capConnectionsPerAddress } from "./connection-cap";
import { answerJson, requestPath, sendsBody } from "./http-answer";
import { createLiveServer } from "./live-server";
import { LiveLogEvent } from "./live-log";
import { checkedHost, hostCheck, MISDIRECTED } from "./host-check";
import { checkedOrigin } from "./origin-check";
import { proxyNotice } from "./proxy-notice";

/** Every environment variable the CLI reads, as `--help` lists them. */
const SETTINGS: ReadonlyArray<[name: string, meaning: string]> = [
  ["HOST", "interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)"],
  ["PORT", "port to listen on (default 4000; 0 picks a free one, printed once bound)"],
  ["ATMOS_TOKENS", "who may join which channels: 'token1:chanA,chanB;token2:*' (empty: every socket is refused; 16+ characters per token unless HOST is loopback with no proxy)"],
  ["ATMOS_SECRET", "enables POST /update for backends (header X-Atmos-Secret; 16+ characters unless HOST is loopback with no proxy); unset: /update is off"],
  ["REDIS_URL", "share seqs, replay logs and changes with other processes (needs: npm install redis)"],
  ["ATMOS_REDIS_KEY_PREFIX", "prefix of this app's Redis keys and pub/sub channel (default 'atmos2:'): the processes of one app share one; two apps on one Redis use two"],
  ["ATMOS_QUIET", "1 to log errors only (0, the default, logs every socket)"],
  ["ATMOS_MAX_AUTH_FAILURES", "refused tokens one address may send per minute, per page origin (at most 5x over other origins), and apart, wrong /update secrets; then its auths get 1013, or its /update 429, until the minute ends (default 20; 0 = no limit)"],
  ["ATMOS_MAX_UNAUTHENTICATED", "sockets one address may hold before they authenticate; one more takes the place of its oldest silent one, or gets 429 (default 64)"],
  ["ATMOS_MAX_CONNECTIONS_PER_ADDRESS", "connections (of any kind) one address may hold; one more is closed as it opens (default 256; 0 = no limit; off with ATMOS_TRUST_PROXY)"],
  ["ATMOS_REQUEST_TIMEOUT_MS", "time a client has to send a whole request, headers and body, before 408 and a cut (default 10000); a body only /update reads, elsewhere the connection closes once answered"],
  ["ATMOS_ORIGINS", "browser origins a socket may come from, comma-separated ('https://app.example,http://localhost:8080'); a browser's socket from another gets 403 (default: every origin, the tokens being the guard; with a token shorter than 16 characters, pages on this machine only)"],
  ["ATMOS_HOSTS", "host names clients reach this server by, comma-separated ('live.example.com'); a request naming another gets 421, as a page of another site that points its name here (DNS rebinding) does (default: on a loopback HOST with no proxy, loopback names only; else any name)"],
  ["ATMOS_TRUST_PROXY", "1 to count clients by the last X-Forwarded-For address, only behind a proxy that writes it (default 0)"],
];

export const HELP = [
  "Usage: atmos2-server [--help]",
  "",
  "The atmos2 live server: WebSocket /live for atmos2 clients, POST /update for",
  "backends, GET /health. Configured by environment variables:",
  "",
  ...SETTINGS.map(([name, meaning]) => `  ${name.padEnd(25)} ${meaning}`),
  "",
  "Example: ATMOS_TOKENS='t1:user:42' ATMOS_SECRET=s3cret PORT=4000 atmos2-server",
].join("\n");

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 4000;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65535) throw new Error(`PORT must be a whole number from 0 to 65535 (got "${raw}")`);
  return port;
}

function parseSwitch(name: string, raw: string | undefined, meaning: string): boolean {
  const value = (raw ?? "").trim().toLowerCase();
  if (["1", "true", "yes"].includes(value)) return true;
  if (["", "0", "false", "no"].includes(value)) return false;
  throw new Error(`${name} must be 1, true or yes (${meaning}) or 0, false or no (got "${raw}")`);
}

/** A whole number setting, undefined when unset (the live server's default then applies). */
function parseCount(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) throw new Error(`${name} must be a whole number of at least ${min} (got "${raw}")`);
  return Number(raw);
}

/** ATMOS_ORIGINS as a list, each entry checked as createLiveServer checks `origins`; undefined when unset. */
function parseOrigins(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw.split(",").map((entry) => entry.trim()).filter(Boolean).map((entry) => checkedOrigin(entry, "ATMOS_ORIGINS"));
}

/** ATMOS_HOSTS as a list of bare names; undefined when unset. */
function parseHosts(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw.split(",").map((entry) => entry.trim()).filter(Boolean).map((entry) => checkedHost(entry, "ATMOS_HOSTS"));
}

/** The time a request has unless ATMOS_REQUEST_TIMEOUT_MS says otherwise (the live server's default). */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Connections one address may hold unless ATMOS_MAX_CONNECTIONS_PER_ADDRESS says otherwise. */
const DEFAULT_CONNECTIONS_PER_ADDRESS = 256;

/** The shortest secret or token accepted on an address other machines can reach. */
const MIN_EXPOSED_LENGTH = 16;

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Reachable from other machines, a short secret or token can be guessed:
 * refused, naming the setting (and an entry by its place, never its text,
 * as startup errors end up in logs).
 */
function refuseWeakCredentials(host: string, trustProxy: boolean, env: NodeJS.ProcessEnv): void {
  // Behind a proxy it listens on loopback, yet every socket is a visitor's.
  const where = !isLoopback(host) ? `a server on ${host}` : trustProxy ? "a server behind a proxy (ATMOS_TRUST_PROXY=1)" : undefined;
  if (where === undefined) return;
  const advice = `${where} needs at least ${MIN_EXPOSED_LENGTH} characters (e.g. openssl rand -hex 16)${isLoopback(host) ? "" : ", or HOST=127.0.0.1"}`;
  const secret = env.ATMOS_SECRET ?? "";
  if (secret && secret.length < MIN_EXPOSED_LENGTH) throw new Error(`ATMOS_SECRET is ${secret.length} characters; ${advice}`);
  const [short] = shortTokens(env);
  if (short) throw new Error(`ATMOS_TOKENS entry ${short.entry} has a token of ${short.length} character${short.length === 1 ? "" : "s"}; ${advice}`);
}

/** The ATMOS_TOKENS entries (by place) whose token is shorter than MIN_EXPOSED_LENGTH. */
function shortTokens(env: NodeJS.ProcessEnv): Array<{ entry: number; length: number }> {
  return (env.ATMOS_TOKENS ?? "").split(";").flatMap((entry, index) => {
    const token = entry.trim().split(":")[0].trim();
    return token && token.length < MIN_EXPOSED_LENGTH ? [{ entry: index + 1, length: token.length }] : [];
  });
}

/**
 * The origins a server with a short token (allowed on a loopback HOST) takes
 * browsers' sockets from, unless ATMOS_ORIGINS says: pages served from this
 * machine. Any other site's page could open a socket and guess such a token.
 */
function pageOnThisMachine(origin: string): boolean {
  try {
    const { protocol, hostname } = new URL(origin);
    return (protocol === "http:" || protocol === "https:") && (isLoopback(hostname) || hostname === "[::1]");
  } catch {
    return false;
  }
}

/**
 * An ATMOS_ variable the CLI does not read is a mistyped setting: ATMOS_TOKEN
 * started a server that refused every socket, saying only that ATMOS_TOKENS
 * was empty. Refused, naming the setting meant when one slip away.
 */
function refuseUnknownSettings(env: NodeJS.ProcessEnv): void {
  const known = SETTINGS.map(([name]) => name).filter((name) => name.startsWith("ATMOS_"));
  for (const name of Object.keys(env)) {
    if (!name.startsWith("ATMOS_") || known.includes(name)) continue;
    // ATMOS_PORT for PORT: a setting of the server's own with the prefix added.
    const meant = known.find((setting) => oneSlipFrom(name, setting)) ?? SETTINGS.map(([setting]) => setting).find((setting) => `ATMOS_${setting}` === name);
    throw new Error(`${name} is not a setting of atmos2-server; ${meant ? `did you mean ${meant}?` : `its ATMOS_ settings are ${known.join(", ")}`} (see atmos2-server --help)`);
  }
}

/** The most of a message a log line carries: what a socket sends must not fill the disk. */
const MAX_LOGGED_MESSAGE = 300;
/** Channels a "socket joined" line names; the rest are counted. */
const MAX_LOGGED_CHANNELS = 5;

function cut(text: string): string {
  return text.length > MAX_LOGGED_MESSAGE ? `${text.slice(0, MAX_LOGGED_MESSAGE)}… (${text.length} characters)` : text;
}

function channelList(channels: string[]): string {
  if (channels.length === 0) return "(no channel)";
  if (channels.length <= MAX_LOGGED_CHANNELS) return cut(channels.join(", "));
  return cut(`${channels.length} channels: ${channels.slice(0, MAX_LOGGED_CHANNELS).join(", ")}, …`);
}

function describe(event: LiveLogEvent): string {
  switch (event.type) {
    case "connected": return `socket joined ${channelList(event.channels)}`;
    case "refused": return `socket refused (${event.code}): ${cut(event.message)}`;
    case "dropped": return `socket dropped (${event.reason}, ${event.bufferedAmount} bytes unsent)`;
    case "socket-error": return `socket error: ${cut(event.message)}`;
    case "error": return `error in ${event.context}: ${cut(event.message)}`;
  }
}

/** `http://127.0.0.1:4000`, `http://[::1]:4000`: what the socket is bound to. */
function origin(address: AddressInfo): string {
  const host = address.family === "IPv6" || address.address.includes(":") ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export interface RunningServer {
  /** The origin actually bound, e.g. http://127.0.0.1:54321. */
  url: string;
  stop(): Promise<void>;
}

/**
 * The standalone atmos2-server, configured from the environment (see HELP).
 * Resolves once it listens; throws an Error naming the setting to fix otherwise.
 */
export async function start(env: NodeJS.ProcessEnv = process.env, print = (line: string) => console.log(`[atmos2-server] ${line}`)): Promise<RunningServer> {
  refuseUnknownSettings(env);
  const host = env.HOST?.trim() || "127.0.0.1";
  const port = parsePort(env.PORT);
  const quiet = parseSwitch("ATMOS_QUIET", env.ATMOS_QUIET, "errors only");
  const limits = {
    maxAuthFailures: parseCount("ATMOS_MAX_AUTH_FAILURES", env.ATMOS_MAX_AUTH_FAILURES, 0),
    maxUnauthenticatedPerAddress: parseCount("ATMOS_MAX_UNAUTHENTICATED", env.ATMOS_MAX_UNAUTHENTICATED, 1),
    requestTimeoutMs: parseCount("ATMOS_REQUEST_TIMEOUT_MS", env.ATMOS_REQUEST_TIMEOUT_MS, 1),
    trustProxy: parseSwitch("ATMOS_TRUST_PROXY", env.ATMOS_TRUST_PROXY, "behind a proxy that writes X-Forwarded-For"),
    origins: parseOrigins(env.ATMOS_ORIGINS) ?? (shortTokens(env).length > 0 ? pageOnThisMachine : undefined),
  };
  // Bound to loopback with no proxy, only this machine's names reach it: any other is a rebound one.
  const hosts = parseHosts(env.ATMOS_HOSTS) ?? (isLoopback(host.replace(/^\[|\]$/g, "")) && !limits.trustProxy ? [] : undefined);
  const allowsHost = hostCheck(hosts, "ATMOS_HOSTS");
  const perAddress = parseCount("ATMOS_MAX_CONNECTIONS_PER_ADDRESS", env.ATMOS_MAX_CONNECTIONS_PER_ADDRESS, 0) ?? DEFAULT_CONNECTIONS_PER_ADDRESS;
  refuseWeakCredentials(host, limits.trustProxy, env);
  // Sockets are seen by their auth (with its request), other requests as they come.
  const noticeProxy = proxyNotice(limits.trustProxy, print);
  const tokens = tokenListAuthenticator(env.ATMOS_TOKENS ?? "");
  const authenticate: typeof tokens = (token, req) => {
    noticeProxy(req);
    return tokens(token, req);
  };

  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    noticeProxy(req);
    if (allowsHost && !allowsHost(req)) return answerJson(res, 421, { error: MISDIRECTED }, { Connection: "close" });
    if (live.handleUpdate(req, res)) return;
    // Only /update reads a body: another one is left unread and the connection closes.
    if (sendsBody(req)) res.setHeader("Connection", "close");
    if (requestPath(req.url) === "/health") {
      // 503 while Redis is down or does not answer: POST /update fails then, and a load balancer should send clients elsewhere.
      const reachable = live.canPublish;
      void (reachable ? live.answers() : Promise.resolve(false)).then((answering) => {
        const ok = reachable && answering;
        const redis = env.REDIS_URL ? { redis: ok ? "connected" : reachable ? "not answering" : "unreachable" } : {};
        answerJson(res, ok ? 200 : 503, { ok, ...redis, connections: live.connections, trackedChannels: live.trackedChannels });
      });
      return;
    }
    answerJson(res, 404, { error: "not found: this server answers /live (WebSocket), POST /update and /health" });
  };
  const server = http.createServer(answer);
  // A client sending `Expect: 100-continue` waits for the go-ahead: /update
  // gives it once the secret and size are accepted; elsewhere no body is read.
  server.on("checkContinue", answer);
  // The whole request, on every path (Node's default gives a body 300 s).
  server.requestTimeout = limits.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Behind a proxy every connection is the proxy's.
  if (perAddress > 0 && !limits.trustProxy) {
    capConnectionsPerAddress(server, perAddress, (address) => print(`connections from ${address} closed: it holds ${perAddress}, the most one address may (ATMOS_MAX_CONNECTIONS_PER_ADDRESS)`));
  }
  const live = createLiveServer({
    server,
    authenticate,
    secret: env.ATMOS_SECRET || undefined,
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.ATMOS_REDIS_KEY_PREFIX || undefined,
    ...limits,
    hosts,
    log: (event) => {
      // A failed start is reported once, by run(), as the reason to exit.
      if (event.type === "error" && event.context === "start") return;
      if (!quiet || event.type === "error") print(describe(event));
    },
  });
  try {
    await live.ready;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, resolve);
    });
  } catch (error) {
    await live.close();
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === "EADDRINUSE") throw new Error(`${host}:${port} is already in use: pick another PORT (0 = any free port)`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new Error(`HOST "${host}" is not an address of this machine (${message})`);
    throw error;
  }
  const url = origin(server.address() as AddressInfo);
  // Said once it runs, so a failing start stays one line.
  if (!env.ATMOS_TOKENS) print("ATMOS_TOKENS is empty: every socket will be refused (set e.g. ATMOS_TOKENS='token1:chanA,chanB;token2:*')");
  if (!env.ATMOS_SECRET) print("ATMOS_SECRET is not set: POST /update is off");
  if (limits.origins === pageOnThisMachine) print("ATMOS_TOKENS holds a token shorter than 16 characters: only pages on this machine (http://localhost:…, http://127.0.0.1:…) may open sockets; ATMOS_ORIGINS lets others in");
  print(`Listening on ${url} (WebSocket ${url.replace(/^http/, "ws")}/live${env.REDIS_URL ? ", shared over Redis" : ""})`);

  return {
    url,
    async stop() {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * What the `atmos2-server` bin runs: `--help`, or start and stop on SIGTERM /
 * SIGINT. A failure to start is one line on stderr and exit code 1: the user
 * needs the setting to fix, not a stack trace.
 */
export async function run(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(HELP);
    return;
  }
  if (argv.length > 0) {
    console.error(`[atmos2-server] unknown argument "${argv[0]}": settings come from the environment (atmos2-server --help lists them)`);
    process.exitCode = 2;
    return;
  }
  let running: RunningServer;
  try {
    running = await start(env);
  } catch (error) {
    const message = (error as Error).message.replace(/^atmos2-server: /, "");
    console.error(`[atmos2-server] ${message.split("\n")[0]}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (require.main === module) void run();
