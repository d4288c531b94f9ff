import { expect } from "chai";
import { memoryStore } from "../../server/live";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/**
 * Found by an attack on the live server: a token holder sent one sync create
 * whose model nested 100,000 levels (600 KB, within maxPayload). The memory
 * store kept it, the answer echoing it could not be written as JSON (the
 * call stack ran out), and that failure, outside any catch, ended the
 * server's process for every user. Such a frame is refused before the
 * backend sees it, as POST /update refuses such attributes.
 */
describe("live server: a sync request nested past any record's depth", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  /** JSON text of an object nested `levels` deep (JSON.stringify cannot write one this deep). */
  const nested = (levels: number) => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
  const syncFrame = (requestId: number, model: Record<string, unknown>) => ({ type: "sync", method: "create", collection: "tasks", channel: "c", requestId, model });
  const head = '{"type":"sync","method":"create","collection":"tasks","channel":"c","requestId":7';

  for (const [field, frame] of [
    ["model", `${head},"model":{"id":"deep","x":${nested(100_000)}}}`],
    ["options", `${head},"model":{"id":"deep"},"options":${nested(100_000)}}`],
  ] as const) {
    it(`answers one whose ${field} nests 100,000 levels with an error naming the limit, stores nothing, and keeps serving`, async () => {
      fixture = await startLive();
      fixture.live.backend.use(memoryStore());
      const other = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
      const attacker = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
      attacker.send(frame);
      expect(await attacker.next()).to.deep.equal({ type: "error", requestId: 7, message: "message nests objects or arrays deeper than 100 levels" });

      attacker.send(syncFrame(8, { id: "plain", title: "milk" }));
      expect(await attacker.next()).to.deep.include({ type: "result", requestId: 8 });
      const [seen] = await other.changes(1);
      expect([seen.seq, seen.change.id]).to.deep.equal([1, "plain"]);
      attacker.send({ type: "sync", method: "read", collection: "tasks", channel: "c", requestId: 9 });
      expect((await attacker.changes(1))[0].change.id, "its own change, published on the channel").to.equal("plain");
      const read = (await attacker.next()) as { result: Array<{ id: string }> };
      expect(read.result.map((record) => record.id)).to.deep.equal(["plain"]);
      await Promise.all([other.close(), attacker.close()]);
    });
  }

  it("names the field when a frame's type is a value nested 100,000 levels, instead of a stack overflow", async () => {
    fixture = await startLive();
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send(`{"type":${nested(100_000)}}`);
    const error = (await socket.next()) as { type: string; message: string };
    expect(error).to.deep.equal({ type: "error", message: "first message must be auth: message nests objects or arrays deeper than 100 levels" });
    expect((await socket.closed).code).to.equal(4401);
  });

  // Found by an attack on the live server: JSON.parse of a 1 MiB frame of
  // "[[[[…" took ~300 ms (a flat frame that size ~4 ms), and a frame that
  // failed was parsed a second time for its requestId; a few such frames a
  // second from sockets without a token stalled the server for everyone.
  // Such a frame is refused by a linear look at its text, unparsed.
  it("refuses a frame nested a million levels without parsing it, before auth and after, answering with its requestId", async () => {
    fixture = await startLive();
    fixture.live.backend.use(memoryStore());
    const deep = "[".repeat(1024 * 1024 - 20);
    const before = await TestSocket.open(fixture.wsUrl);
    before.send(deep);
    expect(await before.next()).to.deep.equal({ type: "error", message: "first message must be auth: message nests objects or arrays deeper than 100 levels" });
    expect((await before.closed).code).to.equal(4401);

    const after = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    after.send(`{"requestId":"r-1","type":"sync","model":${deep.slice(0, -100)}`);
    expect(await after.next()).to.deep.equal({ type: "error", requestId: "r-1", message: "message nests objects or arrays deeper than 100 levels" });
    after.send(syncFrame(2, { id: "fine" }));
    expect(await after.next()).to.deep.include({ type: "result", requestId: 2 });
    await after.close();
  });

  it("takes a model nested 100 levels, as deep as a change's attributes may be", async () => {
    fixture = await startLive();
    fixture.live.backend.use(memoryStore());
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    socket.send(syncFrame(1, { id: "ok", x: JSON.parse(nested(98)) }));
    expect(await socket.next()).to.deep.include({ type: "result", requestId: 1 });
    await socket.close();
  });

  // The same failure, from the app's own middleware: an answer JSON cannot
  // write (a BigInt from a database driver, a cycle) must fail that request.
  for (const [what, answer] of [
    ["a BigInt", { id: "1", count: BigInt(1) }],
    ["a cycle", (() => { const row: Record<string, unknown> = { id: "1" }; row.self = row; return row; })()],
  ] as const) {
    it(`answers with an error, and keeps serving, when the backend answers with ${what}`, async () => {
      fixture = await startLive();
      fixture.live.backend.read((req, res) => res.end(req.model.id === "bad" ? answer : { id: "fine" }));
      const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
      socket.send({ type: "sync", method: "read", collection: "tasks", channel: "c", requestId: 1, model: { id: "bad" } });
      const error = (await socket.next()) as { type: string; requestId: number; message: string };
      expect([error.type, error.requestId]).to.deep.equal(["error", 1]);
      expect(error.message).to.match(/^the backend's answer to sync read "tasks" could not be written as JSON: \w/);
      socket.send({ type: "sync", method: "read", collection: "tasks", channel: "c", requestId: 2, model: { id: "good" } });
      expect(await socket.next()).to.deep.equal({ type: "result", requestId: 2, result: { id: "fine" } });
      await socket.close();
    });
  }
});
