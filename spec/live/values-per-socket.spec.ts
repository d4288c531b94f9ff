import { expect } from "chai";
import { memoryStore } from "../../server/live";
import { FakeClock } from "../fakes/fake-clock";
import { startLive, type LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/**
 * Found by an attacker's review: one authenticated socket sending 1 MiB sync
 * frames of empty objects (340,000 values each, which JSON.parse takes far
 * longer over than their size) held the server's event loop: `/health`
 * answered in 1–2 s instead of milliseconds, and another client's ping took
 * a second. A frame's values are counted before it is parsed: one frame may
 * hold 100,000, and a socket may send 20,000 a second over time.
 */
describe("live server: the JSON values one socket may send", () => {
  let fixture: LiveFixture;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock();
    fixture = await startLive({ clock });
    fixture.live.backend.use(memoryStore());
  });
  afterEach(() => fixture.close());

  const syncOf = (requestId: number, values: number) => ({ type: "sync", method: "create", collection: "tasks", channel: "c", requestId, model: { id: `t${requestId}`, marks: new Array(values).fill(0) } });

  it("refuses a frame holding more than 100,000 values unread, answering its requestId, and keeps the socket", async () => {
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["elsewhere"] });
    socket.send(syncOf(1, 100_001));
    expect(await socket.next()).to.deep.equal({ type: "error", requestId: 1, message: "message holds more than 100000 values; send fewer in one message" });
    socket.send(syncOf(2, 10));
    expect(await socket.next()).to.deep.include({ requestId: 2 }).and.not.deep.include({ type: "error" });
    await socket.close();
  });

  it("answers 'slow down' to frames past 20,000 values a second, and reads them again once the second has passed", async () => {
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["elsewhere"] });
    socket.send(syncOf(1, 90_000));
    expect(await socket.next()).to.deep.include({ requestId: 1 }).and.not.deep.include({ type: "error" });
    socket.send(syncOf(2, 20_000));
    expect(await socket.next()).to.deep.equal({ type: "error", requestId: 2, message: "more than 20000 values a second from one socket; slow down: this message was not read" });
    await clock.advance(1000);
    socket.send(syncOf(3, 20_000));
    expect(await socket.next()).to.deep.include({ requestId: 3 }).and.not.deep.include({ type: "error" });
    await socket.close();
  });
});
