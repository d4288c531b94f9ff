import { expect } from "chai";
import net from "node:net";
import { start, type RunningServer } from "../../../server/live/cli";

/**
 * Found by an attacker's review: atmos2-server's answers (/health, the 404
 * JSON, /update's answers and refusals) had neither
 * `X-Content-Type-Options: nosniff` (a browser could sniff its JSON as
 * something else) nor `Cache-Control: no-store` (a cache between could keep
 * a health state or a seq that is only true now). Every answer has both.
 */
describe("atmos2-server: every answer says nosniff and no-store", () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  const SECRET = "backend-secret-0123456789";

  const expectHeaders = (what: string, headers: Headers) => {
    expect(headers.get("x-content-type-options"), what).to.equal("nosniff");
    expect(headers.get("cache-control"), what).to.equal("no-store");
  };
  const update = (url: string, init: RequestInit & { secret?: string }) =>
    fetch(`${url}/update`, { ...init, headers: { "Content-Type": "application/json", ...(init.secret ? { "X-Atmos-Secret": init.secret } : {}) } });
  /** The head of what the server answers `request` with, as raw text. */
  const raw = (url: string, request: string) =>
    new Promise<string>((resolve) => {
      const socket = net.connect(Number(new URL(url).port), "127.0.0.1");
      let received = "";
      socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve(received.split("\r\n\r\n")[0]));
      socket.write(request);
    });

  it("on /health, a 404, and /update's 202, 400, 401, 405 and 429", async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1", ATMOS_SECRET: SECRET, ATMOS_MAX_AUTH_FAILURES: "1" }, () => undefined);
    const url = running.url;
    const body = JSON.stringify({ channel: "c", changes: [{ type: "updated", collection: "tasks", id: "1", attrs: { id: "1" } }] });
    const answers: Array<[string, Response]> = [
      ["/health", await fetch(`${url}/health`)],
      ["404", await fetch(`${url}/nope`)],
      ["202", await update(url, { method: "POST", body, secret: SECRET })],
      ["400", await update(url, { method: "POST", body: "{", secret: SECRET })],
      ["405", await update(url, { method: "GET" })],
      ["401", await update(url, { method: "POST", body, secret: "wrong-secret" })],
      ["429", await update(url, { method: "POST", body, secret: SECRET })],
    ];
    for (const [what, res] of answers) {
      expect(res.status, what).to.equal(what === "/health" ? 200 : Number(what));
      expectHeaders(what, res.headers);
    }
  });

  it("on an upgrade it refuses", async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1" }, () => undefined);
    const upgrade = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    const head = await raw(running.url, upgrade("/elsewhere"));
    expect(head).to.match(/^HTTP\/1.1 404/);
    expect(head).to.match(/\r\nX-Content-Type-Options: nosniff\r\n/i).and.to.match(/\r\nCache-Control: no-store\r\n/i);
  });
});
