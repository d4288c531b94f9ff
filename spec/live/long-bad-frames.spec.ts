import { expect } from "chai";
import WebSocket from "ws";
import { start, type RunningServer } from "../../server/live/cli";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/**
 * Anyone may open /live and send one frame before a token is checked. A
 * frame that is wrong in a long way (a type or a `since` key of a megabyte)
 * must cost the server no more than reading it: no time (the close reason
 * was cut one character at a time, measuring the rest each time: 80 KB took
 * half a second, a megabyte over a minute, with every socket stalled), and
 * no echo of the whole value into the answer or the server's log.
 */
describe("live server: long malformed frames from a socket that has not authenticated", () => {
  const long = "x".repeat(1_000_000);
  const badFrames: Array<[string, Record<string, unknown>]> = [
    ["a megabyte-long type", { type: long }],
    ["a megabyte-long since key", { type: "auth", token: "t", since: { [long]: -1 } }],
  ];

  describe("createLiveServer", () => {
    let fixture: LiveFixture;
    afterEach(async () => fixture?.close());

    for (const [what, frame] of badFrames) {
      it(`refuses ${what} at once with a short error, and keeps serving the other sockets`, async () => {
        fixture = await startLive();
        const other = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
        const attacker = await TestSocket.open(fixture.wsUrl);
        const sent = Date.now();
        attacker.send(frame);
        const error = (await attacker.next()) as { type: string; message: string };
        const closed = await attacker.closed;
        expect(Date.now() - sent, "ms until the refusal").to.be.below(1000);
        expect(error.type).to.equal("error");
        expect(error.message.length).to.be.below(500);
        expect(closed.code).to.equal(4401);
        await fixture.live.hub.publish("c", { type: "deleted", collection: "tasks", id: "1" });
        expect((await other.changes(1))[0].seq).to.equal(1);
        await other.close();
      });
    }
  });

  describe("atmos2-server's log", () => {
    let running: RunningServer | undefined;
    const lines: string[] = [];
    afterEach(async () => {
      await running?.stop();
      running = undefined;
      lines.length = 0;
    });

    const sendAndWaitForClose = async (url: string, frame: unknown) => {
      const ws = new WebSocket(`${url.replace(/^http/, "ws")}/live`);
      await new Promise((resolve) => ws.once("open", resolve));
      ws.on("error", () => {});
      ws.send(JSON.stringify(frame));
      await new Promise((resolve) => ws.once("close", resolve));
    };

    it("writes a line of bounded length for each refused frame, whatever its size", async () => {
      running = await start({ PORT: "0", ATMOS_TOKENS: "reader:a" }, (line) => lines.push(line));
      for (const [, frame] of badFrames) await sendAndWaitForClose(running.url, frame);
      const refused = lines.filter((line) => line.startsWith("socket refused"));
      expect(refused).to.have.length(2);
      for (const line of refused) expect(line.length).to.be.below(1000);
    });

    it("names a socket's channels in a line of bounded length, however many it joined", async () => {
      running = await start({ PORT: "0", ATMOS_TOKENS: "reader:*" }, (line) => lines.push(line));
      const channels = Array.from({ length: 1000 }, (_, i) => `${i}:`.padEnd(200, "y"));
      const socket = await TestSocket.ready(`${running.url.replace(/^http/, "ws")}/live`, { token: "reader", channels });
      await socket.close();
      const joined = lines.find((line) => line.startsWith("socket joined"));
      expect(joined).to.match(/1000 channels/);
      expect(joined!.length).to.be.below(1000);
    });
  });
});
