import { expect } from "chai";
import { Backend, BackendRequest, redisStore, type RedisStoreMiddleware } from "../../server/live";
import { startRedis, type RedisProcess } from "./support/redis-server";

const request = (method: BackendRequest["method"], model: Record<string, unknown> = {}, channel = "user:a", collection = "tasks"): BackendRequest =>
  ({ method, collection, model, options: {}, channel, locals: {} });

/**
 * API.md: `atmos2/server` has memory / SQLite / Redis stores. The Redis one
 * is for a live server scaled out over Redis: every process reads and
 * writes the same records, and they outlive the processes.
 */
describe("redisStore: the backend's records kept in Redis", function () {
  this.timeout(20_000);
  let redis: RedisProcess;
  const stores: RedisStoreMiddleware[] = [];
  const open = (keyPrefix?: string): Backend => {
    const store = redisStore({ url: redis.url, keyPrefix });
    stores.push(store);
    return new Backend().use(store);
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await redis?.stop();
  });

  it("creates, reads, updates (merging the fields sent) and deletes a record", async () => {
    const backend = open("crud:");
    const created = (await backend.handle(request("create", { title: "Milk" }))) as { id: string };
    expect(created.id).to.be.a("string").with.length.greaterThan(0);
    expect(await backend.handle(request("update", { id: created.id, done: true }))).to.deep.equal({ id: created.id, title: "Milk", done: true });
    expect(await backend.handle(request("read", { id: created.id }))).to.deep.equal({ id: created.id, title: "Milk", done: true });
    expect(await backend.handle(request("delete", { id: created.id }))).to.deep.equal({ id: created.id, title: "Milk", done: true });
    expect(await backend.handle(request("read"))).to.deep.equal([]);
    expect(((await backend.handle(request("update", { id: created.id })).catch((e) => e)) as Error).message).to.equal(`tasks ${created.id} not found`);
    expect(((await backend.handle(request("delete", { id: created.id })).catch((e) => e)) as Error).message).to.equal(`tasks ${created.id} not found`);
  });

  it("lists a collection in the order its records were created, keeping values as they were sent", async () => {
    const backend = open("order:");
    const sent = [
      { id: "z", n: 1.5, tags: [], nested: { a: [1, 2] }, none: null },
      { id: "a", n: 10000000000000001, tags: ["x"], nested: {}, none: null },
      { id: "m", text: "ünïcode ✓", empty: "" },
    ];
    for (const model of sent) await backend.handle(request("create", model));
    await backend.handle(request("update", { id: "z", n: 2 }));
    expect(await backend.handle(request("read"))).to.deep.equal([{ ...sent[0], n: 2 }, sent[1], sent[2]]);
  });

  it("reads a field named __proto__ back as a field, never as the record's prototype", async () => {
    const backend = open("proto:");
    const model = JSON.parse('{"id":"pp","__proto__":{"isAdmin":true},"a":1}') as Record<string, unknown>;
    await backend.handle(request("create", model));
    for (const row of [await backend.handle(request("read", { id: "pp" })), ((await backend.handle(request("read"))) as unknown[])[0]] as Array<Record<string, unknown>>) {
      expect(Object.getPrototypeOf(row)).to.equal(Object.prototype);
      expect(row.isAdmin).to.equal(undefined);
      expect(Object.getOwnPropertyDescriptor(row, "__proto__")?.value).to.deep.equal({ isAdmin: true });
    }
  });

  it("refuses a create of an id the channel already has", async () => {
    const backend = open("dup:");
    await backend.handle(request("create", { id: "1", title: "first" }));
    expect(((await backend.handle(request("create", { id: "1", title: "again" })).catch((e) => e)) as Error).message).to.equal("tasks 1 already exists");
    expect(await backend.handle(request("read", { id: "1" }))).to.deep.equal({ id: "1", title: "first" });
  });

  it("keeps channels and collections apart, and refuses a request that names no channel", async () => {
    const backend = open("apart:");
    await backend.handle(request("create", { id: "1", title: "Alice's" }, "user:a"));
    await backend.handle(request("create", { id: "1", title: "Bob's" }, "user:b"));
    await backend.handle(request("create", { id: "1", title: "a list" }, "user:a", "lists"));
    // Names that could run into each other were they joined as they are.
    await backend.handle(request("create", { id: "1", title: "odd" }, "user:a:tasks", "x"));
    expect(await backend.handle(request("read", {}, "user:a"))).to.deep.equal([{ id: "1", title: "Alice's" }]);
    expect(await backend.handle(request("read", {}, "user:b"))).to.deep.equal([{ id: "1", title: "Bob's" }]);
    expect(await backend.handle(request("read", {}, "user:a", "lists"))).to.deep.equal([{ id: "1", title: "a list" }]);
    expect(((await backend.handle(request("update", { id: "1" }, "user:c")).catch((e) => e)) as Error).message).to.contain("not found");
    const unscoped = { ...request("read"), channel: undefined };
    expect(((await backend.handle(unscoped).catch((e) => e)) as Error).message).to.contain("needs a channel");
  });

  it("shows every process on one Redis the same records, and keeps them after the processes end", async () => {
    const first = redisStore({ url: redis.url, keyPrefix: "shared:" });
    const second = redisStore({ url: redis.url, keyPrefix: "shared:" });
    await new Backend().use(first).handle(request("create", { id: "t1", title: "from the first" }));
    await new Backend().use(second).handle(request("update", { id: "t1", done: true }));
    await Promise.all([first.close(), second.close()]);
    const later = open("shared:");
    expect(await later.handle(request("read"))).to.deep.equal([{ id: "t1", title: "from the first", done: true }]);
  });

  it("loses no field when two processes update one record at once", async () => {
    const one = open("race:");
    const two = open("race:");
    await one.handle(request("create", { id: "r" }));
    const fields = Array.from({ length: 20 }, (_, i) => `f${i}`);
    await Promise.all(fields.map((field, i) => (i % 2 ? one : two).handle(request("update", { id: "r", [field]: i }))));
    const row = (await one.handle(request("read", { id: "r" }))) as Record<string, unknown>;
    expect(Object.keys(row).sort()).to.deep.equal(["id", ...fields].sort());
  });

  it("says which Redis it cannot reach, for every request, without crashing the server", async () => {
    const store = redisStore({ url: "redis://127.0.0.1:1" });
    stores.push(store);
    const error = (await new Backend().use(store).handle(request("read")).catch((e) => e)) as Error;
    expect(error.message).to.match(/^redisStore: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(((await store.ready.catch((e) => e)) as Error).message).to.equal(error.message);
  });

  it("serves once Redis is up, when the server started before its Redis", async () => {
    const first = await startRedis();
    const port = first.port;
    await first.stop();
    const store = redisStore({ url: `redis://127.0.0.1:${port}` });
    stores.push(store);
    const backend = new Backend().use(store);
    expect(((await backend.handle(request("read")).catch((e) => e)) as Error).message).to.match(/^redisStore: cannot reach Redis at /);
    const later = await startRedis(port);
    try {
      expect(await backend.handle(request("create", { id: "1", title: "after all" }))).to.deep.equal({ id: "1", title: "after all" });
      expect(await backend.handle(request("read"))).to.deep.equal([{ id: "1", title: "after all" }]);
    } finally {
      await store.close();
      await later.stop();
    }
  });

  it("asks for a url, and hides a password in what it prints", async () => {
    expect(() => redisStore({} as never)).to.throw('redisStore({ url }): url must name the Redis server, e.g. "redis://127.0.0.1:6379"');
    const store = redisStore({ url: "redis://user:secret@127.0.0.1:1" });
    stores.push(store);
    const error = (await store.ready.catch((e) => e)) as Error;
    expect(error.message).to.contain("redis://user:***@127.0.0.1:1").and.not.contain("secret");
  });

  it("fails a request while Redis is down and serves again once it is back", async () => {
    const own = await startRedis();
    const store = redisStore({ url: own.url });
    stores.push(store);
    const backend = new Backend().use(store);
    await backend.handle(request("create", { id: "1" }));
    await own.stop();
    const error = (await backend.handle(request("read")).catch((e) => e)) as Error;
    expect(error.message).to.match(/^redisStore: Redis at redis:\/\/127\.0\.0\.1:\d+\/? failed: /);
    const back = await startRedis(own.port);
    try {
      // A Redis that lost its data (no persistence): the store writes again.
      let answer: unknown;
      for (let i = 0; i < 50 && answer === undefined; i++) {
        answer = await backend.handle(request("create", { id: "2" })).catch(() => new Promise((resolve) => setTimeout(resolve, 100)));
      }
      expect(answer).to.deep.equal({ id: "2" });
      expect(await backend.handle(request("read"))).to.deep.equal([{ id: "2" }]);
    } finally {
      await back.stop();
    }
  });
});
