import { expect } from "chai";
import { startFaultProxy, type FaultProxy, type FaultSchedule } from "../../servers/fault-proxy";
import { tasksClient } from "../../servers/tasks-client";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";

describe("test server: fault proxy and tasks test server", () => {
  let upstream: TasksTestServer;
  let proxy: FaultProxy;

  async function start(schedule: FaultSchedule) {
    upstream = await startTasksTestServer();
    proxy = await startFaultProxy(upstream.url, schedule);
    return tasksClient({ base: `${proxy.url}/tasks/v1`, token: upstream.token });
  }
  afterEach(async () => {
    await proxy.close();
    await upstream.close({ removeFile: true });
  });

  it("passes requests through untouched when the schedule has no fault", async () => {
    const api = await start(() => undefined);
    const list = await api.createList("Through");
    expect(list.title).to.equal("Through");
    expect(proxy.forwarded).to.equal(1);
    expect(upstream.requests.map((r) => [r.method, r.path])).to.deep.equal([["POST", "/tasks/v1/users/@me/lists"]]);
    expect(upstream.requests[0].body).to.deep.equal({ title: "Through" });
    expect(upstream.requests[0].headers.authorization).to.equal(`Bearer ${upstream.token}`);
  });

  it("drop-request: the client sees a network error and the server never sees the request", async () => {
    const api = await start((_req, n) => (n === 1 ? "drop-request" : undefined));
    let error: unknown;
    await api.call("POST", "/users/@me/lists", { title: "Lost" }).catch((err) => (error = err));
    expect(error).to.be.instanceOf(Error);
    expect(proxy.forwarded).to.equal(0);
    expect(upstream.changes).to.deep.equal([]);
  });

  it("drop-response: the server commits, the client sees a network error", async () => {
    const api = await start((req) => (req.method === "POST" ? "drop-response" : undefined));
    let error: unknown;
    await api.call("POST", "/users/@me/lists", { title: "Landed" }).catch((err) => (error = err));
    expect(error).to.be.instanceOf(Error);
    expect(upstream.changes.map((c) => c.attrs.title)).to.deep.equal(["Landed"]);
    expect((await api.all("/users/@me/lists")).map((l) => l.title)).to.deep.equal(["Landed"]);
  });

  it("answers a scripted status or an HTML error page without forwarding", async () => {
    const api = await start((_req, n) => (n === 1 ? { status: 503, body: { error: "busy" } } : n === 2 ? "html-error" : undefined));
    const busy = await api.call("GET", "/users/@me/lists");
    expect(busy.status).to.equal(503);
    expect(busy.body).to.deep.equal({ error: "busy" });
    const html = await api.call("GET", "/users/@me/lists");
    expect(html.status).to.equal(500);
    expect(html.headers.get("content-type")).to.contain("text/html");
    expect(proxy.forwarded).to.equal(0);
    expect(proxy.received).to.equal(2);
  });

  it("bad-json: the change is made but the answer cannot be parsed", async () => {
    const api = await start((req) => (req.method === "POST" ? "bad-json" : undefined));
    const answer = await api.call("POST", "/users/@me/lists", { title: "Garbled" });
    expect(answer.status).to.equal(200);
    expect(() => JSON.parse(answer.text)).to.throw();
    expect(upstream.changes).to.have.length(1);
  });

  it("delays a request and then forwards it", async () => {
    const api = await start((_req, n) => (n === 1 ? { delayMs: 20 } : undefined));
    expect((await api.call("GET", "/users/@me/lists")).status).to.equal(200);
    expect(proxy.forwarded).to.equal(1);
  });

  it("lets a spec heal the network by replacing the schedule", async () => {
    const api = await start(() => "drop-request");
    await api.call("GET", "/users/@me/lists").catch(() => undefined);
    proxy.setSchedule(() => undefined);
    expect((await api.call("GET", "/users/@me/lists")).status).to.equal(200);
    expect(proxy.log.map((e) => e.fault ?? "none")).to.deep.equal(["drop-request", "none"]);
  });
});
