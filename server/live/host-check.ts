import type { IncomingMessage } from "node:http";

/**
 * The `hosts` option: the names the server answers to (loopback names
 * always), or a judge of the Host header.
 */
export type AllowedHosts = string[] | ((host: string | undefined) => boolean);

/** A host name, IPv4 address or bracketed IPv6 address, with an optional port. */
export const HOST_SYNTAX = /^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** A host without its port, brackets, trailing dot and case: `[::1]:3000` → `::1`. */
export function bareHost(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith("[")) name = name.slice(1, name.indexOf("]") < 0 ? undefined : name.indexOf("]"));
  else if (name.split(":").length === 2) name = name.slice(0, name.indexOf(":"));
  // An IPv6 address carries a zone on some interfaces (fe80::1%eth0).
  const zone = name.indexOf("%");
  if (zone >= 0) name = name.slice(0, zone);
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

export function isLoopbackName(name: string): boolean {
  return name === "localhost" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * `hosts` as one test of a request's Host, checked once at start. A page
 * of another site that points its own name at the server (DNS rebinding)
 * sends that name: the browser takes it for the server's own origin, with
 * no CORS check, so a server reachable by a name it does not own answers 421.
 */
export function hostCheck(hosts: AllowedHosts | undefined, name = "createLiveServer: hosts"): ((req: IncomingMessage) => boolean) | undefined {
  if (hosts === undefined) return undefined;
  if (typeof hosts === "function") return (req) => hosts(req.headers.host) === true;
  if (!Array.isArray(hosts)) throw new Error(`${name} must be a list of host names, such as ["live.example.com"], or a function (host) => boolean (got ${String(hosts)})`);
  const names = new Set(hosts.map((entry) => checkedHost(entry, name)));
  return (req) => {
    const host = req.headers.host;
    if (host === undefined || !HOST_SYNTAX.test(host)) return false;
    const bare = bareHost(host);
    return isLoopbackName(bare) || names.has(bare);
  };
}

/** An entry of `hosts` (or ATMOS_HOSTS) as a bare name, or an error that shows the right form. */
export function checkedHost(entry: unknown, name: string): string {
  if (typeof entry === "string" && HOST_SYNTAX.test(entry.trim())) return bareHost(entry);
  let hint = "";
  try {
    hint = typeof entry === "string" ? ` (did you mean "${new URL(entry).hostname}"?)` : "";
  } catch {
    hint = "";
  }
  throw new Error(`${name}: ${JSON.stringify(entry)} is not a host name, such as "live.example.com" (no scheme, path or slash)${hint}`);
}

/** 421's text: the Host names a server this is not. */
export const MISDIRECTED = "this server does not answer to that host name (DNS rebinding?); use the address it printed, or add the name to its hosts (ATMOS_HOSTS)";
