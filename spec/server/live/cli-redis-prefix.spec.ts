import { expect } from "chai";
import { createClient } from "redis";
import { createLiveServer } from "../../../server/live";
import { HELP, start, type RunningServer } from "../../../server/live/cli";
import { startRedis, type RedisProcess } from "../../live/support/redis-server";

/**
 * Found by a scale-out review: two apps on one Redis are told apart by the
 * prefix of their keys, but atmos2-server had no setting for it
 * (ATMOS_REDIS_KEY_PREFIX was refused as unknown); and createLiveServer took
 * any redisKeyPrefix (5 made keys "5seq:c1", {} "[object Object]seq:c1").
 */
describe("atmos2-server: the Redis key prefix", () => {
  let redis: RedisProcess;
  let running: RunningServer | undefined;
  before(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  after(async () => redis?.stop());

  it("keeps its keys under ATMOS_REDIS_KEY_PREFIX", async () => {
    running = await start({ PORT: "0", ATMOS_QUIET: "1", REDIS_URL: redis.url, ATMOS_REDIS_KEY_PREFIX: "tasks-app:", ATMOS_SECRET: "s" }, () => undefined);
    const res = await fetch(`${running.url}/update`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Atmos-Secret": "s" },
      body: JSON.stringify({ channel: "room", changes: [{ type: "deleted", collection: "tasks", id: "1" }] }),
    });
    expect(res.status).to.equal(202);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      expect(await client.get("tasks-app:seq:room")).to.equal("1");
      expect(await client.exists("atmos2:seq:room")).to.equal(0);
    } finally {
      await client.close();
    }
  });

  it("lists ATMOS_REDIS_KEY_PREFIX in --help", () => {
    expect(HELP).to.match(/ATMOS_REDIS_KEY_PREFIX +\S/);
  });

  it("refuses a redisKeyPrefix that is no non-empty string, naming it", () => {
    for (const bad of [5, {}, ""]) {
      expect(() => createLiveServer({ authenticate: () => "*", redisUrl: redis.url, redisKeyPrefix: bad as never }), String(bad)).to.throw(/^createLiveServer: redisKeyPrefix must be a non-empty string/);
    }
  });
});
