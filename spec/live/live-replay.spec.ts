import { expect } from "chai";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

const change = (id: string) => ({ type: "updated" as const, collection: "tasks", id, attrs: { id } });
const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => String(from + i));

describe("live server replay after a reconnect", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  it("sends every change missed since the client's last seq, in order, after ready", async () => {
    fixture = await startLive({ replayLimit: 50 });
    const first = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    await fixture.live.hub.publish("c", ids(3).map(change));
    const seen = await first.changes(3);
    await first.close();
    await fixture.live.hub.publish("c", ids(4, 4).map(change));

    const again = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: seen[2].seq } });
    expect(again.messages[0]).to.deep.include({ type: "ready", seq: { c: 7 } });
    const replayed = await again.changes(4);
    expect(replayed.map((m) => m.seq)).to.deep.equal([4, 5, 6, 7]);
    await fixture.live.hub.publish("c", change("8"));
    expect((await again.changes(1))[0].seq).to.equal(8);
    await again.close();
  });

  it("neither skips nor repeats a change published while the replay is being read", async () => {
    fixture = await startLive({ replayLimit: 500 });
    await fixture.live.hub.publish("c", ids(100).map(change));
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "t", channels: ["c"], since: { c: 10 } });
    // Publish concurrently with the authentication and replay.
    const publishing = Promise.all(ids(50, 101).map((id) => fixture.live.hub.publish("c", change(id))));
    await publishing;
    const ready = await socket.next();
    expect(ready.type).to.equal("ready");
    const readySeq = (ready as { seq: Record<string, number> }).seq.c;
    const got = await socket.changes(150 - 10);
    expect(got.map((m) => m.seq)).to.deep.equal(ids(140, 11).map(Number));
    expect(readySeq).to.be.at.least(100);
    await socket.close();
  });

  it("asks the client to resync when the missed changes are older than the replay log", async () => {
    fixture = await startLive({ replayLimit: 5 });
    await fixture.live.hub.publish("c", ids(20).map(change));
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 3 } });
    expect(await socket.next()).to.deep.equal({ type: "resync", channel: "c", seq: 20 });
    await fixture.live.hub.publish("c", change("21"));
    expect((await socket.changes(1))[0].seq).to.equal(21);
    await socket.close();
  });

  it("replays from the oldest change still kept when the client is just inside the log", async () => {
    fixture = await startLive({ replayLimit: 5 });
    await fixture.live.hub.publish("c", ids(20).map(change));
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 15 } });
    expect((await socket.changes(5)).map((m) => m.seq)).to.deep.equal([16, 17, 18, 19, 20]);
    await socket.close();
  });

  it("asks for a resync when the client counts from another server epoch or from the future", async () => {
    fixture = await startLive();
    await fixture.live.hub.publish("c", ids(2).map(change));
    const stale = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 1 }, epoch: "from-before-a-restart" });
    expect(await stale.next()).to.deep.equal({ type: "resync", channel: "c", seq: 2 });
    const ahead = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 9 } });
    expect(await ahead.next()).to.deep.equal({ type: "resync", channel: "c", seq: 2 });
    await Promise.all([stale.close(), ahead.close()]);
  });

  it("asks a socket to resync for changes the log lost only when it has not had them (a late catch-up after a Redis restart)", async () => {
    fixture = await startLive({ replayLimit: 50 });
    await fixture.live.hub.publish("c", [change("1")]);
    const current = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    fixture.live.hub.lost("c", 1);
    await fixture.live.hub.publish("c", [change("2")]);
    expect(await current.next()).to.deep.include({ type: "change", seq: 2 });
    fixture.live.hub.lost("c", 5);
    expect(await current.next()).to.deep.equal({ type: "resync", channel: "c", seq: 5 });
    await current.close();
  });

  it("sends nothing more when the client is up to date", async () => {
    fixture = await startLive();
    await fixture.live.hub.publish("c", ids(2).map(change));
    const epoch = fixture.live.hub.epoch;
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 2 }, epoch });
    await fixture.live.hub.publish("c", change("3"));
    expect((await socket.changes(1))[0].seq).to.equal(3);
    await socket.close();
  });
});
