import net from "node:net";
import { connectThrough } from "./tcp-cut-proxy";

/**
 * A TCP proxy in front of a real Redis that holds back, by `lagMs`, what
 * Redis sends to one kind of connection: those that subscribed (pub/sub
 * news comes later than the answers to commands), or the others (answers
 * to commands come later than pub/sub news), as on a busy network either
 * sometimes does. `down()` refuses new connections until `up()`.
 */
export interface PubsubLagProxy {
  /** redis://127.0.0.1:port, the proxy's address. */
  url: string;
  lagMs: number;
  /** Which connections lag: "subscribers" (default) or "commands". */
  lagging: "subscribers" | "commands";
  /** Bytes Redis has sent so far to the connections that did not subscribe (answers to commands). */
  readonly commandBytes: number;
  down(): void;
  up(): void;
  /** Drops every open connection (what was held back is lost with it). */
  cut(): void;
  close(): Promise<void>;
}

export async function startPubsubLagProxy(redisPort: number, lagMs: number, lagging: PubsubLagProxy["lagging"] = "subscribers"): Promise<PubsubLagProxy> {
  const open = new Set<net.Socket>();
  let refusing = false;
  let commandBytes = 0;
  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = connectThrough(client, redisPort, open);
    let subscriber = false;
    client.on("data", (chunk: Buffer) => {
      if (/\r\n(P|S)?SUBSCRIBE\r\n/i.test(chunk.toString("latin1"))) subscriber = true;
      upstream.write(chunk);
    });
    // Timers of one delay fire in the order they were set: the stream keeps its order.
    upstream.on("data", (chunk: Buffer) => {
      if (!subscriber) commandBytes += chunk.length;
      const lags = proxy.lagMs > 0 && subscriber === (proxy.lagging === "subscribers");
      if (lags) setTimeout(() => client.writable && client.write(chunk), proxy.lagMs);
      else client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxy: PubsubLagProxy = {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    lagMs,
    lagging,
    get commandBytes() {
      return commandBytes;
    },
    down: () => void (refusing = true),
    up: () => void (refusing = false),
    cut() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    close() {
      for (const socket of open) socket.destroy();
      open.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
