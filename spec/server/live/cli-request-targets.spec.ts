import { expect } from "chai";
import { start, type RunningServer } from "../../../server/live/cli";
import { rawExchange } from "../../servers/raw-http";

/**
 * HTTP/1.1 lets a client name the whole URL in the request line (the
 * absolute form a client talking as to a proxy sends), and every server
 * must take it (RFC 9112, 3.2.2). Found by an attacker's review:
 * atmos2-server answered `POST http://host/update` with 404, and so it did
 * `GET /health?probe=1` (the query was taken for part of the path).
 */
describe("atmos2-server: request targets", () => {
  let running: RunningServer;
  let port: number;
  before(async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1", ATMOS_SECRET: "s3cret-s3cret" }, () => undefined);
    port = Number(new URL(running.url).port);
  });
  after(async () => running.stop());

  const ask = (head: string, body = "") => rawExchange(port, head, body, (text) => /\r\n\r\n[\s\S]*\}/.test(text));

  it("answers /health named as a whole URL, or with a query, as /health", async () => {
    for (const target of [`http://127.0.0.1:${port}/health`, "/health?probe=1"]) {
      const answer = await ask(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close`);
      expect(answer.status, target).to.equal(200);
      expect(answer.text, target).to.contain('"ok":true');
    }
  });

  it("takes POST /update named as a whole URL", async () => {
    const body = JSON.stringify({ channel: "user:1", changes: [{ type: "updated", collection: "tasks", id: "1", attrs: { id: "1" } }] });
    const head = [`POST http://127.0.0.1:${port}/update HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Content-Type: application/json", "X-Atmos-Secret: s3cret-s3cret", `Content-Length: ${body.length}`, "Connection: close"].join("\r\n");
    const answer = await ask(head, body);
    expect(answer.status).to.equal(202);
    expect(answer.text).to.contain('"seq":1');
  });
});
