import { isIP } from "net";
import * as os from "os";
import type { Account } from "./tasks-api";
import { bareHost, HOST_SYNTAX } from "../../server/live/host-check";

/**
 * Who can reach the server, and what that demands. On a loopback HOST only
 * this machine can connect, so the dev token may be handed to the page. On
 * any other interface the server is exposed: credentials must be strong and
 * are never given to a caller who has not signed in.
 */

/** The token `npm start` uses when none is set. */
export const DEFAULT_TOKEN = "dev-token";
/** Shortest token accepted on an exposed server. */
export const MIN_EXPOSED_TOKEN_LENGTH = 16;

/** Different characters an exposed token must hold: 32 random hex digits hold all 16, or nearly. */
const MIN_DISTINCT_CHARACTERS = 6;

/** Whether `host` (a HOST setting or a Host header's name) names this machine's loopback. */
export function isLoopback(host: string): boolean {
  const name = bareHost(host);
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIP(name) === 4) return name.startsWith("127.");
  return name === "::1" || name === "0:0:0:0:0:0:0:1" || name.startsWith("::ffff:127.");
}

/** Whether `localhost` (127.0.0.1 or ::1) reaches a server bound to `host`; another loopback address (127.0.0.2) it does not. */
function localhostReaches(host: string): boolean {
  const name = bareHost(host);
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  return ["127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"].includes(name);
}

/** The settings that say who reaches the server. */
export interface Reach {
  host: string;
  /** PUBLIC_URL: the address people open, through a proxy. */
  publicUrl?: string | undefined;
  /** TRUST_PROXY: a proxy forwards the requests, from whoever it takes them. */
  trustProxy?: boolean | undefined;
}

/**
 * Why other machines reach the server, naming the setting that says so;
 * undefined when only this machine can. Behind a proxy the server listens on
 * loopback, yet every request it forwards is a visitor's.
 */
export function exposure(reach: Reach): string | undefined {
  if (!isLoopback(reach.host)) return `HOST=${reach.host} lets other machines connect`;
  if (reach.publicUrl !== undefined && !isLoopback(new URL(reach.publicUrl).host)) return `PUBLIC_URL=${reach.publicUrl} says people open it through a proxy`;
  if (reach.trustProxy) return "TRUST_PROXY=1 says a proxy forwards other machines' requests to it";
  return undefined;
}

/** What an exposed server would serve its pages with. */
export interface Credentials {
  accounts: readonly Account[] | undefined;
  /** ATMOS_SECRET, if `POST /update` is on. */
  secret?: string;
  googleAccessToken?: string;
  googleClientId?: string;
}

/**
 * Throws, saying what to set, when the server is exposed (see `exposure`) and
 * a credential is weak: no token at all, the default token, a token shorter
 * than 16 characters, a short ATMOS_SECRET, or a GOOGLE_ACCESS_TOKEN that the
 * page could only get by being handed it.
 */
export function refuseWeakCredentials(reach: Reach, credentials: Credentials): void {
  const where = exposure(reach);
  if (where === undefined) return;
  // Behind a proxy, binding loopback changes nothing: no such way out.
  const orLoopback = (or: string) => (isLoopback(reach.host) ? "" : `${or} HOST=127.0.0.1`);
  if (credentials.accounts === undefined) {
    throw new Error(`${where}, but the API has no token: set TASKS_TOKEN (at least ${MIN_EXPOSED_TOKEN_LENGTH} random characters, e.g. \`openssl rand -hex 16\`), or TASKS_USERS="alice:<token>,bob:<token>"`);
  }
  for (const { name, token } of credentials.accounts) {
    const which = credentials.accounts.length === 1 && name === "me" ? "TASKS_TOKEN" : `the token of "${name}" in TASKS_USERS`;
    if (token === DEFAULT_TOKEN) {
      throw new Error(`${where}, but ${which} is the default "${DEFAULT_TOKEN}", which anyone can guess: set it to at least ${MIN_EXPOSED_TOKEN_LENGTH} random characters (e.g. \`openssl rand -hex 16\`)${orLoopback(", or use")}`);
    }
    if (token.length < MIN_EXPOSED_TOKEN_LENGTH) {
      throw new Error(`${where}, but ${which} is only ${token.length} characters: use at least ${MIN_EXPOSED_TOKEN_LENGTH} random characters (e.g. \`openssl rand -hex 16\`)${orLoopback(", or")}`);
    }
    // Long but made of a few characters repeated ("aaaa…", "abab…"): no random token has so few.
    const distinct = new Set(token).size;
    if (distinct < MIN_DISTINCT_CHARACTERS) {
      throw new Error(`${where}, but ${which} has ${distinct} different character${distinct === 1 ? "" : "s"}: use ${MIN_EXPOSED_TOKEN_LENGTH} or more random characters (e.g. \`openssl rand -hex 16\`)${orLoopback(", or")}`);
    }
  }
  if (credentials.secret !== undefined && credentials.secret.length < MIN_EXPOSED_TOKEN_LENGTH) {
    throw new Error(`${where}, but ATMOS_SECRET is only ${credentials.secret.length} characters: use at least ${MIN_EXPOSED_TOKEN_LENGTH} random characters`);
  }
  if (credentials.googleAccessToken !== undefined && credentials.googleClientId === undefined) {
    throw new Error(`${where}, and GOOGLE_ACCESS_TOKEN is only handed to a page on a loopback HOST with no proxy: set GOOGLE_CLIENT_ID so each person signs in with Google${orLoopback(", or use")}`);
  }
}

