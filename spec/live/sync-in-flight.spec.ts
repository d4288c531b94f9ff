import { expect } from "chai";
import { createLiveServer, type BackendResponse } from "../../server/live";
import type { ServerMessage } from "../../lib/live/live-protocol";
import { startLive, LiveFixture } from "./support/live-fixture";
import { startRedis } from "./support/redis-server";
import { startPubsubLagProxy } from "../fakes/pubsub-lag-proxy";
import { TestSocket } from "./support/test-socket";

/**
 * A socket may send sync requests faster than a slow backend answers them.
 * Each one waiting keeps its frame's model in memory: 1,000 updates of
 * 500 KB to a backend answering in 3 s took the server's RSS to 755 MB, for
 * one socket. Past a cap, requests are answered with an error at once.
 */
describe("live server: sync requests waiting for the backend", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  /** A backend that answers only when told to. */
  const heldBackend = () => {
    const waiting: BackendResponse[] = [];
    return {
      waiting,
      middleware: (_req: unknown, res: BackendResponse) => void waiting.push(res),
      release: () => waiting.splice(0).forEach((res) => res.end({ ok: true })),
    };
  };

  const sendUpdates = (socket: TestSocket, count: number) => {
    for (let i = 1; i <= count; i++) socket.send({ type: "sync", method: "update", collection: "tasks", model: { id: "1", notes: "x".repeat(1000) }, requestId: i });
  };

  /** Messages that arrive within `ms` (read off the socket's record, so nothing is left waiting). */
  const taken = new WeakMap<TestSocket, number>();
  const arriving = async (socket: TestSocket, ms: number): Promise<ServerMessage[]> => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const from = taken.get(socket) ?? 1; // after ready
    taken.set(socket, socket.messages.length);
    return socket.messages.slice(from);
  };

  it("frees a request's place once it is answered, not once its change is published (Redis answering late)", async () => {
    const redis = await startRedis();
    // Commands (the publish) are answered 300 ms late; the backend answers at once.
    const proxy = await startPubsubLagProxy(redis.port, 300, "commands");
    try {
      fixture = await startLive({ redisUrl: proxy.url, maxSyncInFlight: 1 });
      fixture.live.backend.use((req, res) => res.end({ ...req.model }));
      const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
      const answers: ServerMessage[] = [];
      for (let i = 1; i <= 3; i++) {
        socket.send({ type: "sync", method: "update", collection: "tasks", model: { id: "1", n: i }, requestId: i });
        answers.push(await socket.until((m) => "requestId" in m && m.requestId === i));
      }
      expect(answers.map((m) => m.type)).to.deep.equal(["result", "result", "result"]);
      await socket.close();
    } finally {
      await fixture.close();
      await proxy.close();
      await redis.stop();
    }
  });

  it("answers requests past the cap with an error at once, without asking the backend, and the rest once it answers", async () => {
    fixture = await startLive({ authenticate: () => ["c"], maxSyncInFlight: 4 });
    const backend = heldBackend();
    fixture.live.backend.use(backend.middleware);
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t" });
    sendUpdates(socket, 10);
    const refused = await arriving(socket, 500);
    expect(refused.map((m) => [m.type, (m as { requestId?: number }).requestId])).to.deep.equal([5, 6, 7, 8, 9, 10].map((id) => ["error", id]));
    expect((refused[0] as { message: string }).message).to.contain("4 sync requests");
    expect(backend.waiting).to.have.length(4);
    backend.release();
    const answered = await arriving(socket, 300);
    expect(answered.filter((m) => m.type === "result").map((m) => (m as { requestId: number }).requestId)).to.deep.equal([1, 2, 3, 4]);
    sendUpdates(socket, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(backend.waiting, "a place is free again once answered").to.have.length(1);
    backend.release();
    await socket.close();
  });

  it("lets 16 requests wait unless told otherwise", async () => {
    fixture = await startLive({ authenticate: () => ["c"] });
    const backend = heldBackend();
    fixture.live.backend.use(backend.middleware);
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t" });
    sendUpdates(socket, 17);
    const refused = await arriving(socket, 500);
    expect(refused.map((m) => (m as { requestId?: number }).requestId)).to.deep.equal([17]);
    backend.release();
    await socket.close();
  });

  it("refuses a cap that is not a positive number, naming it", () => {
    expect(() => createLiveServer({ authenticate: () => "*", maxSyncInFlight: -1 })).to.throw(/maxSyncInFlight/);
  });
});
