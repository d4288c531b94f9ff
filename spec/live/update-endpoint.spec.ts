import * as zlib from "zlib";
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLiveServer } from "../../server/live";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

const change = { type: "created", collection: "tasks", id: "t1", attrs: { id: "t1", title: "Buy milk" } };

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/update`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { seq?: number; error?: string } };
}

describe("POST /update from a backend", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  it("is off (404) when no secret is configured", async () => {
    fixture = await startLive();
    const res = await post(fixture.url, { channel: "c", changes: [change] }, { "X-Atmos-Secret": "anything" });
    expect(res.status).to.equal(404);
    expect(res.body.error).to.contain("ATMOS_SECRET");
  });

  it("answers 401 to a wrong or missing secret and publishes nothing", async () => {
    fixture = await startLive({ secret: "s3cret" });
    expect((await post(fixture.url, { channel: "c", changes: [change] }, { "X-Atmos-Secret": "guess" })).status).to.equal(401);
    expect((await post(fixture.url, { channel: "c", changes: [change] })).status).to.equal(401);
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    expect(socket.messages[0]).to.deep.include({ seq: { c: 0 } });
    await socket.close();
  });

  // Found from outside: 25 wrong secrets got 25 answers of 401, never a pause;
  // short secrets are allowed on loopback (--help's example is "s3cret").
  it("answers 429 with Retry-After once an address sent maxAuthFailures wrong secrets, without checking the next one, and counts them apart from the failed auths of /live", async () => {
    fixture = await startLive({ secret: "s3cret", maxAuthFailures: 3, authenticate: (token) => (token === "t" ? ["c"] : null) });
    for (let i = 0; i < 2; i++) expect((await post(fixture.url, { channel: "c", changes: [change] }, { "X-Atmos-Secret": `guess-${i}` })).status).to.equal(401);
    const refused = await TestSocket.open(fixture.wsUrl);
    refused.send({ type: "auth", token: "wrong" });
    expect((await refused.closed).code).to.equal(4401);
    expect((await post(fixture.url, { channel: "c", changes: [change] }, { "X-Atmos-Secret": "guess-2" })).status, "the third wrong secret").to.equal(401);
    const res = await fetch(`${fixture.url}/update`, { method: "POST", headers: { "Content-Type": "application/json", "X-Atmos-Secret": "s3cret" }, body: JSON.stringify({ channel: "c", changes: [change] }) });
    expect(res.status).to.equal(429);
    expect(Number(res.headers.get("retry-after"))).to.be.within(1, 60);
    expect(((await res.json()) as { error: string }).error).to.match(/too many wrong secrets from this address \(3 in 60 s\); this secret was not checked/);
  });

  it("refuses with 400 a change whose attrs nest too deep to send, uses no seq for it, and stays up for the replay", async () => {
    fixture = await startLive({ secret: "s3cret" });
    // (Past 1000 levels a body is refused before parsing: see cli-lockouts.spec.ts.)
    const depth = 600;
    const attrs = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const body = `{"channel":"c","changes":[{"type":"created","collection":"tasks","id":"1","attrs":${attrs}}]}`;
    const refused = await post(fixture.url, body, { "X-Atmos-Secret": "s3cret" });
    expect(refused.status).to.equal(400);
    expect(refused.body.error).to.contain("changes[0].attrs");
    expect((await post(fixture.url, { channel: "c", changes: [change] }, { "X-Atmos-Secret": "s3cret" })).body).to.deep.equal({ seq: 1 });
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 0 } });
    const [replayed] = await socket.changes(1);
    expect([replayed.seq, replayed.change.id]).to.deep.equal([1, "t1"]);
    await socket.close();
  });

  it("publishes the batch to the channel's sockets and answers 202 with the last seq", async () => {
    fixture = await startLive({ secret: "s3cret" });
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    const second = { ...change, type: "updated", attrs: { id: "t1", title: "Buy oat milk" } };
    const res = await post(fixture.url, { channel: "c", changes: [change, second] }, { "X-Atmos-Secret": "s3cret" });
    expect(res).to.deep.equal({ status: 202, body: { seq: 2 } });
    const got = await socket.changes(2);
    expect(got.map((m) => [m.seq, m.change.type])).to.deep.equal([[1, "created"], [2, "updated"]]);
    expect(got[1].change.attrs).to.deep.equal({ id: "t1", title: "Buy oat milk" });
    await socket.close();
  });

  const bad: Array<[string, unknown, string]> = [
    ["a body that is not JSON", "{nope", "JSON"],
    ["a missing channel", { changes: [change] }, "channel"],
    ["an empty change list", { channel: "c", changes: [] }, "changes"],
    ["a change of unknown type", { channel: "c", changes: [{ ...change, type: "patched" }] }, "changes[0].type"],
    ["a change without id", { channel: "c", changes: [change, { type: "deleted", collection: "tasks" }] }, "changes[1].id"],
    ["a change without collection", { channel: "c", changes: [{ type: "deleted", id: "1" }] }, "changes[0].collection"],
    ["attrs that are not an object", { channel: "c", changes: [{ ...change, attrs: [1] }] }, "changes[0].attrs"],
  ];
  for (const [what, body, field] of bad) {
    it(`answers 400 naming ${field} for ${what}`, async () => {
      fixture = await startLive({ secret: "s3cret" });
      const res = await post(fixture.url, body, { "X-Atmos-Secret": "s3cret" });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.contain(field);
    });
  }

  it("answers 413 to a body over the size limit", async () => {
    fixture = await startLive({ secret: "s3cret", maxBodyBytes: 1000 });
    const big = { channel: "c", changes: [{ ...change, attrs: { id: "t1", notes: "x".repeat(5000) } }] };
    expect((await post(fixture.url, big, { "X-Atmos-Secret": "s3cret" })).status).to.equal(413);
  });

  // Found by an attack review: a gzipped body (Content-Encoding: gzip) was
  // answered 202 as if its bytes were read; a backend that compresses its
  // requests is told what to change, as the Tasks API tells it (415).
  it("refuses a compressed body with 415 naming its Content-Encoding, and publishes nothing", async () => {
    fixture = await startLive({ secret: "s3cret" });
    const res = await fetch(`${fixture.url}/update`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Encoding": "gzip", "X-Atmos-Secret": "s3cret" },
      body: zlib.gzipSync(JSON.stringify({ channel: "c", changes: [change] })),
    });
    expect(res.status).to.equal(415);
    expect(((await res.json()) as { error: string }).error).to.match(/Content-Encoding: gzip.*uncompressed/);
    expect((await post(fixture.url, { channel: "c", changes: [change] }, { "X-Atmos-Secret": "s3cret", "Content-Encoding": "identity" })).body, "the first seq still free").to.deep.equal({ seq: 1 });
  });

  it("takes only POST", async () => {
    fixture = await startLive({ secret: "s3cret" });
    const res = await fetch(`${fixture.url}/update`, { headers: { "X-Atmos-Secret": "s3cret" } });
    expect(res.status).to.equal(405);
  });
});

describe("a server without a request handler of its own", () => {
  let server: http.Server;
  let live: ReturnType<typeof createLiveServer>;
  let base: string;
  beforeEach(async () => {
    server = http.createServer();
    live = createLiveServer({ server, authenticate: () => "*", secret: "s" });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await live.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("has POST /update answered by the live server alone", async () => {
    const res = await post(base, { channel: "c", changes: [change] }, { "X-Atmos-Secret": "s" });
    expect(res).to.deep.equal({ status: 202, body: { seq: 1 } });
  });

  it("answers every other request 404 instead of leaving it hanging", async () => {
    for (const [method, path] of [["GET", "/"], ["GET", "/health"], ["POST", "/elsewhere"]]) {
      const res = await fetch(`${base}${path}`, { method, signal: AbortSignal.timeout(3000) });
      expect(res.status, `${method} ${path}`).to.equal(404);
      await res.text();
    }
  });

  it("leaves requests to a handler the app adds later", async () => {
    server.on("request", (_req, res) => res.end("the app's own"));
    const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(3000) });
    expect(await res.text()).to.equal("the app's own");
  });
});
