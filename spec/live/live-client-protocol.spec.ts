import { expect } from "chai";
import type { AddressInfo } from "node:net";
import { WebSocketServer, WebSocket } from "ws";
import { LiveClient } from "../../lib/live/live-client";
import type { AuthMessage, LiveChange, ServerMessage } from "../../lib/live/live-protocol";
import { reconnectDelay } from "../../lib/live/reconnect-backoff";
import { FakeLiveHost } from "../fakes/fake-live-host";
import { RecordingClock } from "../fakes/recording-clock";

const change = (id: string): LiveChange => ({ type: "created", collection: "tasks", id });

/** A real WebSocket server on port 0 that plays a script, for what a correct atmos2-server never sends. */
async function scriptedServer(script: (ws: WebSocket, auth: AuthMessage, n: number) => void) {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const auths: AuthMessage[] = [];
  wss.on("connection", (ws) => {
    ws.once("message", (data) => {
      const auth = JSON.parse(data.toString()) as AuthMessage;
      auths.push(auth);
      script(ws, auth, auths.length);
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/live`,
    auths,
    close: () => new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => resolve());
    }),
  };
}

const send = (ws: WebSocket, message: ServerMessage) => ws.send(JSON.stringify(message));

describe("live client against a scripted server", () => {
  let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
  let live: LiveClient | undefined;
  afterEach(async () => {
    live?.disconnect();
    await server?.close();
  });

  it("applies a change once even when the server sends its seq twice", async () => {
    server = await scriptedServer((ws) => {
      send(ws, { type: "ready", channels: ["c"], seq: { c: 0 }, epoch: "e1" });
      send(ws, { type: "change", channel: "c", seq: 1, change: change("a") });
      send(ws, { type: "change", channel: "c", seq: 1, change: change("a") });
      send(ws, { type: "change", channel: "c", seq: 2, change: change("b") });
    });
    const host = new FakeLiveHost();
    live = new LiveClient(host);
    await live.connect(server.url, { token: "t" });
    await host.waitFor(() => host.count("live:change") === 2);
    expect(host.applied.map((c) => c.id)).to.deep.equal(["a", "b"]);
  });

  // Found by a live review in Chromium: a change a (broken or hostile)
  // server sent before its ready was applied, though the protocol allows
  // nothing before ready; it is skipped, and said once.
  it("skips a change sent before ready, saying so, and applies those after it", async () => {
    server = await scriptedServer((ws) => {
      send(ws, { type: "change", channel: "c", seq: 1, change: change("early") });
      send(ws, { type: "ready", channels: ["c"], seq: { c: 1 }, epoch: "e1" });
      send(ws, { type: "change", channel: "c", seq: 2, change: change("after") });
    });
    const host = new FakeLiveHost();
    live = new LiveClient(host);
    await live.connect(server.url, { token: "t" });
    await host.waitFor(() => host.count("live:change") === 1);
    expect(host.applied.map((c) => c.id)).to.deep.equal(["after"]);
    expect(host.events.filter((e) => e.event === "live:error").map((e) => String((e.payload as { error: Error }).error.message))).to.deep.equal([
      "live: the server sent a change before ready (the protocol allows nothing before it): skipped",
    ]);
  });

  it("reconnects from its last seq when it sees a hole, instead of applying past it", async () => {
    server = await scriptedServer((ws, auth, n) => {
      if (n === 1) {
        send(ws, { type: "ready", channels: ["c"], seq: { c: 0 }, epoch: "e1" });
        send(ws, { type: "change", channel: "c", seq: 1, change: change("a") });
        send(ws, { type: "change", channel: "c", seq: 3, change: change("c") });
      } else {
        send(ws, { type: "ready", channels: ["c"], seq: { c: 3 }, epoch: "e1" });
        send(ws, { type: "change", channel: "c", seq: 2, change: change("b") });
        send(ws, { type: "change", channel: "c", seq: 3, change: change("c") });
      }
    });
    const host = new FakeLiveHost();
    live = new LiveClient(host);
    await live.connect(server.url, { token: "t" });
    await host.waitFor(() => host.applied.length === 3);
    expect(host.applied.map((c) => c.id)).to.deep.equal(["a", "b", "c"]);
    expect(server.auths[1]).to.deep.include({ since: { c: 1 }, epoch: "e1" });
  });

  it("sends the epoch and seqs it kept, and forgets them when the server's epoch changed", async () => {
    server = await scriptedServer((ws, auth, n) => {
      send(ws, { type: "ready", channels: ["c"], seq: { c: n === 1 ? 4 : 1 }, epoch: n === 1 ? "e1" : "e2" });
      if (n === 2) send(ws, { type: "resync", channel: "c", seq: 1 });
    });
    const host = new FakeLiveHost();
    live = new LiveClient(host);
    await live.connect(server.url, { token: "t", channels: ["c"] });
    expect(live.seq).to.deep.equal({ c: 4 });
    live.disconnect();
    await live.connect(server.url, { token: "t", channels: ["c"] });
    await host.waitFor(() => host.pulls.length === 1);
    expect(server.auths[1]).to.deep.include({ since: { c: 4 }, epoch: "e1" });
    expect(live.seq).to.deep.equal({ c: 1 });
    expect(await host.store.get("atmos2:live:epoch")).to.equal("e2");
  });

  // Found by a new user: atmos2-server's 1013 ("too many failed auths … try again in 60 s")
  // left connect() pending, retrying, and the app heard nothing at all.
  it("says why the server let the socket go before accepting it (1013, 1011), once per reason, and keeps trying", async () => {
    let accept = false;
    server = await scriptedServer((ws, auth, n) => {
      if (accept) return send(ws, { type: "ready", channels: ["c"], seq: { c: 0 }, epoch: "e" });
      if (n <= 2) {
        send(ws, { type: "error", message: "too many failed auths from this address (20); this token was not checked; try again in 60 s" });
        return ws.close(1013, "try again later");
      }
      ws.close(1011, "backend down");
    });
    const clock = new RecordingClock();
    const host = new FakeLiveHost();
    live = new LiveClient(host, { clock, random: () => 0.5, backoff: { initialMs: 100, maxMs: 400 } });
    const connected = live.connect(server.url, { token: "t" });
    await clock.waitForDelays(4);
    const errors = host.events.filter((e) => e.event === "live:error").map((e) => e.payload as { error: Error; code?: number });
    expect(errors.map((e) => e.code)).to.deep.equal([1013, 1011]);
    expect(errors[0].error.message).to.contain("close code 1013").and.contain("try again in 60 s").and.contain("retrying");
    expect(errors[1].error.message).to.contain("close code 1011").and.contain("backend down");
    accept = true;
    await connected;
  });

  describe("a broken or hostile server (found by a hostile-server review)", () => {
    const raw = (ws: WebSocket, text: string) => ws.send(text);
    const errors = (host: FakeLiveHost) => host.events.filter((e) => e.event === "live:error").map((e) => (e.payload as { error: Error }).error.message);

    it("reports a frame of JSON null, or a ready without seqs, and connects on the next try (a null frame ended the Node process)", async () => {
      server = await scriptedServer((ws, auth, n) => {
        if (n === 1) return raw(ws, "null");
        if (n === 2) return raw(ws, JSON.stringify({ type: "ready", channels: ["c"], seq: null, epoch: "e" }));
        send(ws, { type: "ready", channels: ["c"], seq: { c: 0 }, epoch: "e" });
        send(ws, { type: "change", channel: "c", seq: 1, change: change("a") });
      });
      const host = new FakeLiveHost();
      live = new LiveClient(host, { clock: new RecordingClock(), random: () => 0.5, backoff: { initialMs: 100, maxMs: 400 } });
      await live.connect(server.url, { token: "t" });
      await host.waitFor(() => host.applied.length === 1);
      expect(errors(host)).to.deep.equal(['live: the server sent null, not a message with a "type"', 'live: the server sent a "ready" frame whose "seq" is not an object of channel → whole number']);
      expect(server.auths).to.have.length(3);
    });

    it("skips a change whose seq is not a whole number, and does not apply an earlier seq again after it", async () => {
      server = await scriptedServer((ws) => {
        send(ws, { type: "ready", channels: ["c"], seq: { c: 0 }, epoch: "e" });
        send(ws, { type: "change", channel: "c", seq: 1, change: change("a") });
        raw(ws, JSON.stringify({ type: "change", channel: "c", seq: "x", change: change("b") }));
        send(ws, { type: "change", channel: "c", seq: 1, change: change("a") });
        send(ws, { type: "change", channel: "c", seq: 2, change: change("c") });
      });
      const host = new FakeLiveHost();
      live = new LiveClient(host);
      await live.connect(server.url, { token: "t" });
      await host.waitFor(() => host.applied.length === 2);
      expect(host.applied.map((c) => c.id)).to.deep.equal(["a", "c"]);
      expect(errors(host)).to.deep.equal(['live: the server sent a "change" frame without a "channel" and a whole-number "seq" from 1']);
      expect(live.seq).to.deep.equal({ c: 2 });
    });

    it("reconnects after a hole in the seqs at once the first time, then with backoff (a server always skipping one got 1,022 connections a second)", async () => {
      server = await scriptedServer((ws) => {
        send(ws, { type: "ready", channels: ["c"], seq: { c: 0 }, epoch: "e" });
        send(ws, { type: "change", channel: "c", seq: 5, change: change("e") });
      });
      const clock = new RecordingClock();
      const host = new FakeLiveHost();
      live = new LiveClient(host, { clock, random: () => 0.5, backoff: { initialMs: 100, maxMs: 400 } });
      await live.connect(server.url, { token: "t" });
      await clock.waitForDelays(3);
      live.disconnect();
      expect(clock.delays.slice(0, 3)).to.deep.equal([75, 150, 300]);
      expect(server.auths.length).to.be.at.most(5);
    });

    it("pulls once for a run of resync frames that came in together, not once per frame (200 resyncs made 200 pulls)", async () => {
      server = await scriptedServer((ws) => {
        send(ws, { type: "ready", channels: ["c"], seq: { c: 0 }, epoch: "e" });
        for (let i = 1; i <= 50; i++) send(ws, { type: "resync", channel: "c", seq: i });
      });
      const host = new FakeLiveHost();
      live = new LiveClient(host);
      await live.connect(server.url, { token: "t" });
      await host.waitFor(() => host.count("live:resync") === 50);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // The first frame may be read alone: its pull, then one for all that came meanwhile.
      expect(host.pulls.length).to.be.within(1, 2);
      expect(live.seq).to.deep.equal({ c: 50 });
    });
  });

  it("backs off longer after each failed attempt, with jitter, and starts over once connected", async () => {
    let accept = false;
    let current: WebSocket | undefined;
    server = await scriptedServer((ws) => {
      if (!accept) return ws.close(1011, "not yet");
      current = ws;
      send(ws, { type: "ready", channels: ["c"], seq: { c: 0 }, epoch: "e" });
    });
    const clock = new RecordingClock();
    const host = new FakeLiveHost();
    live = new LiveClient(host, { clock, random: () => 0.5, backoff: { initialMs: 100, maxMs: 400 } });
    const connected = live.connect(server.url, { token: "t" });
    await clock.waitForDelays(4);
    accept = true;
    await connected;
    current!.close(1011, "restarting");
    await clock.waitForDelays(5);
    expect(clock.delays).to.deep.equal([75, 150, 300, 300, 75]);
  });
});

describe("reconnect backoff", () => {
  const cases: Array<[number, number, number]> = [
    // attempt, random, expected ms (initial 500, max 30,000)
    [0, 0, 250],
    [0, 0.999, 500],
    [1, 0, 500],
    [3, 0.5, 3000],
    [6, 1, 30000],
    [20, 0, 15000],
  ];
  for (const [attempt, random, expected] of cases) {
    it(`waits ${expected} ms before attempt ${attempt + 1} when the jitter draws ${random}`, () => {
      expect(reconnectDelay(attempt, random)).to.equal(expected);
    });
  }
});
