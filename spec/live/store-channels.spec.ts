import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { memoryStore, redisStore, sqliteStore, type Middleware } from "../../server/live";
import { startRedis, type RedisProcess } from "./support/redis-server";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/**
 * Two users of one live server, each token allowed its own channel only,
 * as an app gives one channel per user. Whatever one of them sends over
 * the socket, the store never shows or changes the other's records.
 */
const TOKENS: Record<string, string[]> = { "token-a": ["user:a"], "token-b": ["user:b"], "token-ab": ["user:a", "user:b"] };

type Answer = { type: string; requestId?: unknown; result?: unknown; message?: string };

describe("the live stores keep each channel's records apart", () => {
  const dirs: string[] = [];
  let redis: RedisProcess;
  let redisPrefix = 0;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
    await redis?.stop();
  });

  for (const [name, make] of [
    ["memoryStore", () => memoryStore()],
    ["sqliteStore", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-store-channels-"));
      dirs.push(dir);
      return sqliteStore({ file: path.join(dir, "live.db") });
    }],
    // Each test on keys of its own, as each of the others on a store of its own.
    ["redisStore", () => redisStore({ url: redis.url, keyPrefix: `channels-${++redisPrefix}:` })],
  ] as Array<[string, () => Middleware & { close?(): unknown }]>) {
    describe(name, () => {
      let fixture: LiveFixture;
      let store: Middleware & { close?(): unknown };
      let alice: TestSocket;
      let bob: TestSocket;
      let requestId = 0;

      /** Sends one sync request and returns its answer (a change published meanwhile is skipped). */
      async function sync(socket: TestSocket, request: Record<string, unknown>): Promise<Answer> {
        const id = ++requestId;
        socket.send({ type: "sync", requestId: id, ...request });
        return (await socket.until((m) => "requestId" in m && m.requestId === id)) as Answer;
      }

      beforeEach(async () => {
        fixture = await startLive({ authenticate: (token) => TOKENS[token] ?? null });
        store = make();
        fixture.live.backend.use(store);
        alice = await TestSocket.ready(fixture.wsUrl, { token: "token-a" });
        bob = await TestSocket.ready(fixture.wsUrl, { token: "token-b" });
        const created = await sync(bob, { method: "create", collection: "tasks", model: { id: "b1", title: "Bob's secret" } });
        expect(created).to.deep.include({ type: "result", result: { id: "b1", title: "Bob's secret" } });
      });
      afterEach(async () => {
        await Promise.all([alice.close(), bob.close()]);
        await fixture.close();
        await store.close?.();
      });

      it("a read lists only the records of the reader's channel", async () => {
        expect(await sync(alice, { method: "read", collection: "tasks" })).to.deep.include({ type: "result", result: [] });
        expect((await sync(alice, { method: "read", collection: "tasks", model: { id: "b1" } })).type).to.equal("error");
        expect(await sync(bob, { method: "read", collection: "tasks" })).to.deep.include({ result: [{ id: "b1", title: "Bob's secret" }] });
      });

      it("an update or delete of another channel's record id finds nothing and publishes nothing", async () => {
        const update = await sync(alice, { method: "update", collection: "tasks", model: { id: "b1", title: "owned" } });
        expect(update.type).to.equal("error");
        expect(update.message).to.contain("not found");
        const removal = await sync(alice, { method: "delete", collection: "tasks", model: { id: "b1" } });
        expect(removal.type).to.equal("error");
        expect(removal.message).to.contain("not found");
        expect(await sync(bob, { method: "read", collection: "tasks", model: { id: "b1" } })).to.deep.include({ result: { id: "b1", title: "Bob's secret" } });
        // Nothing was published on Alice's channel: her next message is the answer to this read.
        alice.send({ type: "sync", requestId: "last", method: "read", collection: "tasks" });
        expect(await alice.next()).to.deep.equal({ type: "result", requestId: "last", result: [] });
      });

      it("the same id on two channels is two records", async () => {
        const created = await sync(alice, { method: "create", collection: "tasks", model: { id: "b1", title: "Alice's own" } });
        expect(created).to.deep.include({ type: "result", result: { id: "b1", title: "Alice's own" } });
        await sync(alice, { method: "update", collection: "tasks", model: { id: "b1", done: true } });
        expect(await sync(alice, { method: "read", collection: "tasks" })).to.deep.include({ result: [{ id: "b1", title: "Alice's own", done: true }] });
        expect(await sync(bob, { method: "read", collection: "tasks" })).to.deep.include({ result: [{ id: "b1", title: "Bob's secret" }] });
        await sync(alice, { method: "delete", collection: "tasks", model: { id: "b1" } });
        expect(await sync(bob, { method: "read", collection: "tasks" })).to.deep.include({ result: [{ id: "b1", title: "Bob's secret" }] });
      });

      it("a request naming a channel the token may not join is refused", async () => {
        const read = await sync(alice, { method: "read", collection: "tasks", channel: "user:b" });
        expect(read).to.deep.include({ type: "error" });
        expect(read.message).to.contain("not allowed");
        expect((await sync(alice, { method: "delete", collection: "tasks", model: { id: "b1" }, channel: "user:b" })).type).to.equal("error");
        expect(await sync(bob, { method: "read", collection: "tasks" })).to.have.nested.property("result.length", 1);
      });

      it("a socket on several channels reads the channel it names, and must name one", async () => {
        const both = await TestSocket.ready(fixture.wsUrl, { token: "token-ab" });
        await sync(both, { method: "create", collection: "tasks", model: { id: "a1" }, channel: "user:a" });
        expect(await sync(both, { method: "read", collection: "tasks", channel: "user:a" })).to.deep.include({ result: [{ id: "a1" }] });
        expect(await sync(both, { method: "read", collection: "tasks", channel: "user:b" })).to.deep.include({ result: [{ id: "b1", title: "Bob's secret" }] });
        const unnamed = await sync(both, { method: "read", collection: "tasks" });
        expect(unnamed.type).to.equal("error");
        expect(unnamed.message).to.contain("sync.channel");
        await both.close();
      });
    });
  }
});
