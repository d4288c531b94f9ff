import { expect } from "chai";
import { createLiveServer } from "../../server/live";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/**
 * A grant by predicate (any `doc:` channel, say) or of every channel lets a
 * socket name as many channels as fit in one frame: 50,000 in a 1 MiB auth
 * message cost the server about 50 MB of heap, for one socket, and a user
 * may hold many. The channels one socket joins are capped.
 */
describe("live server: channels per socket", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  const anyDoc = () => ({ channels: (channel: string) => channel.startsWith("doc:"), user: "reader" });
  const docs = (count: number) => Array.from({ length: count }, (_, i) => `doc:${i}`);

  // A frame naming far more (5,000) holds more values than any auth message
  // can: it is refused unparsed, as unauthorized (wide-first-frames.spec.ts).
  for (const [count, code] of [[60, 4403], [5000, 4401]] as const) {
    it(`refuses with ${code} a socket that names ${count} channels, more than the cap of 50, naming it, and subscribes it to none`, async () => {
      fixture = await startLive({ authenticate: anyDoc, maxChannelsPerSocket: 50 });
      const socket = await TestSocket.open(fixture.wsUrl);
      socket.send({ type: "auth", token: "t", channels: docs(count) });
      const error = await socket.next();
      expect(error.type).to.equal("error");
      expect((error as { message: string }).message).to.contain("at most 50 channels");
      expect((await socket.closed).code).to.equal(code);
      expect(fixture.live.hub.follows("doc:1")).to.equal(false);
    });
  }

  it("takes as many channels as the cap, and counts a channel named twice once", async () => {
    fixture = await startLive({ authenticate: anyDoc, maxChannelsPerSocket: 50 });
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: [...docs(50), "doc:0", "doc:1"] });
    await fixture.live.hub.publish("doc:49", { type: "deleted", collection: "docs", id: "1" });
    expect((await socket.changes(1))[0].channel).to.equal("doc:49");
    await socket.close();
  });

  it("caps a socket at 1,000 channels unless told otherwise", async () => {
    fixture = await startLive({ authenticate: anyDoc });
    const refused = await TestSocket.open(fixture.wsUrl);
    refused.send({ type: "auth", token: "t", channels: docs(1001) });
    expect((await refused.closed).code).to.equal(4403);
    const taken = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: docs(1000) });
    await taken.close();
  });

  it("refuses a cap that is not a positive number, naming it", () => {
    expect(() => createLiveServer({ authenticate: () => "*", maxChannelsPerSocket: 0 })).to.throw(/maxChannelsPerSocket/);
  });
});
