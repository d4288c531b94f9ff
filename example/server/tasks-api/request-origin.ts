import type * as http from "http";

/**
 * The origin a client reached the API at, for absolute `selfLink`s. Without
 * `trustProxy` the X-Forwarded-* headers are ignored: any client can send
 * them, and a selfLink such as `javascript://…` must never come back. Either
 * way the answer is `http` or `https` and a well-formed host.
 */

export interface OriginOptions {
  /** Honour X-Forwarded-Proto and X-Forwarded-Host (only behind a proxy that sets them). */
  trustProxy?: boolean;
  /** The address people use (e.g. https://tasks.example.org); wins over every header. */
  publicUrl?: string;
}

/** A host name, IPv4 address or bracketed IPv6 address, with an optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function requestOrigin(req: http.IncomingMessage, options: OriginOptions = {}): string {
  if (options.publicUrl) return new URL(options.publicUrl).origin;
  const socketProto = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  const forwardedProto = options.trustProxy ? firstValue(req.headers["x-forwarded-proto"])?.toLowerCase() : undefined;
  const proto = forwardedProto === "http" || forwardedProto === "https" ? forwardedProto : socketProto;
  const forwardedHost = options.trustProxy ? firstValue(req.headers["x-forwarded-host"]) : undefined;
  const host = [forwardedHost, req.headers.host].find((h) => h !== undefined && HOST.test(h)) ?? "localhost";
  return `${proto}://${host}`;
}

/** The first of a comma-separated (or repeated) header's values. */
function firstValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(",")[0].trim() || undefined;
}
