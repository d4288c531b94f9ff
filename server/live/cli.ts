import http from "node:http";
import { tokenListAuthenticator } from "./authenticate";
import { createLiveServer } from "./live-server";
import { LiveLogEvent } from "./live-log";

function describe(event: LiveLogEvent): string {
  switch (event.type) {
    case "connected": return `socket joined ${event.channels.join(", ") || "(no channel)"}`;
    case "refused": return `socket refused (${event.code}): ${event.message}`;
    case "dropped": return `socket dropped (${event.reason}, ${event.bufferedAmount} bytes unsent)`;
    case "socket-error": return `socket error: ${event.message}`;
    case "error": return `error in ${event.context}: ${event.message}`;
  }
}

/**
 * The standalone atmos2-server, configured from the environment:
 * PORT (default 4000; 0 = any free port), ATMOS_SECRET (enables POST /update),
 * REDIS_URL (share changes between processes), ATMOS_TOKENS
 * (`token1:chanA,chanB;token2:*`), ATMOS_QUIET=1 to log less.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (got ${env.PORT})`);
  const quiet = env.ATMOS_QUIET === "1";
  const print = (line: string) => console.log(`[atmos2-server] ${line}`);
  if (!env.ATMOS_TOKENS) print("ATMOS_TOKENS is empty: every socket will be refused (set e.g. ATMOS_TOKENS='token1:chanA,chanB;token2:*')");
  if (!env.ATMOS_SECRET) print("ATMOS_SECRET is not set: POST /update is off");

  const server = http.createServer((req, res) => {
    if (live.handleUpdate(req, res)) return;
    if (req.url === "/health") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return void res.end(JSON.stringify({ ok: true, connections: live.connections }));
    }
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: "not found: this server answers /live (WebSocket), POST /update and /health" }));
  });
  const live = createLiveServer({
    server,
    authenticate: tokenListAuthenticator(env.ATMOS_TOKENS ?? ""),
    secret: env.ATMOS_SECRET || undefined,
    redisUrl: env.REDIS_URL || undefined,
    log: (event) => {
      if (!quiet || event.type === "error") print(describe(event));
    },
  });
  await live.ready;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, resolve);
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  print(`Listening on http://localhost:${actual} (WebSocket ws://localhost:${actual}/live${env.REDIS_URL ? ", shared over Redis" : ""})`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await live.close();
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`[atmos2-server] ${error.message}`);
    process.exit(1);
  });
}
