import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";

describe("tasks API: CORS", () => {
  let server: TasksTestServer;

  afterEach(() => server.close({ removeFile: true }));

  it("answers a preflight without a token, allowing the headers a sync client sends", async () => {
    server = await startTasksTestServer();
    const res = await fetch(`${server.base}/users/@me/lists`, {
      method: "OPTIONS",
      headers: { Origin: "http://app.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,idempotency-key" },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    for (const header of ["authorization", "content-type", "idempotency-key", "if-match"]) expect(allowed).to.contain(header);
    expect(res.headers.get("access-control-allow-methods")).to.contain("PATCH");
  });

  it("lets a page on another origin read answers and their ETag, errors included", async () => {
    server = await startTasksTestServer();
    const ok = await fetch(`${server.base}/users/@me/lists`, { method: "POST", headers: server.headers(), body: JSON.stringify({ title: "x" }) });
    expect(ok.headers.get("access-control-allow-origin")).to.equal("*");
    expect(ok.headers.get("access-control-expose-headers")).to.contain("ETag");
    const refused = await fetch(`${server.base}/users/@me/lists`);
    expect(refused.status).to.equal(401);
    expect(refused.headers.get("access-control-allow-origin")).to.equal("*");
  });

  it("lets a page on another origin read Retry-After, so atmos2 waits as told after a 429 (found from outside)", async () => {
    server = await startTasksTestServer({ maxAuthFailures: 1 });
    await fetch(`${server.base}/users/@me/lists`, { headers: { Authorization: "Bearer wrong" } });
    const limited = await fetch(`${server.base}/users/@me/lists`, { headers: { Authorization: "Bearer wrong" } });
    expect(limited.status).to.equal(429);
    expect(limited.headers.get("access-control-expose-headers")).to.match(/\bRetry-After\b/);
  });

  it("adds no CORS headers when turned off", async () => {
    server = await startTasksTestServer({ cors: false });
    const res = await fetch(`${server.base}/users/@me/lists`, { headers: server.headers() });
    expect(res.status).to.equal(200);
    expect(res.headers.get("access-control-allow-origin")).to.equal(null);
  });
});
