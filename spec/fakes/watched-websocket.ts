import { WebSocket } from "ws";
import type { AtmosOptions } from "../../lib";

/**
 * A `ws` WebSocket class for `new Atmos({ WebSocket })` that tells the spec
 * of every frame it receives, before the live client handles it: a spec can
 * then look at the page while a change is being applied (or waits to be).
 */
export function watchedWebSocket(onFrame: (data: string) => void): NonNullable<AtmosOptions["WebSocket"]> {
  class WatchedWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      this.addEventListener("message", (event) => onFrame(String(event.data)));
    }
  }
  // ws types its handlers' events more narrowly than the client's LiveSocket does.
  return WatchedWebSocket as unknown as NonNullable<AtmosOptions["WebSocket"]>;
}
