import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startAppServer, type AppServer } from "../../../example/server/app-server";
import { main } from "../../../example/server/start";
import { rawExchange } from "../../servers/raw-http";

/**
 * Issue 13, item 4: an unauthenticated or over-limit body is refused without
 * being read. The answer says `Connection: close` and the server ends the
 * connection, though the client never sent the body it announced.
 */
describe("example server: bodies it will not take are not read", () => {
  let tmp: string;
  let app: AppServer;
  const token = "t0k";
  const HUGE = 150 * 1024 * 1024; // announced, never sent

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-bodies-"));
    app = await startAppServer({ port: 0, dataDir: tmp, token, maxBodyBytes: 10_000, staticDir: path.join(tmp, "none"), log: () => {} });
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const post = (target: string, headers: string[]) => [`POST ${target} HTTP/1.1`, `Host: localhost:${app.port}`, "Content-Type: application/json", ...headers].join("\r\n");

  it("answers 401 to an unauthenticated 150 MB upload at once, with Connection: close, and hangs up without reading it", async () => {
    const answer = await rawExchange(app.port, post("/tasks/v1/users/@me/lists", [`Content-Length: ${HUGE}`]), Buffer.alloc(64 * 1024, 120));
    expect(answer.status).to.equal(401);
    expect(answer.headers.connection).to.equal("close");
    expect(answer.closedByServer).to.equal(true);
  });

  it("does the same for a wrong token", async () => {
    const answer = await rawExchange(app.port, post("/tasks/v1/users/@me/lists", ["Authorization: Bearer wrong", `Content-Length: ${HUGE}`]));
    expect(answer.status).to.equal(401);
    expect(answer.closedByServer).to.equal(true);
  });

  it("answers 413 to a body announced over the limit before reading it", async () => {
    const answer = await rawExchange(app.port, post("/tasks/v1/users/@me/lists", [`Authorization: Bearer ${token}`, `Content-Length: ${HUGE}`]));
    expect(answer.status).to.equal(413);
    expect(answer.headers.connection).to.equal("close");
    expect(answer.closedByServer).to.equal(true);
  });

  it("answers 413 to a chunked body once it passes the limit, and stops reading there", async () => {
    const chunk = (bytes: number) => `${bytes.toString(16)}\r\n${"x".repeat(bytes)}\r\n`;
    const answer = await rawExchange(app.port, post("/tasks/v1/users/@me/lists", [`Authorization: Bearer ${token}`, "Transfer-Encoding: chunked"]), chunk(8000) + chunk(8000));
    expect(answer.status).to.equal(413);
    expect(answer.closedByServer).to.equal(true);
  });

  it("does not read a body sent to a page or to app-config.json either", async () => {
    for (const target of ["/index.html", "/app-config.json", "/nothing"]) {
      const answer = await rawExchange(app.port, post(target, [`Content-Length: ${HUGE}`]));
      expect(answer.headers.connection, target).to.equal("close");
      expect(answer.closedByServer, target).to.equal(true);
    }
  });

  it("says 100 Continue only to a request it will take", async () => {
    const expectContinue = (auth: string) => post("/tasks/v1/users/@me/lists", [auth, "Content-Length: 15", "Expect: 100-continue"]);
    const refused = await rawExchange(app.port, expectContinue("Authorization: Bearer wrong"));
    expect(refused.text).to.match(/^HTTP\/1\.1 401/);
    const taken = await rawExchange(app.port, expectContinue(`Authorization: Bearer ${token}`), "", (text) => text.startsWith("HTTP/1.1 100"));
    expect(taken.text).to.match(/^HTTP\/1\.1 100 Continue/);
  });

  // Found by an attacker's review of atmos2-server, whose /update the example serves too.
  it("says 100 Continue to POST /update only once its secret and size are accepted", async () => {
    const started = await main({ PORT: "0", DATA_DIR: path.join(tmp, "live"), TASKS_TOKEN: token, ATMOS_SECRET: "a-secret-of-16-chars" }, () => {});
    try {
      const update = (secret: string, length: number) => [`POST /update HTTP/1.1`, `Host: localhost:${started.app.port}`, `X-Atmos-Secret: ${secret}`, `Content-Length: ${length}`, "Expect: 100-continue"].join("\r\n");
      expect((await rawExchange(started.app.port, update("wrong", 15))).text).to.match(/^HTTP\/1\.1 401/);
      expect((await rawExchange(started.app.port, update("a-secret-of-16-chars", HUGE))).text).to.match(/^HTTP\/1\.1 413/);
      const taken = await rawExchange(started.app.port, update("a-secret-of-16-chars", 15), "", (text) => text.startsWith("HTTP/1.1 100"));
      expect(taken.text).to.match(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    } finally {
      await started.stop();
    }
  });

  it("keeps the connection open after an answer whose body it did read", async () => {
    const body = JSON.stringify({ title: "Kept" });
    const answer = await rawExchange(
      app.port,
      post("/tasks/v1/users/@me/lists", [`Authorization: Bearer ${token}`, `Content-Length: ${Buffer.byteLength(body)}`]),
      body,
      (text) => /\r\n\r\n\{[\s\S]*\}$/.test(text),
    );
    expect(answer.status).to.equal(200);
    expect(answer.headers.connection).to.equal("keep-alive");
    expect(answer.closedByServer).to.equal(false);
  });

  it("does not read a POST /update body sent with a wrong secret, nor one over its limit", async () => {
    const started = await main({ PORT: "0", DATA_DIR: path.join(tmp, "live"), TASKS_TOKEN: token, ATMOS_SECRET: "a-secret-of-16-chars" }, () => {});
    try {
      const update = (secret: string) => [`POST /update HTTP/1.1`, `Host: localhost:${started.app.port}`, `X-Atmos-Secret: ${secret}`, `Content-Length: ${HUGE}`].join("\r\n");
      const wrong = await rawExchange(started.app.port, update("wrong"));
      expect(wrong.status).to.equal(401);
      expect(wrong.closedByServer).to.equal(true);
      const tooLarge = await rawExchange(started.app.port, update("a-secret-of-16-chars"));
      expect(tooLarge.status).to.equal(413);
      expect(tooLarge.closedByServer).to.equal(true);
    } finally {
      await started.stop();
    }
  });
});
