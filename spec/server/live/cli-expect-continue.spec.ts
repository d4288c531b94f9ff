import { expect } from "chai";
import net from "node:net";
import { start, type RunningServer } from "../../../server/live/cli";

/**
 * Found by an attacker's review: atmos2-server answered `Expect: 100-continue`
 * at once, before looking at the secret or the size, so a client that waits
 * for the go-ahead sent its whole body (more than the 1 MB limit, or with a
 * wrong secret) only to have it cut with a reset. Now /update says 100
 * Continue only to a request it would read; any other is refused first.
 */
describe("atmos2-server: a request that waits for 100 Continue", () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  const SECRET = "backend-secret-0123456789";
  const BODY = JSON.stringify({ channel: "c", changes: [{ type: "updated", collection: "tasks", id: "1", attrs: { id: "1" } }] });

  /**
   * Sends the head of a request that expects 100 Continue; sends `body` only
   * once it came. Resolves with the status lines in the order they arrived.
   */
  function waitForContinue(head: string, body = BODY): Promise<string[]> {
    return new Promise((resolve) => {
      const socket = net.connect(Number(new URL(running!.url).port), "127.0.0.1");
      let received = "";
      let sent = false;
      const statuses = () => received.split("\r\n").filter((line) => line.startsWith("HTTP/1.1 "));
      socket.on("error", () => undefined);
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString("latin1");
        if (!sent && received.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
          sent = true;
          socket.write(body);
        }
        // A final status (not 100) with its whole head is the answer.
        if (statuses().some((line) => !line.startsWith("HTTP/1.1 100")) && received.lastIndexOf("\r\n\r\n") > received.lastIndexOf("HTTP/1.1 ")) {
          socket.destroy();
          resolve(statuses());
        }
      });
      socket.write(`${head}Expect: 100-continue\r\n\r\n`);
    });
  }
  const post = (path: string, secret: string | undefined, length: number) =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${secret ? `X-Atmos-Secret: ${secret}\r\n` : ""}`;

  it("refuses a wrong or missing secret with 401 without asking for the body", async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1", ATMOS_SECRET: SECRET }, () => undefined);
    expect(await waitForContinue(post("/update", "wrong-secret", BODY.length))).to.deep.equal(["HTTP/1.1 401 Unauthorized"]);
    expect(await waitForContinue(post("/update", undefined, BODY.length))).to.deep.equal(["HTTP/1.1 401 Unauthorized"]);
  });

  it("refuses a Content-Length over the limit with 413 without asking for the body", async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1", ATMOS_SECRET: SECRET }, () => undefined);
    expect(await waitForContinue(post("/update", SECRET, 2 * 1024 * 1024))).to.deep.equal(["HTTP/1.1 413 Payload Too Large"]);
  });

  it("asks for the body of a request it accepts, once, and publishes it", async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1", ATMOS_SECRET: SECRET }, () => undefined);
    expect(await waitForContinue(post("/update", SECRET, BODY.length))).to.deep.equal(["HTTP/1.1 100 Continue", "HTTP/1.1 202 Accepted"]);
  });

  it("answers another path without asking for a body it would not read", async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1", ATMOS_SECRET: SECRET }, () => undefined);
    expect(await waitForContinue(post("/nope", undefined, BODY.length))).to.deep.equal(["HTTP/1.1 404 Not Found"]);
  });
});
