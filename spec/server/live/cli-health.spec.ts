import { expect } from "chai";
import { createClient } from "redis";
import { start, type RunningServer } from "../../../server/live/cli";
import { startRedis, type RedisProcess } from "../../live/support/redis-server";

/**
 * Found from outside: with REDIS_URL, /health said { ok: true } while Redis
 * was down and every POST /update failed with 503, so a load balancer kept
 * sending clients to a server that could not publish.
 */
describe("atmos2-server: GET /health", () => {
  let running: RunningServer | undefined;
  let redis: RedisProcess | undefined;
  afterEach(async () => {
    await running?.stop();
    await redis?.stop();
    running = undefined;
    redis = undefined;
  });

  const health = async () => {
    const res = await fetch(`${running!.url}/health`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("answers 200 ok without Redis", async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1" }, () => undefined);
    const { status, body } = await health();
    expect(status).to.equal(200);
    expect(body).to.include({ ok: true });
  });

  it("answers 503 with ok: false while Redis cannot be reached, and 200 again once it is back", async () => {
    redis = await startRedis();
    const port = redis.port;
    running = await start({ PORT: "0", ATMOS_QUIET: "1", REDIS_URL: redis.url }, () => undefined);
    expect(await health()).to.deep.include({ status: 200 });
    expect((await health()).body).to.include({ ok: true, redis: "connected" });
    await redis.stop();
    const deadline = Date.now() + 5000;
    let seen = await health();
    while (seen.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await health();
    }
    expect(seen.status).to.equal(503);
    expect(seen.body).to.include({ ok: false, redis: "unreachable" });
    redis = await startRedis(port);
    const back = Date.now() + 10000;
    while (seen.status !== 200 && Date.now() < back) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await health();
    }
    expect(seen).to.deep.include({ status: 200 });
    expect(seen.body).to.include({ ok: true, redis: "connected" });
  });

  // Found by a Redis failure hunt: with Redis paused (SIGSTOP, or stuck), the
  // connection stays open, so /health said 200 while every POST /update
  // waited 10 s for its 503.
  it("answers 503 while Redis holds the connection but does not answer, and 200 once it does again", async function () {
    this.timeout(20_000);
    redis = await startRedis();
    running = await start({ PORT: "0", ATMOS_QUIET: "1", REDIS_URL: redis.url }, () => undefined);
    expect(await health()).to.deep.include({ status: 200 });
    process.kill(redis.pid, "SIGSTOP");
    let seen;
    try {
      // A PING answered holds for a second (see below): the next one finds Redis stopped.
      const deadline = Date.now() + 5000;
      seen = await health();
      while (seen.status === 200 && Date.now() < deadline) seen = await health();
    } finally {
      process.kill(redis.pid, "SIGCONT");
    }
    expect(seen.status).to.equal(503);
    expect(seen.body).to.include({ ok: false, redis: "not answering" });
    expect(await health()).to.deep.include({ status: 200 });
  });

  // Found from outside: each GET /health sent its own PING, so anyone who
  // can reach /health could make Redis answer as many PINGs as requests
  // they send at once. Checks at the same moment share one PING.
  it("asks Redis once for health checks that arrive together", async () => {
    redis = await startRedis();
    running = await start({ PORT: "0", ATMOS_QUIET: "1", REDIS_URL: redis.url }, () => undefined);
    const counter = createClient({ url: redis.url });
    await counter.connect();
    try {
      const pings = async () => Number(/cmdstat_ping:calls=(\d+)/.exec(await counter.info("commandstats"))?.[1] ?? 0);
      const before = await pings();
      const answers = await Promise.all(Array.from({ length: 40 }, () => health()));
      expect(answers.map((a) => a.status)).to.deep.equal(answers.map(() => 200));
      expect(await pings()).to.be.within(before + 1, before + 5);
    } finally {
      await counter.quit();
    }
  });
});
