import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLiveServer, LiveServer, LiveServerOptions } from "../../../server/live";

export interface LiveFixture {
  live: LiveServer;
  server: http.Server;
  /** http://127.0.0.1:port */
  url: string;
  /** ws://127.0.0.1:port/live */
  wsUrl: string;
  close(): Promise<void>;
}

/** A real HTTP server on a free port with the live server attached, as an app would do it. */
export async function startLive(options: Partial<LiveServerOptions> & { port?: number } = {}): Promise<LiveFixture> {
  const { port: wanted = 0, ...liveOptions } = options;
  const server = http.createServer((req, res) => {
    if (live.handleUpdate(req, res)) return;
    res.writeHead(404).end();
  });
  const live = createLiveServer({ authenticate: () => "*", ...liveOptions, server });
  await live.ready;
  await new Promise<void>((resolve) => server.listen(wanted, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    live,
    server,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/live`,
    async close() {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
