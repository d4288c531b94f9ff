import { expect } from "chai";
import { createLiveServer } from "../../server/live";
import { startRedis, type RedisProcess } from "./support/redis-server";

/**
 * Found by a scale-out review: a Redis that needs a password, given none,
 * failed the start with Redis's own "NOAUTH HELLO must be called with the
 * client already authenticated…", which does not say where the password goes.
 */
describe("a live server on a Redis that needs a password", () => {
  let redis: RedisProcess;
  before(async () => {
    redis = await startRedis(undefined, { password: "hunter2-redis" });
  });
  after(async () => redis?.stop());

  const startFailure = async (redisUrl: string) => {
    const live = createLiveServer({ authenticate: () => "*", redisUrl });
    const error = (await live.ready.then(() => undefined, (e: Error) => e)) as Error | undefined;
    await live.close();
    return error?.message;
  };

  it("fails to start without the password, saying to put it in the Redis URL", async () => {
    expect(await startFailure(redis.url)).to.match(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+.*needs a password: put it in the URL, redis:\/\/:PASSWORD@127\.0\.0\.1:\d+/);
  });

  it("fails to start with a wrong password, saying so, without printing it", async () => {
    const message = await startFailure(redis.url.replace("redis://", "redis://:not-it@"));
    expect(message).to.match(/wrong password|WRONGPASS/);
    expect(message).not.to.include("not-it");
  });

  it("starts with the password in the URL", async () => {
    const live = createLiveServer({ authenticate: () => "*", redisUrl: redis.url.replace("redis://", "redis://:hunter2-redis@") });
    try {
      await live.ready;
    } finally {
      await live.close();
    }
  });
});
