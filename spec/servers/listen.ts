import type * as http from "http";

/** Starts `server` on a free port of 127.0.0.1 and gives its base URL. */
export function listen(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

/** Stops `server`, cutting keep-alive connections so close() does not wait on idle clients. */
export function shutdown(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * The base URL of a port of 127.0.0.1 nothing listens on (it was free a
 * moment ago): a connection is refused, as with a server that is down.
 * (Not port 1: fetch will not connect to it at all, a setup mistake.)
 */
export async function refusingBase(): Promise<string> {
  const net = await import("net");
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}
