import { expect } from "chai";
import { startLive, type LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/**
 * Found by an attacker's review: a channel name may reach the server's log
 * (atmos2-server prints the channels a socket joins), and one holding a line
 * break printed a forged line of its own there ("[atmos2-server] Listening
 * on http://evil.example:1"). Control characters are no part of a channel
 * name: a socket that names one is refused, and so is a publish.
 */
describe("live server: a channel name holding a control character", () => {
  let fixture: LiveFixture;
  beforeEach(async () => (fixture = await startLive()));
  afterEach(() => fixture.close());

  for (const [what, name] of [["a line break", "ok\n[atmos2-server] Listening on http://evil.example:1"], ["a carriage return", "ok\rforged"], ["an escape (terminal colours)", "ok\u001b[31mred"], ["DEL", "ok\u007f"]] as const) {
    it(`refuses ${what} in auth.channels and in a publish, naming the field`, async () => {
      const socket = await TestSocket.open(fixture.wsUrl);
      socket.send({ type: "auth", token: "t", channels: [name] });
      const refusal = (await socket.next()) as { type: string; message: string };
      expect(refusal.type).to.equal("error");
      expect(refusal.message).to.equal(`auth.channels[0] ${JSON.stringify(name)} holds a control character (a line break, a tab, an escape): channel names must be printable text`);
      expect((await socket.closed).code).to.equal(4403);
      const published = await fixture.live.hub.publish(name, { type: "created", collection: "tasks", id: "1", attrs: { id: "1" } }).then(() => "published", (error: Error) => error.message);
      expect(published).to.match(/^channel ".*" holds a control character/);
    });
  }

  it("still takes a name with spaces, punctuation and any script", async () => {
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["team: café 東京 / #1"] });
    expect(socket.messages[0]).to.deep.include({ channels: ["team: café 東京 / #1"] });
    await socket.close();
  });
});
