import { expect } from "chai";
import { RawWebSocket } from "../fakes/raw-websocket";
import { createLiveServer, LiveLogEvent } from "../../server/live";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function rawReady(url: string, channels: string[]): Promise<RawWebSocket> {
  const raw = await RawWebSocket.connect(url);
  raw.sendText(JSON.stringify({ type: "auth", token: "t", channels }));
  const ready = JSON.parse(await raw.nextText()) as { type: string };
  expect(ready.type).to.equal("ready");
  return raw;
}

describe("live server limits", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  it("drops a client that stops reading once its unsent bytes pass the cap, and keeps serving the others", async () => {
    const events: LiveLogEvent[] = [];
    const cap = 1024 * 1024;
    fixture = await startLive({ maxBufferedBytes: cap, replayLimit: 10, log: (e) => events.push(e) });
    const slow = await rawReady(fixture.wsUrl, ["c"]);
    const healthy = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    slow.pause();
    const notes = "x".repeat(32 * 1024);
    let published = 0;
    // Bounded: 5,000 changes of 32 KiB is far more than loopback buffers hold.
    while (!events.some((e) => e.type === "dropped") && published < 5000) {
      await fixture.live.hub.publish("c", { type: "updated", collection: "tasks", id: String(published), attrs: { notes } });
      published++;
      await nextTick();
    }
    const dropped = events.find((e) => e.type === "dropped") as Extract<LiveLogEvent, { type: "dropped" }> | undefined;
    expect(dropped, "the slow client was dropped").to.not.equal(undefined);
    expect(dropped!.reason).to.equal("slow");
    expect(dropped!.bufferedAmount).to.be.at.most(cap + notes.length + 200);
    // The server forgot the slow socket at once (its paused reader only notices the end later).
    expect(fixture.live.connections).to.equal(1);
    slow.destroy();
    const got = await healthy.changes(published);
    expect(got[published - 1].seq).to.equal(published);
    expect(healthy.isOpen).to.equal(true);
    await healthy.close();
  });

  it("sends a client that reads a replay larger than the cap all of it, without dropping it as slow", async () => {
    const events: LiveLogEvent[] = [];
    const cap = 1024 * 1024;
    fixture = await startLive({ maxBufferedBytes: cap, replayLimit: 1000, replayBytes: 16 * 1024 * 1024, log: (e) => events.push(e) });
    const first = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    const epoch = (first.messages[0] as { epoch: string }).epoch;
    await first.close();
    // While it is away: 300 changes of 32 KiB, nine times the cap.
    const notes = "x".repeat(32 * 1024);
    for (let i = 1; i <= 300; i++) await fixture.live.hub.publish("c", { type: "updated", collection: "tasks", id: `t${i}`, attrs: { id: `t${i}`, notes } });
    const back = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 0 }, epoch });
    const got = await back.changes(300);
    expect(got.map((m) => m.seq)).to.deep.equal(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(events.filter((e) => e.type === "dropped")).to.deep.equal([]);
    // Live changes go on after it.
    await fixture.live.hub.publish("c", { type: "updated", collection: "tasks", id: "t301", attrs: { id: "t301" } });
    expect((await back.changes(1))[0].seq).to.equal(301);
    await back.close();
  });

  it("drops a socket that stops answering pings, and keeps one that answers", async () => {
    const events: LiveLogEvent[] = [];
    fixture = await startLive({ heartbeatMs: 250, log: (e) => events.push(e) });
    const dead = await rawReady(fixture.wsUrl, ["c"]);
    const alive = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    await dead.closed;
    expect(events.filter((e) => e.type === "dropped").map((e) => (e as { reason: string }).reason)).to.deep.equal(["dead"]);
    expect(alive.isOpen).to.equal(true);
    await fixture.live.hub.publish("c", { type: "deleted", collection: "tasks", id: "1" });
    expect((await alive.changes(1))[0].seq).to.equal(1);
    await alive.close();
  });

  it("closes a socket that sends a message over the size limit with 1009", async () => {
    fixture = await startLive({ maxPayload: 1024 });
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    socket.send({ type: "sync", method: "create", collection: "tasks", model: { notes: "x".repeat(4096) }, requestId: 1 });
    expect((await socket.closed).code).to.equal(1009);
  });

  it("closes every socket with 1001 on shutdown", async () => {
    fixture = await startLive();
    const a = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    const b = await TestSocket.open(fixture.wsUrl); // not yet authenticated
    await fixture.live.close();
    expect((await a.closed).code).to.equal(1001);
    expect((await b.closed).code).to.equal(1001);
  });

  it("refuses bad options with a message naming them", async () => {
    expect(() => createLiveServer({} as never)).to.throw(/authenticate/);
    expect(() => createLiveServer({ authenticate: () => "*", replayLimit: -1 })).to.throw(/replayLimit/);
  });

  // Found by a new user: path "live" was taken, and every socket to /live then got a 404;
  // server: {} threw "options.server?.on is not a function".
  it("refuses a path without its leading slash, and a server that is no http.Server, naming them", () => {
    expect(() => createLiveServer({ authenticate: () => "*", path: "live" })).to.throw('createLiveServer: path must start with "/", such as "/live" (got "live")');
    expect(() => createLiveServer({ authenticate: () => "*", server: {} as never })).to.throw("createLiveServer: server must be a Node http.Server (or https), such as http.createServer(); got an object without on()");
  });

  it("refuses a misspelled option, naming it and the options there are (a `secrett` turned /update off without a word)", () => {
    expect(() => createLiveServer({ authenticate: () => "*", secrett: "x" } as never)).to.throw(
      /^createLiveServer: secrett is not an option; the options are server, path, authenticate, secret, /,
    );
  });
});
