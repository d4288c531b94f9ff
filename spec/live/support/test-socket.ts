import WebSocket from "ws";
import type { ServerMessage } from "../../../lib/live/live-protocol";

/**
 * A WebSocket client for specs that keeps every server message in order and
 * lets a test await the next one, or the close, without timers.
 */
export class TestSocket {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private read = 0;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      this.wake();
    });
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      this.wake();
    }));
    ws.on("error", () => {});
  }

  static open(url: string, options?: WebSocket.ClientOptions): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const socket = new TestSocket(ws);
      ws.once("open", () => resolve(socket));
      ws.once("error", reject);
    });
  }

  /** Opens, authenticates and waits for `ready`. */
  static async ready(url: string, auth: Record<string, unknown>): Promise<TestSocket> {
    const socket = await TestSocket.open(url);
    socket.send({ type: "auth", ...auth });
    const first = await socket.next();
    if (first.type !== "ready") throw new Error(`expected ready, got ${JSON.stringify(first)}`);
    return socket;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** The next message not yet taken; rejects if the socket closes first. */
  async next(): Promise<ServerMessage> {
    for (;;) {
      if (this.read < this.messages.length) return this.messages[this.read++];
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error("socket closed before the next message");
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Takes messages until one matches; returns it. */
  async until(match: (message: ServerMessage) => boolean): Promise<ServerMessage> {
    for (;;) {
      const message = await this.next();
      if (match(message)) return message;
    }
  }

  /** Takes `count` change messages (skipping nothing: anything else is an error). */
  async changes(count: number): Promise<Array<Extract<ServerMessage, { type: "change" }>>> {
    const out = [];
    while (out.length < count) {
      const message = await this.next();
      if (message.type !== "change") throw new Error(`expected a change, got ${JSON.stringify(message)}`);
      out.push(message);
    }
    return out;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
