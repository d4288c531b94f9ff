import { expect } from "chai";
import WebSocket from "ws";
import type { Authenticate } from "../../server/live";
import { MemoryChangeLog } from "../../server/live/memory-change-log";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/** The upgrade answer to a socket the server will not take (status and body), or "open". */
function upgradeAnswer(url: string): Promise<{ status: number; body: string } | "open"> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => {
      ws.close();
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once("error", (error) => reject(error));
  });
}

describe("live server: memory stays bounded", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  // authenticate names the user, as the example server does ({ channels, user }).
  const byToken = (token: string) => ({ channels: [`user:${token}`], user: token });

  it("refuses a socket past the total cap with 503 before upgrading, and takes one again once a socket closes", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnections: 2 });
    const a = await TestSocket.ready(fixture.wsUrl, { token: "alice" });
    const b = await TestSocket.ready(fixture.wsUrl, { token: "bob" });
    const refused = await upgradeAnswer(fixture.wsUrl);
    expect(refused).to.not.equal("open");
    expect((refused as { status: number }).status).to.equal(503);
    expect((refused as { body: string }).body).to.contain("maximum of 2 connections");
    await b.close();
    expect(fixture.live.connections).to.equal(1);
    expect(await upgradeAnswer(fixture.wsUrl)).to.equal("open");
    await a.close();
  });

  it("counts a socket that has not authenticated while there is room, and lets a newcomer take its place once full", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnections: 3 });
    const a = await TestSocket.ready(fixture.wsUrl, { token: "alice" });
    const b = await TestSocket.open(fixture.wsUrl); // not even authenticated: it still holds a place
    const c = await TestSocket.open(fixture.wsUrl);
    expect(fixture.live.connections).to.equal(3);
    expect(b.isOpen && c.isOpen).to.equal(true);
    const d = await TestSocket.ready(fixture.wsUrl, { token: "dave" }); // full: the oldest silent socket gives way
    expect((await b.closed).code).to.equal(1013);
    expect(a.isOpen && c.isOpen && d.isOpen).to.equal(true);
    expect(fixture.live.connections).to.equal(3);
    for (const socket of [a, c, d]) await socket.close();
  });

  it("closes one user's socket past the per-user cap with 1013, while another user still connects", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnectionsPerUser: 2 });
    const first = await TestSocket.ready(fixture.wsUrl, { token: "alice" });
    const second = await TestSocket.ready(fixture.wsUrl, { token: "alice" });
    const third = await TestSocket.open(fixture.wsUrl);
    third.send({ type: "auth", token: "alice" });
    const error = await third.next();
    expect(error).to.deep.include({ type: "error" });
    expect((error as { message: string }).message).to.contain("already holds 2 live connections");
    expect((await third.closed).code).to.equal(1013);
    const bob = await TestSocket.ready(fixture.wsUrl, { token: "bob" });
    await first.close();
    const again = await TestSocket.ready(fixture.wsUrl, { token: "alice" });
    for (const socket of [second, bob, again]) await socket.close();
  });

  // Found by an attack on the live server: users were counted by identity,
  // and an authenticate that returns the user's record (a new object per
  // token check) made the cap count nothing: 150 sockets for one user.
  it("counts a user given as a record by its id, a new object at each token check", async () => {
    const asRecord: Authenticate = (token) => ({ channels: ["c"], user: { id: token, name: `user ${token}` } });
    fixture = await startLive({ authenticate: asRecord, maxConnectionsPerUser: 2 });
    const held = [await TestSocket.ready(fixture.wsUrl, { token: "alice" }), await TestSocket.ready(fixture.wsUrl, { token: "alice" })];
    const third = await TestSocket.open(fixture.wsUrl);
    third.send({ type: "auth", token: "alice" });
    expect(((await third.next()) as { message: string }).message).to.contain("already holds 2 live connections");
    expect((await third.closed).code).to.equal(1013);
    const bob = await TestSocket.ready(fixture.wsUrl, { token: "bob" });
    for (const socket of [...held, bob]) await socket.close();
  });

  it("gives a user's slot back when a socket admitted for them is then refused a channel", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnectionsPerUser: 1 });
    const refused = await TestSocket.open(fixture.wsUrl);
    refused.send({ type: "auth", token: "alice", channels: ["user:bob"] });
    expect(await refused.next()).to.deep.include({ type: "error" });
    expect((await refused.closed).code).to.equal(4403);
    const admitted = await TestSocket.ready(fixture.wsUrl, { token: "alice" });
    expect(admitted.isOpen).to.equal(true);
    await admitted.close();
  });

  it("does not count sockets whose authenticate names no user against any per-user cap", async () => {
    fixture = await startLive({ authenticate: () => ["c"], maxConnectionsPerUser: 1 });
    const sockets = [await TestSocket.ready(fixture.wsUrl, { token: "t" }), await TestSocket.ready(fixture.wsUrl, { token: "t" })];
    expect(sockets.every((s) => s.isOpen)).to.equal(true);
    for (const socket of sockets) await socket.close();
  });

  it("drops an idle channel's replay log, so a client coming back after that resyncs instead of replaying", async () => {
    fixture = await startLive({ replayIdleMs: 100 });
    const change = { type: "updated" as const, collection: "tasks", id: "1", attrs: { id: "1" } };
    await fixture.live.hub.publish("quiet", change);
    await fixture.live.hub.publish("quiet", change);
    const soon = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["quiet"], since: { quiet: 1 }, epoch: fixture.live.hub.epoch });
    expect((await soon.next()).type).to.equal("change"); // replayed from the log
    await soon.close();
    await new Promise((resolve) => setTimeout(resolve, 250)); // past the idle time and a sweep
    const late = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["quiet"], since: { quiet: 1 }, epoch: fixture.live.hub.epoch });
    expect(await late.next()).to.deep.equal({ type: "resync", channel: "quiet", seq: 2 });
    // Numbering goes on where it was: nobody is told an old seq again.
    expect(await fixture.live.hub.publish("quiet", change)).to.equal(3);
    await late.close();
  });

  it("keeps the logs of channels that are written to, and empties those that went quiet", async () => {
    let now = 0;
    const log = new MemoryChangeLog(1000, 60_000, () => now);
    await log.start(() => {});
    const change = { type: "deleted" as const, collection: "tasks", id: "x" };
    for (let user = 0; user < 50; user++) await log.append(`user:${user}`, [change, change]);
    expect(log.retained).to.equal(100);
    now = 30_000;
    await log.append("user:0", [change]);
    now = 61_000;
    log.sweep();
    expect(log.retained).to.equal(3);
    expect((await log.read("user:0", 0)).entries).to.have.length(3);
    expect(await log.read("user:7", 0)).to.deep.equal({ current: 2, entries: null });
    await log.close();
  });
});
