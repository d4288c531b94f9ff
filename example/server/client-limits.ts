import type * as http from "http";
import { capConnectionsPerAddress } from "../../server/live/connection-cap";

export interface ClientLimits {
  /** Time a client has to send a whole request, headers and body; after it, 408 and the connection is cut. Headers get at most 10 s of it. */
  requestTimeoutMs: number;
  /** Connections one address may hold at once; one more is closed at once. */
  maxConnectionsPerAddress: number;
  /** Behind a proxy every client shares its address: no per-address cap then. */
  trustProxy: boolean;
  log: (line: string) => void;
}

/**
 * Limits what one slow or greedy client can hold: Node's own defaults let a
 * request's headers take 60 s and its body 300 s, and set no cap per address,
 * so a few thousand connections sending a byte now and then took every file
 * descriptor. Call before `listen`.
 */
export function limitClients(server: http.Server, limits: ClientLimits): void {
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = Math.min(limits.requestTimeoutMs, 10_000);
  // How often Node looks for requests past those times (the createServer option; default 30 s).
  const checked = server as http.Server & { connectionsCheckingInterval?: number };
  checked.connectionsCheckingInterval = Math.min(1000, limits.requestTimeoutMs);
  if (limits.trustProxy) return;
  capConnectionsPerAddress(server, limits.maxConnectionsPerAddress, (address) =>
    limits.log(`app-server: ${address} holds ${limits.maxConnectionsPerAddress} connections, the most one address may; closing more`),
  );
}
