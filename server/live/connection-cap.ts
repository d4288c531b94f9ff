import type { Server, Socket } from "node:net";
import { addressKey } from "./client-address";

/**
 * Caps the TCP connections one client address may hold on `server` at once,
 * whatever they carry (an unfinished request head, a keep-alive, a
 * WebSocket): one more is closed as it opens. Without it, a client that
 * reopened each connection the request timeout cut could hold every file
 * descriptor. `refused` is told of the first refusal of each address, and
 * again only after the address held none (a flood's connections, cut and
 * reopened, would have it told on every close). Not for a server reached
 * through a proxy only: every client has the proxy's address there.
 * Addresses group as the other per-address limits group them: an IPv6
 * client by its /64, an IPv4 one however Node writes it.
 */
export function capConnectionsPerAddress(server: Server, max: number, refused: (address: string) => void = () => undefined): void {
  const held = new Map<string, number>();
  const told = new Set<string>();
  server.on("connection", (socket: Socket) => {
    const address = addressKey(socket.remoteAddress);
    const count = (held.get(address) ?? 0) + 1;
    if (count > max) {
      if (!told.has(address)) refused(address);
      told.add(address);
      socket.on("error", () => undefined);
      return void socket.destroy();
    }
    held.set(address, count);
    socket.once("close", () => {
      const left = (held.get(address) ?? 1) - 1;
      if (left > 0) return void held.set(address, left);
      held.delete(address);
      told.delete(address);
    });
  });
}