/** Whether `host` is the wildcard address: bound to it, the server listens on every interface. */
function isEveryInterface(host: string): boolean {
  const bound = bareHost(host);
  return bound === "0.0.0.0" || bound === "::" || bound === "";
}

/**
 * The address `npm start` prints: `http://localhost:PORT` on a HOST that
 * localhost reaches (127.0.0.1, ::1, a localhost name), else HOST itself, so
 * it is the one people were told to use (`http://127.0.0.2:3000`,
 * `http://0.0.0.0:3000`, `http://[::]:3000`, `http://192.0.2.2:3000`).
 */
export function listeningUrl(host: string, port: number): string {
  if (localhostReaches(host)) return `http://localhost:${port}`;
  return `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

/**
 * Bound to every interface, the addresses other machines can open: this
 * machine's non-internal ones (IPv4 for 0.0.0.0, IPv6 as well for ::),
 * without link-local IPv6, which works only with a zone browsers do not take.
 * Bound to one address, none: the printed one is it.
 */
export function neighbourUrls(host: string, port: number, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string[] {
  if (!isEveryInterface(host)) return [];
  const ipv6 = bareHost(host) !== "0.0.0.0";
  return Object.values(interfaces)
    .flatMap((addresses) => addresses ?? [])
    .filter((a) => !a.internal && (a.family === "IPv4" || (ipv6 && !/^fe[89ab]/i.test(a.address))))
    .map((a) => `http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${port}`);
}

/**
 * The names this server answers to: loopback names, the HOST it is bound to
 * (bound to all interfaces, that very address, as printed, and every address
 * of this machine), the machine's own host name unless HOST is loopback, and
 * the host of PUBLIC_URL.
 * A request naming anything else reached the server through a name it does
 * not own, as DNS rebinding does: the page sends its own name, never 0.0.0.0.
 */
export function hostAllowList(host: string, publicUrl: string | undefined): (hostHeader: string | undefined) => boolean {
  const names = new Set<string>();
  const bound = bareHost(host);
  if (bound !== "") names.add(bound);
  if (isEveryInterface(bound)) {
    for (const addresses of Object.values(os.networkInterfaces())) {
      for (const address of addresses ?? []) names.add(bareHost(address.address));
    }
  }
  // Bound to the network, the machine's own names reach it. A loopback
  // server is reached by loopback names only: any device on the network can
  // answer for `<name>.local`, and a page served there that rebinds the name
  // to 127.0.0.1 would be answered (with the token of single-user mode).
  if (!isLoopback(bound)) {
    const machine = os.hostname().toLowerCase();
    names.add(machine);
    names.add(`${machine}.local`);
  }
  if (publicUrl) names.add(bareHost(new URL(publicUrl).host));
  return (hostHeader) => {
    // Checked as a whole first: the Host is echoed into the page's CSP.
    if (hostHeader === undefined || !HOST_SYNTAX.test(hostHeader)) return false;
    const name = bareHost(hostHeader);
    return isLoopback(name) || names.has(name);
  };
}
