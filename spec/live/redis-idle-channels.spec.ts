import { expect } from "chai";
import { createClient } from "redis";
import { start, type RunningServer } from "../../server/live/cli";
import { FakeClock } from "../fakes/fake-clock";
import { startLive, LiveFixture } from "./support/live-fixture";
import { startRedis, RedisProcess } from "./support/redis-server";
import { TestSocket } from "./support/test-socket";

const change = (id: string) => ({ type: "updated" as const, collection: "tasks", id, attrs: { id } });

async function post(url: string, channel: string, id: string): Promise<number> {
  const res = await fetch(`${url}/update`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Atmos-Secret": "s" },
    body: JSON.stringify({ channel, changes: [change(id)] }),
  });
  if (res.status !== 202) throw new Error(`POST /update on ${channel}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { seq: number }).seq;
}

/** Posts one change to each channel, a few requests at a time, as a busy backend would. */
async function postToEach(url: string, channels: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < channels.length) {
      const channel = channels[next++];
      await post(url, channel, `${channel}-1`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/*
 * A deployment with a channel per user or per document, over Redis, running
 * for weeks: every channel ever written must not stay in each process's
 * memory. What a process keeps of a channel nobody here follows any more,
 * and that had no change for replayIdleMs, is let go (Redis drops the
 * channel's log after the same time).
 */
describe("live server over Redis: channels that go quiet", () => {
  const idleMs = 60_000;
  let redis: RedisProcess;
  let server: LiveFixture;
  let clock: FakeClock;
  let keyPrefix: string;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => redis?.stop());
  beforeEach(async () => {
    clock = new FakeClock();
    keyPrefix = `spec${Math.random().toString(36).slice(2)}:`;
    server = await startLive({ redisUrl: redis.url, redisKeyPrefix: keyPrefix, secret: "s", replayIdleMs: idleMs, clock });
  });
  afterEach(async () => server?.close());

  /** Posts to `quiet`, then to `followed` (seen by `socket`): once that arrives, every change before it was delivered. */
  async function writeQuietChannels(quiet: string[], followed: string, socket: TestSocket): Promise<void> {
    await postToEach(server.url, quiet);
    await post(server.url, followed, "last");
    await socket.until((m) => m.type === "change" && m.channel === followed);
  }

  it("lets go of 2000 channels nobody follows once they had no change for replayIdleMs, and keeps the followed one", async function () {
    this.timeout(60_000);
    const quiet = Array.from({ length: 2000 }, (_, i) => `user:${i}`);
    const socket = await TestSocket.ready(server.wsUrl, { token: "t", channels: ["user:kept"] });
    await writeQuietChannels(quiet, "user:kept", socket);
    expect(server.live.trackedChannels, "while they are fresh").to.equal(2001);

    await clock.advance(idleMs / 2);
    expect(server.live.trackedChannels, "not yet idle for replayIdleMs").to.equal(2001);
    await clock.advance(idleMs);
    expect(server.live.trackedChannels, "only the followed channel is left").to.equal(1);
    await socket.close();
  });

  it("delivers the next change of a channel it let go of, and replays it to a client coming back", async () => {
    const watcher = await TestSocket.ready(server.wsUrl, { token: "t", channels: ["watch"] });
    await writeQuietChannels(["doc:1"], "watch", watcher);
    await clock.advance(idleMs * 2);
    expect(server.live.trackedChannels).to.equal(1);

    const epoch = server.live.hub.epoch;
    const back = await TestSocket.ready(server.wsUrl, { token: "t", channels: ["doc:1"], since: { "doc:1": 0 }, epoch });
    expect(back.messages[0]).to.deep.include({ seq: { "doc:1": 1 } });
    expect((await back.changes(1)).map((m) => [m.seq, m.change.id]), "replayed from the Redis log").to.deep.equal([[1, "doc:1-1"]]);
    await post(server.url, "doc:1", "doc:1-2");
    expect((await back.changes(1)).map((m) => [m.seq, m.change.id]), "and the next one live").to.deep.equal([[2, "doc:1-2"]]);
    await Promise.all([back.close(), watcher.close()]);
  });

  it("still catches up a followed channel after its pub/sub connection drops, once quiet channels were let go", async () => {
    const socket = await TestSocket.ready(server.wsUrl, { token: "t", channels: ["room"] });
    await writeQuietChannels(["doc:a", "doc:b"], "room", socket);
    await clock.advance(idleMs * 2);
    expect(server.live.trackedChannels).to.equal(1);

    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      // Seq 2 reaches the log but never pub/sub, as while a subscriber reconnects...
      const seq = await admin.incr(`${keyPrefix}seq:room`);
      await admin.rPush(`${keyPrefix}log:room`, JSON.stringify({ channel: "room", seq, change: change("missed") }));
      // ...and then the subscriber does reconnect (a failover, a blip): it catches up the channels it follows.
      await admin.sendCommand(["CLIENT", "KILL", "TYPE", "pubsub"]);
      for (let tries = 0; (await admin.pubSubNumSub(`${keyPrefix}changes`))[`${keyPrefix}changes`] !== 1; tries++) {
        if (tries > 200) throw new Error("the subscriber did not come back");
        await new Promise((resolve) => setTimeout(resolve, 25)); // nothing to await but Redis's own count
      }
    } finally {
      await admin.close();
    }
    await post(server.url, "room", "after");
    const [first] = await socket.changes(1);
    expect([first.seq, first.change.id], "the missed change, from the log").to.deep.equal([2, "missed"]);
    const [next] = await socket.changes(1);
    expect([next.seq, next.change.id]).to.deep.equal([3, "after"]);
    await socket.close();
  });

  it("keeps every channel while a socket follows every channel (it relies on holes being filled)", async () => {
    const every = await TestSocket.ready(server.wsUrl, { token: "t" });
    await writeQuietChannels(["doc:x", "doc:y"], "doc:z", every);
    await clock.advance(idleMs * 2);
    expect(server.live.trackedChannels).to.equal(3);
    await every.close();
    await clock.advance(idleMs * 2);
    expect(server.live.trackedChannels, "let go once that socket left").to.equal(0);
  });
});

describe("atmos2-server /health", () => {
  let redis: RedisProcess;
  let running: RunningServer | undefined;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await running?.stop();
    await redis?.stop();
  });

  it("tells an operator how many channels the process holds state for", async () => {
    running = await start({ PORT: "0", REDIS_URL: redis.url, ATMOS_SECRET: "s", ATMOS_TOKENS: "t:*", ATMOS_QUIET: "1" }, () => {});
    const health = async () => (await (await fetch(`${running!.url}/health`)).json()) as Record<string, unknown>;
    expect(await health()).to.deep.equal({ ok: true, redis: "connected", connections: 0, trackedChannels: 0 });
    const socket = await TestSocket.ready(running.url.replace(/^http/, "ws") + "/live", { token: "t", channels: ["c3"] });
    for (const channel of ["c1", "c2", "c3"]) await post(running.url, channel, "1");
    await socket.changes(1);
    expect(await health()).to.deep.equal({ ok: true, redis: "connected", connections: 1, trackedChannels: 3 });
    await socket.close();
  });
});
