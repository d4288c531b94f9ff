import { expect } from "chai";
import net from "node:net";
import { start, type RunningServer } from "../../../server/live/cli";
import { TestSocket } from "../../live/support/test-socket";

/**
 * Found by an attacker's review: atmos2-server cut a slow POST /update body
 * after ATMOS_REQUEST_TIMEOUT_MS, but any other path answered at once with
 * keep-alive and then let the body dribble in for Node's 300 s: a chunked
 * POST to /nope or /health sending a byte a second held its connection five
 * minutes. Now a request with a body that nothing reads is answered with
 * `Connection: close`, and no request has longer than the setting.
 */
describe("atmos2-server: a slow body on a path that does not read it", () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  /** Sends `head`, then a chunk of one byte every 200 ms; resolves with what came back once the server closes, or "still open: …" after 8 s. */
  async function dribble(head: string): Promise<string> {
    const raw = net.connect(Number(new URL(running!.url).port), "127.0.0.1");
    let received = "";
    raw.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    raw.on("error", () => undefined);
    raw.write(head);
    const timer = setInterval(() => raw.write("1\r\na\r\n"), 200);
    const closed = new Promise<string>((resolve) => raw.on("close", () => resolve(received)));
    const answer = await Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve(`still open: ${received}`), 8000))]);
    clearInterval(timer);
    raw.destroy();
    return answer;
  }

  for (const path of ["/nope", "/health"]) {
    it(`closes a chunked POST to ${path} once it is answered`, async () => {
      running = await start({ PORT: "0", ATMOS_QUIET: "1" }, () => undefined);
      const answer = await dribble(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`);
      expect(answer).to.match(/^HTTP\/1.1 (404|200)/);
      expect(answer).to.match(/\r\nConnection: close\r\n/i);
    });
  }

  it("keeps an authenticated socket open past ATMOS_REQUEST_TIMEOUT_MS", async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1", ATMOS_TOKENS: "t:*", ATMOS_REQUEST_TIMEOUT_MS: "300" }, () => undefined);
    const socket = await TestSocket.ready(running.url.replace(/^http/, "ws") + "/live", { token: "t" });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(socket.isOpen).to.equal(true);
    await socket.close();
  });
});
