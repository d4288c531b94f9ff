import { expect } from "chai";
import { startLive, LiveFixture } from "./support/live-fixture";
import { startRedis, RedisProcess } from "./support/redis-server";
import { TestSocket } from "./support/test-socket";

const change = (id: string) => ({ type: "updated" as const, collection: "tasks", id, attrs: { id } });
const names = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/**
 * Found by an attacker's review: a socket following every channel (a `*`
 * token) could name any number of channels in `auth.since`, under any name
 * (empty, 300 characters): each was read from the log and tracked as a
 * channel. Over Redis, five auth frames of 40,000 made-up names left 200,000
 * channels tracked and the process at 489 MB. `since` names are channel
 * names, checked as `auth.channels` are; one the log does not know is told
 * to resync without being read or tracked.
 */
describe("live server: auth.since of a socket following every channel", () => {
  let redis: RedisProcess;
  let fixture: LiveFixture;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => redis?.stop());
  afterEach(async () => fixture?.close());

  it("tells a client to resync the channels it names that the log does not know, and tracks none of them (Redis)", async () => {
    fixture = await startLive({ authenticate: () => "*", redisUrl: redis.url, redisKeyPrefix: `since${Date.now()}:` });
    await fixture.live.hub.publish("known", [change("1"), change("2")]);
    const since = Object.fromEntries([...names(3000, "made-up:").map((name) => [name, 7]), ["known", 1]]);
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", since, epoch: "an-old-epoch-or-this-one" });
    const epoch = (socket.messages[0] as { epoch: string }).epoch;
    await socket.close();
    const again = await TestSocket.ready(fixture.wsUrl, { token: "t", since, epoch });
    const got = [];
    for (let i = 0; i < 3001; i++) got.push(await again.next());
    const resynced = got.filter((m) => m.type === "resync").map((m) => (m as { channel: string }).channel);
    expect(new Set(resynced)).to.deep.equal(new Set(names(3000, "made-up:")));
    expect(got.filter((m) => m.type === "change")).to.have.length(1);
    expect(got.find((m) => m.type === "change")).to.deep.include({ channel: "known", seq: 2 });
    expect(fixture.live.trackedChannels, "only the channel the log knows").to.equal(1);
    await again.close();
  });

  for (const [label, name] of [
    ["an empty name", ""],
    ["a name over 200 characters", "x".repeat(201)],
  ] as const) {
    it(`refuses with 4403 ${label} in auth.since, naming it, as in auth.channels`, async () => {
      fixture = await startLive({ authenticate: () => "*" });
      const socket = await TestSocket.open(fixture.wsUrl);
      socket.send({ type: "auth", token: "t", since: { ok: 0, [name]: 3 } });
      const error = (await socket.next()) as { type: string; message: string };
      expect(error.type).to.equal("error");
      expect(error.message).to.contain("auth.since");
      expect((await socket.closed).code).to.equal(4403);
    });
  }
});
