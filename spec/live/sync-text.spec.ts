import { expect } from "chai";
import { redisStore } from "../../server/live";
import { startLive, type LiveFixture } from "./support/live-fixture";
import { startRedis, type RedisProcess } from "./support/redis-server";
import { TestSocket } from "./support/test-socket";

/**
 * Found by a third attack review: Redis keys are bytes, and half a
 * character (a lone UTF-16 surrogate) becomes U+FFFD on the way. With the
 * Redis store, the ids "x\ud800" and "x\udc00" were one record ("already
 * exists", and a read of one returned the other), and a collection so named
 * failed with "URI malformed". A sync request naming such a collection or
 * id is refused, naming the field.
 */
describe("live server: a sync request naming half a character", () => {
  let redis: RedisProcess | undefined;
  let fixture: LiveFixture | undefined;
  before(async () => (redis = await startRedis()));
  after(async () => redis?.stop());
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it("is refused, naming the collection or the id, and whole characters are kept apart", async () => {
    fixture = await startLive();
    fixture.live.backend.use(redisStore({ url: redis!.url, keyPrefix: `text${Math.random().toString(36).slice(2)}:` }));
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    const sync = (requestId: number, collection: string, id: string) => {
      socket.send({ type: "sync", method: "create", collection, channel: "c", requestId, model: { id, title: id } });
      return socket.next();
    };
    expect(await sync(1, "tasks", "x\ud800")).to.deep.equal({ type: "error", requestId: 1, message: 'sync.model.id "x\\ud800" holds half a character (a lone UTF-16 surrogate): ids must be text' });
    expect(await sync(2, "t\udc00", "y")).to.deep.equal({ type: "error", requestId: 2, message: 'sync.collection "t\\udc00" holds half a character (a lone UTF-16 surrogate): collections must be text' });
    expect(await sync(3, "tasks", "x\u{1f600}")).to.deep.include({ type: "result", requestId: 3 });
    expect((await socket.changes(1))[0].change.id).to.equal("x\u{1f600}");
    expect(await sync(4, "tasks", "x\ufffd")).to.deep.include({ type: "result", requestId: 4 });
    await socket.close();
  });
});
