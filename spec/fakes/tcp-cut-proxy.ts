import net from "node:net";

/**
 * A TCP proxy in front of a real server, for connection faults: `cut()`
 * kills the open connections (a network drop), `down()` refuses new ones
 * until `up()` (the server is unreachable meanwhile).
 */
export interface TcpCutProxy {
  /** ws://127.0.0.1:port + path, or any URL with the proxy's port. */
  port: number;
  /** Connections accepted so far (refused ones included). */
  readonly accepted: number;
  cut(): void;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

/**
 * Connects `client` to `port` on this machine, both kept in `open` until
 * either end closes or fails (then both go); the caller forwards the bytes.
 */
export function connectThrough(client: net.Socket, port: number, open: Set<net.Socket>): net.Socket {
  const upstream = net.connect(port, "127.0.0.1");
  open.add(client).add(upstream);
  const end = () => {
    client.destroy();
    upstream.destroy();
    open.delete(client);
    open.delete(upstream);
  };
  client.on("error", end).on("close", end);
  upstream.on("error", end).on("close", end);
  return upstream;
}

export async function startTcpCutProxy(targetPort: number): Promise<TcpCutProxy> {
  const open = new Set<net.Socket>();
  let refusing = false;
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    if (refusing) return void client.destroy();
    const upstream = connectThrough(client, targetPort, open);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxy: TcpCutProxy = {
    port: (server.address() as net.AddressInfo).port,
    get accepted() {
      return accepted;
    },
    cut() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    down() {
      refusing = true;
    },
    up() {
      refusing = false;
    },
    close() {
      proxy.cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
