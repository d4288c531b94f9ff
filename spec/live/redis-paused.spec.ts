import { expect } from "chai";
import { startLive, type LiveFixture } from "./support/live-fixture";
import { startRedis, type RedisProcess } from "./support/redis-server";

/**
 * Found by a Redis failure hunt: with Redis paused (SIGSTOP: a stuck or
 * overloaded Redis), POST /update waited with no time limit. A backend that
 * gave up after its own timeout and posted again had its change published
 * twice once Redis went on, and it never learnt what happened to the first.
 */
describe("POST /update while Redis does not answer", function () {
  this.timeout(40_000);
  let redis: RedisProcess;
  let live: LiveFixture;
  before(async () => {
    redis = await startRedis();
    live = await startLive({ redisUrl: redis.url, secret: "s" });
  });
  after(async () => {
    process.kill(redis.pid, "SIGCONT");
    await live?.close();
    await redis?.stop();
  });

  it("answers 503 within 10 s, saying the change may still be published, instead of waiting for Redis", async () => {
    process.kill(redis.pid, "SIGSTOP");
    try {
      const res = await fetch(`${live.url}/update`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Atmos-Secret": "s" },
        body: JSON.stringify({ channel: "c", changes: [{ type: "updated", collection: "tasks", id: "1", attrs: { id: "1" } }] }),
        signal: AbortSignal.timeout(20_000),
      });
      expect(res.status).to.equal(503);
      expect(res.headers.get("retry-after")).to.match(/^\d+$/);
      expect(((await res.json()) as { error: string }).error).to.match(/Redis did not answer within 10 s.*may still be published/);
    } finally {
      process.kill(redis.pid, "SIGCONT");
    }
  });
});
