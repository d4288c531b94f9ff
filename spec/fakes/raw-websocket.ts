import { randomBytes } from "node:crypto";
import net from "node:net";

/**
 * A bare-bones WebSocket client over a TCP socket, for network faults a real
 * client hides: it never answers pings (a dead peer) and can stop reading
 * (a slow peer whose TCP window fills up). Text frames only.
 */
export class RawWebSocket {
  readonly closed: Promise<void>;
  private buffer = Buffer.alloc(0);
  private texts: string[] = [];
  private waiters: Array<() => void> = [];
  private ended = false;

  private constructor(private socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once("close", () => {
      this.ended = true;
      this.wake();
      resolve();
    }));
    socket.on("error", () => {});
  }

  static connect(url: string): Promise<RawWebSocket> {
    const { hostname, port, pathname } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname);
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.write(
          `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      let head = Buffer.alloc(0);
      const onHead = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onHead);
        if (!head.subarray(0, end).toString().startsWith("HTTP/1.1 101")) {
          socket.destroy();
          return reject(new Error(`upgrade refused: ${head.subarray(0, end).toString()}`));
        }
        const raw = new RawWebSocket(socket);
        socket.on("data", (data: Buffer) => raw.onData(data));
        raw.onData(head.subarray(end + 4));
        resolve(raw);
      };
      socket.on("data", onHead);
    });
  }

  /** Sends one masked text frame, as a client must. */
  sendText(text: string): void {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x81, 0x80 | length])
      : length < 65536 ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff])
      : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = payload[i] ^ mask[i % 4];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  /** The next text frame from the server; pings are read and ignored (never ponged). */
  async nextText(): Promise<string> {
    for (;;) {
      const text = this.texts.shift();
      if (text !== undefined) return text;
      if (this.ended) throw new Error("connection closed before the next text frame");
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Stops reading from the socket: the kernel buffers fill, then the server's. */
  pause(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0] & 0x0f;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 1) this.texts.push(payload.toString());
      this.wake();
    }
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
