import { expect } from "chai";
import { createClient } from "redis";
import { createLiveServer } from "../../server/live";
import { startLive, type LiveFixture } from "./support/live-fixture";
import { startRedis, type RedisProcess } from "./support/redis-server";
import { TestSocket } from "./support/test-socket";

/**
 * Found by an attack on the live server: the replay log was bounded by a
 * count of changes only. One user writing a thousand changes of 900 KB held
 * about 600 MB of the server's memory (or of Redis) for ten minutes, and
 * over Redis a single returning client's replay came back as one reply that
 * held up every publish for seconds. The log keeps `replayBytes` per channel
 * too; a client that missed more resyncs (pulls) instead.
 */
describe("live server: the replay log is bounded in bytes", () => {
  let redis: RedisProcess | undefined;
  let fixture: LiveFixture | undefined;
  before(async () => (redis = await startRedis()));
  after(async () => redis?.stop());
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  /** A change of about `size` bytes. */
  const big = (id: string, size = 4000) => ({ type: "updated" as const, collection: "tasks", id, attrs: { id, notes: "x".repeat(size) } });

  for (const where of ["in memory", "in Redis"]) {
    const start = (replayBytes?: number) =>
      startLive({ replayBytes, ...(where === "in Redis" ? { redisUrl: redis!.url, redisKeyPrefix: `bytes${Math.random().toString(36).slice(2)}:` } : {}) });

    it(`keeps only the latest changes that fit in replayBytes, ${where}, and asks a client that missed more to resync`, async () => {
      fixture = await start(10_000);
      await fixture.live.hub.publish("c", ["1", "2", "3", "4", "5"].map((id) => big(id)));
      const inside = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 3 } });
      expect((await inside.changes(2)).map((m) => m.seq)).to.deep.equal([4, 5]);
      const outside = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 2 } });
      expect(await outside.next()).to.deep.equal({ type: "resync", channel: "c", seq: 5 });
      await fixture.live.hub.publish("c", big("6"));
      expect((await outside.changes(1))[0].seq).to.equal(6);
      await Promise.all([inside.close(), outside.close()]);
    });

    it(`keeps the latest change even when it alone is larger than replayBytes, ${where}`, async () => {
      fixture = await start(1000);
      await fixture.live.hub.publish("c", ["1", "2"].map((id) => big(id)));
      const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 1 } });
      expect((await socket.changes(1)).map((m) => [m.seq, m.change.id])).to.deep.equal([[2, "2"]]);
      await socket.close();
    });

    it(`keeps 4 MiB a channel unless told otherwise, ${where}`, async () => {
      fixture = await start();
      // 1,100 changes of about 5 KB: the 1,000 replayLimit keeps would be 5 MB, past 4 MiB.
      for (let from = 0; from < 1100; from += 100) await fixture.live.hub.publish("c", Array.from({ length: 100 }, (_, i) => big(String(from + i + 1), 5000)));
      const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 100 } });
      const first = (await socket.next()) as { type: string; seq?: number };
      expect([first.type, first.seq]).to.deep.equal(["resync", 1100]);
      const recent = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"], since: { c: 1000 } });
      expect((await recent.changes(100)).map((m) => m.seq)[0]).to.equal(1001);
      await Promise.all([socket.close(), recent.close()]);
    });
  }

  // Found by a third attack review: the byte count is a Redis key of its
  // own; lost alone (evicted under memory pressure, or deleted), the count
  // started again from 0 and the log outgrew replayBytes for good.
  it("counts the log's bytes again when Redis lost the count but kept the log", async () => {
    const keyPrefix = `lost${Math.random().toString(36).slice(2)}:`;
    fixture = await startLive({ replayBytes: 10_000, redisUrl: redis!.url, redisKeyPrefix: keyPrefix });
    const direct = createClient({ url: redis!.url });
    await direct.connect();
    try {
      for (let round = 0; round < 4; round++) {
        await fixture.live.hub.publish("c", [big(`a${round}`), big(`b${round}`)]);
        await direct.del(`${keyPrefix}logbytes:c`);
      }
      await fixture.live.hub.publish("c", big("last"));
      const held = await direct.lRange(`${keyPrefix}log:c`, 0, -1);
      expect(held.length, "entries kept").to.equal(2);
      expect(Number(await direct.get(`${keyPrefix}logbytes:c`))).to.equal(held.reduce((sum, entry) => sum + Buffer.byteLength(entry), 0));
    } finally {
      await direct.close();
    }
  });

  // Found by a second attack review: replayBytes bounds one channel, and a
  // token that may write many channels (a predicate) wrote 900 KB to each of
  // 500: the server held about 1 GB for ten minutes. In memory, the logs
  // together keep at most replayTotalBytes; the channels written longest ago
  // lose theirs first (their clients resync), and keep their numbering.
  it("keeps at most replayTotalBytes over every channel in memory, dropping first the logs of channels written longest ago", async () => {
    fixture = await startLive({ replayBytes: 10_000, replayTotalBytes: 20_000 });
    for (const channel of ["c1", "c2", "c3", "c4", "c5", "c6"]) await fixture.live.hub.publish(channel, big("1"));
    await fixture.live.hub.publish("c1", big("2"));
    const since = { c1: 1, c2: 0, c3: 0, c5: 0, c6: 0 };
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: Object.keys(since), since });
    const replay = await Promise.all([socket.next(), socket.next(), socket.next(), socket.next(), socket.next()]);
    const seen = replay.map((m) => (m.type === "change" ? `${m.channel} change ${m.seq}` : `${(m as { channel: string }).channel} ${m.type}`)).sort();
    expect(seen).to.deep.equal(["c1 change 2", "c2 resync", "c3 resync", "c5 change 1", "c6 change 1"]);
    await socket.close();
  });

  it("refuses a replayTotalBytes smaller than replayBytes, naming both", async () => {
    expect(() => createLiveServer({ authenticate: () => "*", replayBytes: 10_000, replayTotalBytes: 5_000 })).to.throw("createLiveServer: replayTotalBytes (5000) must be at least replayBytes (10000), which one channel may keep");
  });

  it("refuses a replayBytes that is no positive number, naming the option", async () => {
    expect(() => createLiveServer({ authenticate: () => "*", replayBytes: 0 })).to.throw(/replayBytes/);
  });
});
