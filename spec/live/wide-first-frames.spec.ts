import { expect } from "chai";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/**
 * Found by an attack on the live server: a socket without a token sent one
 * first frame of 1 MiB holding 350,000 empty objects (1 MiB) beside its auth fields.
 * Each took the server about 0.4 s to parse, before any token was looked at,
 * so a few such frames a second from fresh sockets stalled it for everyone.
 * A first frame holding more values than an auth message can need is
 * refused unparsed; a real one, with every channel a socket may join, is not.
 */
describe("live server: a first frame wider than any auth message", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  const docs = (count: number) => Array.from({ length: count }, (_, i) => `doc:${i}`);
  const anyDoc = () => ({ channels: (channel: string) => channel.startsWith("doc:"), user: "reader" });

  for (const [what, padding] of [
    ["an array of 300,000 empty objects", `"j":[${Array(300_000).fill("{}").join(",")}]`],
    ["a since of 60,000 channels", `"since":{${docs(60_000).map((c) => `"${c}":1`).join(",")}}`],
  ] as const) {
    it(`refuses, naming the limit, an auth frame with ${what}, and serves the next socket`, async () => {
      fixture = await startLive({ authenticate: anyDoc, maxChannelsPerSocket: 1000 });
      const attacker = await TestSocket.open(fixture.wsUrl);
      attacker.send(`{"type":"auth","token":"t",${padding}}`);
      expect(await attacker.next()).to.deep.equal({
        type: "error",
        message: "first message must be auth: it holds more than 4064 values, more than an auth message needs (a socket may join at most 1000 channels)",
      });
      expect((await attacker.closed).code).to.equal(4401);

      const reader = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["doc:1"] });
      await reader.close();
    });
  }

  it("takes an auth message naming every channel a socket may join, each with its last seq", async () => {
    fixture = await startLive({ authenticate: anyDoc, maxChannelsPerSocket: 1000 });
    const channels = docs(1000);
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels, since: Object.fromEntries(channels.map((c) => [c, 0])) });
    await fixture.live.hub.publish("doc:999", { type: "deleted", collection: "docs", id: "1" });
    expect((await socket.changes(1))[0].channel).to.equal("doc:999");
    await socket.close();
  });
});
