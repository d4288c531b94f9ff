import { expect } from "chai";
import net from "node:net";
import { startLive, type LiveFixture } from "./support/live-fixture";

/** A client frame: masked, as RFC 6455 wants every client frame. */
function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error("short frames only");
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = payload.map((byte, i) => byte ^ mask[i % 4]);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, Buffer.from(masked)]);
}

/**
 * A socket the server refuses (a bad token, no token in time) is closed
 * with a close frame; a client that never answers that frame was kept, by
 * ws's closing handshake, for 30 s after its place was freed, outside every
 * count: one client sending bad tokens and ignoring the close frames piled
 * up connections as fast as it could open them. The server now lets go of
 * a refused socket shortly after its close frame.
 */
describe("live server: refused sockets that ignore the close frame are let go", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  /** A raw connection that completes the upgrade, sends `frames`, and never answers the close. Resolves with the ms until the server ended it. */
  async function ignoreTheClose(frames: Buffer[]): Promise<number> {
    const port = Number(new URL(fixture.url).port);
    const raw = net.connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    raw.on("data", (chunk: Buffer) => received.push(chunk));
    raw.on("error", () => undefined);
    const ended = new Promise<number>((resolve) => raw.on("close", () => resolve(Date.now())));
    raw.write(
      "GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    while (!Buffer.concat(received).toString("latin1").includes("\r\n\r\n")) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(Buffer.concat(received).toString("latin1")).to.match(/^HTTP\/1.1 101/);
    const sentAt = Date.now();
    for (const frame of frames) raw.write(frame);
    return (await ended) - sentAt;
  }

  it("ends the connection of a bad token within a few seconds, not ws's 30", async function () {
    this.timeout(40_000);
    fixture = await startLive({ authenticate: () => null });
    const ms = await ignoreTheClose([maskedText(JSON.stringify({ type: "auth", token: "guess" }))]);
    expect(ms, "ms until the server let go").to.be.below(10_000);
  });

  it("ends the connection of a socket that sent no token in time", async function () {
    this.timeout(40_000);
    fixture = await startLive({ authenticate: () => ["c"], authTimeoutMs: 200 });
    const ms = await ignoreTheClose([]);
    expect(ms, "ms until the server let go").to.be.below(10_000);
  });
});
