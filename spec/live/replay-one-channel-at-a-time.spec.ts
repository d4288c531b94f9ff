import { expect } from "chai";
import { liveOnProxiedRedis } from "./support/redis-server";
import { TestSocket } from "./support/test-socket";

/**
 * Found by a soak run against Redis: a client coming back on many channels
 * had every channel's replay read from Redis before `ready`, all held in the
 * server's memory at once (channels × replayBytes: 150 channels of large
 * changes took one stalled socket from 88 MB to 793 MB). What it missed on
 * each channel is read when the replay comes to that channel.
 */
describe("live replay of a client coming back on many channels (Redis)", function () {
  this.timeout(30_000);
  const world = liveOnProxiedRedis("commands");

  const channels = ["c1", "c2", "c3", "c4"];
  const big = "x".repeat(50_000);

  it("reads each channel's missed changes when its turn comes, not all before ready, and sends each once, in order", async () => {
    const { live, proxy } = world;
    for (const channel of channels) {
      const res = await fetch(`${live.url}/update`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Atmos-Secret": "s" },
        body: JSON.stringify({ channel, changes: [1, 2, 3, 4].map((n) => ({ type: "updated", collection: "tasks", id: `${channel}-${n}`, attrs: { notes: big } })) }),
      });
      expect(res.status).to.equal(202);
    }
    const oneChannel = 4 * big.length;
    const socket = await TestSocket.open(live.wsUrl);
    let atReady = -1;
    socket.ws.once("message", () => (atReady = proxy.commandBytes));
    const before = proxy.commandBytes;
    socket.send({ type: "auth", token: "t", channels, since: Object.fromEntries(channels.map((channel) => [channel, 0])) });
    expect((await socket.next()).type).to.equal("ready");
    const changes = await socket.changes(16);
    expect(changes.map((c) => `${c.channel}:${c.seq}`)).to.deep.equal(channels.flatMap((channel) => [1, 2, 3, 4].map((seq) => `${channel}:${seq}`)));
    expect(proxy.commandBytes - before, "the replays were read").to.be.above(channels.length * oneChannel);
    expect(atReady - before, "read from Redis before ready").to.be.below(oneChannel);
    await socket.close();
  });
});
