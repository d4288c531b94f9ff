import { expect } from "chai";
import http from "node:http";
import net from "node:net";
import { createLiveServer } from "../../../server/live";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { TestSocket } from "../../live/support/test-socket";

/**
 * Slowloris: a client that sends its request headers (a WebSocket upgrade or
 * any request) a line at a time, or a POST /update body a byte at a time,
 * was kept for Node's 60 s (checked every 30 s) or, for the body, as long as
 * it kept going: a few thousand such clients held every file descriptor.
 * Now a request has `requestTimeoutMs` to arrive; after it, 408 and the
 * connection is cut.
 */
describe("live server: requests sent slowly are cut", () => {
  let fixture: LiveFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  /** Writes `head` then one more line every 200 ms, never ending; resolves with what came back once the server closes. */
  function dribble(head: string, line = "X-Slow: 1\r\n"): { closed: Promise<string>; stop(): void } {
    const port = Number(new URL(fixture!.url).port);
    const raw = net.connect(port, "127.0.0.1");
    let received = "";
    raw.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    raw.on("error", () => undefined);
    raw.write(head);
    const timer = setInterval(() => raw.write(line), 200);
    const closed = new Promise<string>((resolve) => raw.on("close", () => {
      clearInterval(timer);
      resolve(received);
    }));
    return { closed, stop: () => raw.destroy() };
  }

  /** Resolves with what the server answered, or "still open" once `ms` have passed. */
  const within = (closed: Promise<string>, ms: number) =>
    Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve("still open"), ms))]);

  it("cuts a WebSocket upgrade whose headers dribble in, with 408", async () => {
    fixture = await startLive({ requestTimeoutMs: 1000 });
    const slow = dribble("GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
    const answer = await within(slow.closed, 8000);
    slow.stop();
    expect(answer).to.match(/^HTTP\/1.1 408/);
  });

  it("cuts a connection that sends nothing at all", async () => {
    fixture = await startLive({ requestTimeoutMs: 1000 });
    const port = Number(new URL(fixture.url).port);
    const raw = net.connect(port, "127.0.0.1");
    raw.on("error", () => undefined);
    raw.resume(); // reads, so the server's end of the connection is seen
    const closed = new Promise<string>((resolve) => raw.on("close", () => resolve("closed")));
    const answer = await within(closed, 8000);
    raw.destroy();
    expect(answer).to.equal("closed");
  });

  it("cuts a POST /update whose body dribbles in, with 408 naming the limit", async () => {
    fixture = await startLive({ requestTimeoutMs: 1000, secret: "backend-secret" });
    const slow = dribble(
      "POST /update HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Atmos-Secret: backend-secret\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
      " ",
    );
    const answer = await within(slow.closed, 8000);
    slow.stop();
    expect(answer).to.match(/^HTTP\/1.1 408/);
    expect(answer).to.contain("body did not arrive within 1000 ms");
  });

  it("leaves an authenticated socket open past the request time", async () => {
    fixture = await startLive({ requestTimeoutMs: 300 });
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t" });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(socket.isOpen).to.equal(true);
    await socket.close();
  });

  it("leaves the timeouts of an app's server alone with requestTimeoutMs: 0", async () => {
    fixture = await startLive({ requestTimeoutMs: 0 });
    expect(fixture.server.headersTimeout).to.equal(new http.Server().headersTimeout);
  });

  it("keeps an app server's own shorter header time", async () => {
    const server = http.createServer();
    server.headersTimeout = 2000;
    const live = createLiveServer({ server, authenticate: () => "*" });
    expect(server.headersTimeout).to.equal(2000);
    await live.close();
  });
});
