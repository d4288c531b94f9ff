import { expect } from "chai";
import { createClient } from "redis";
import { startLive, LiveFixture } from "./support/live-fixture";
import { startRedis, RedisProcess } from "./support/redis-server";
import { TestSocket } from "./support/test-socket";
import { change, post } from "./support/update-post";

describe("live server over a Redis that restarts without its data", () => {
  let redis: RedisProcess;
  let a: LiveFixture;
  let b: LiveFixture;
  beforeEach(async () => {
    redis = await startRedis();
    a = await startLive({ redisUrl: redis.url, secret: "s" });
    b = await startLive({ redisUrl: redis.url, secret: "s" });
  });
  afterEach(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  /** Posts until the servers' Redis connections are back (they retry with backoff). */
  async function postWhenBack(id: string): Promise<{ status: number; seq: number }> {
    for (let tries = 0; ; tries++) {
      const res = await post(a.url, "s", "c", [id]).catch(() => ({ status: 0, seq: 0 }));
      if (res.status === 202 || tries > 100) return res;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("asks its sockets to reconnect, and a returning client resyncs instead of missing the new changes", async () => {
    const onB = await TestSocket.ready(b.wsUrl, { token: "t", channels: ["c"] });
    const { epoch } = onB.messages[0] as { epoch: string };
    for (const id of ["x1", "x2", "x3"]) await post(a.url, "s", "c", [id]);
    expect((await onB.changes(3)).map((m) => m.seq)).to.deep.equal([1, 2, 3]);

    await redis.stop();
    redis = await startRedis(redis.port);
    // The counters start again at 1, under a new epoch.
    expect(await postWhenBack("y1")).to.deep.equal({ status: 202, seq: 1 });
    expect((await onB.closed).code, "the socket on the other server is asked to reconnect").to.equal(1012);

    const back = await TestSocket.ready(b.wsUrl, { token: "t", channels: ["c"], since: { c: 3 }, epoch });
    const ready = back.messages[0] as { epoch: string; seq: Record<string, number> };
    expect(ready.epoch).to.not.equal(epoch);
    expect(ready.seq).to.deep.equal({ c: 1 });
    expect(await back.next()).to.deep.equal({ type: "resync", channel: "c", seq: 1 });
    await post(a.url, "s", "c", ["y2"]);
    const [next] = await back.changes(1);
    expect([next.seq, next.change.id]).to.deep.equal([2, "y2"]);
    await back.close();
  });

  // Found by a Redis failure hunt: Redis restored from an older snapshot
  // (or a failover to a replica that lagged) brings back the epoch with
  // counters that went back. The seqs after it were taken for changes
  // already delivered: answered 202 and never sent, with no resync.
  it("asks its sockets to reconnect when Redis comes back with older counters under the same epoch, and a returning client resyncs", async () => {
    const onA = await TestSocket.ready(a.wsUrl, { token: "t", channels: ["c"] });
    const onB = await TestSocket.ready(b.wsUrl, { token: "t", channels: ["c"] });
    const { epoch } = onB.messages[0] as { epoch: string };
    for (const id of ["x1", "x2", "x3"]) await post(a.url, "s", "c", [id]);
    expect((await onB.changes(3)).map((m) => m.seq)).to.deep.equal([1, 2, 3]);
    expect((await onA.changes(3)).map((m) => m.seq)).to.deep.equal([1, 2, 3]);

    // As after a restore of a snapshot taken at seq 1: the epoch key is the same.
    const direct = createClient({ url: redis.url });
    await direct.connect();
    await direct.set("atmos2:seq:c", "1");
    await direct.lTrim("atmos2:log:c", 0, 0);
    await direct.close();

    expect(await post(a.url, "s", "c", ["y1"])).to.deep.equal({ status: 202, seq: 2 });
    expect((await onA.closed).code, "the sockets on the server that saw it").to.equal(1012);
    expect((await onB.closed).code, "the sockets on the other server").to.equal(1012);

    const back = await TestSocket.ready(b.wsUrl, { token: "t", channels: ["c"], since: { c: 3 }, epoch });
    const ready = back.messages[0] as { epoch: string };
    expect(ready.epoch).to.not.equal(epoch);
    expect((await back.next()).type).to.equal("resync");
    await back.close();
  });
});

// Found when the fix above was tried from outside: a socket joining while
// changes flowed made its server read the counter, and pub/sub could deliver
// the next change before that read's answer was handled: the delivered seq
// was above the counter read, taken for Redis going back. Every socket was
// closed (1012), again and again, with no restore at all.
describe("live server over Redis while changes flow and sockets join", function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let a: LiveFixture;
  let b: LiveFixture;
  before(async () => {
    redis = await startRedis();
    a = await startLive({ redisUrl: redis.url, secret: "s" });
    b = await startLive({ redisUrl: redis.url, secret: "s" });
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it("keeps its epoch and its sockets: a read that races pub/sub is no rollback", async () => {
    const watcher = await TestSocket.ready(b.wsUrl, { token: "t", channels: ["c"] });
    const { epoch } = watcher.messages[0] as { epoch: string };
    const closes: number[] = [];
    void watcher.closed.then(({ code }) => closes.push(code));
    let flowing = true;
    const flow = (async () => {
      for (let i = 0; flowing && i < 2000; i++) await Promise.all([a.live.hub.publish("c", change(`a${i}`)), b.live.hub.publish("c", change(`b${i}`))]);
    })();
    const joined: TestSocket[] = [];
    for (let i = 0; i < 60; i++) {
      const socket = await TestSocket.ready((i % 2 ? a : b).wsUrl, { token: "t", channels: ["c"] });
      void socket.closed.then(({ code }) => closes.push(code));
      joined.push(socket);
    }
    flowing = false;
    await flow;
    expect(closes, "sockets closed by the server").to.deep.equal([]);
    expect(a.live.hub.epoch).to.equal(epoch);
    expect(b.live.hub.epoch).to.equal(epoch);
    await Promise.all([watcher, ...joined].map((s) => s.close()));
  });
});
