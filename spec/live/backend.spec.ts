import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Backend, BackendRequest, memoryStore, sqliteStore } from "../../server/live";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

const request = (method: BackendRequest["method"], model: Record<string, unknown> = {}, channel = "c"): BackendRequest =>
  ({ method, collection: "tasks", model, options: {}, channel, locals: {} });

describe("live backend middleware", () => {
  /** The SQLite stores' folders, removed when the specs are done. */
  const tempDirs: string[] = [];
  after(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  const sqliteFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-live-"));
    tempDirs.push(dir);
    return path.join(dir, "live.db");
  };

  it("runs middleware in the order it was added, filtered by method", async () => {
    const backend = new Backend();
    const trail: string[] = [];
    backend.use((req, res, next) => { trail.push(`all:${req.method}`); next(); });
    backend.use("create", "update", (req, res, next) => { trail.push("write"); next(); });
    backend.read((req, res) => { trail.push("read"); res.end([]); });
    backend.create((req, res) => { trail.push("create"); res.end({ id: "1" }); });
    await backend.handle(request("read"));
    await backend.handle(request("create"));
    expect(trail).to.deep.equal(["all:read", "read", "all:create", "write", "create"]);
  });

  it("rejects the request with the error given to next(err), skipping the rest", async () => {
    const backend = new Backend();
    let reached = false;
    backend.use("create", (req, res, next) => next(new Error("title is required")));
    backend.create((req, res) => { reached = true; res.end({}); });
    const error = await backend.handle(request("create")).catch((e: Error) => e);
    expect((error as Error).message).to.equal("title is required");
    expect(reached).to.equal(false);
  });

  it("rejects when an async middleware fails or when nobody answers", async () => {
    const backend = new Backend();
    backend.use("update", async () => { throw new Error("db locked"); });
    expect(((await backend.handle(request("update")).catch((e) => e)) as Error).message).to.equal("db locked");
    expect(((await backend.handle(request("delete")).catch((e) => e)) as Error).message).to.contain("no backend middleware answered delete tasks");
  });

  it("refuses an unknown method name in use()", () => {
    expect(() => new Backend().use("patch" as never, () => {})).to.throw(/unknown method "patch"/);
  });

  for (const [name, make] of [
    ["memory store", () => memoryStore()],
    ["SQLite store", () => sqliteStore({ file: sqliteFile() })],
  ] as const) {
    it(`keeps records with the ${name}: create, read, update, delete`, async () => {
      const backend = new Backend().use(make());
      const created = (await backend.handle(request("create", { title: "a" }))) as { id: string; title: string };
      expect(created.id).to.be.a("string").with.length.greaterThan(0);
      await backend.handle(request("update", { id: created.id, done: true }));
      expect(await backend.handle(request("read", { id: created.id }))).to.deep.equal({ id: created.id, title: "a", done: true });
      expect(await backend.handle(request("read"))).to.have.length(1);
      await backend.handle(request("delete", { id: created.id }));
      expect(await backend.handle(request("read"))).to.deep.equal([]);
      expect(((await backend.handle(request("update", { id: created.id })).catch((e) => e)) as Error).message).to.contain("not found");
    });

    it(`the ${name} refuses a request that names no channel, rather than reach every channel's records`, async () => {
      const backend = new Backend().use(make());
      await backend.handle(request("create", { id: "1" }));
      const unscoped = { ...request("read"), channel: undefined };
      expect(((await backend.handle(unscoped).catch((e) => e)) as Error).message).to.contain("needs a channel");
      expect(await backend.handle(request("read", {}, "other"))).to.deep.equal([]);
    });
  }
});

describe("live sync requests over the socket", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  it("answers the sender and publishes a successful create to the channel", async () => {
    fixture = await startLive();
    fixture.live.backend.use("create", (req, res, next) => (req.model.title ? next() : next(new Error("title is required"))));
    fixture.live.backend.use(memoryStore());
    const writer = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    const watcher = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    writer.send({ type: "sync", method: "create", collection: "tasks", model: { id: "x1", title: "Write spec" }, requestId: "r1" });
    const result = await writer.next();
    expect(result).to.deep.equal({ type: "result", requestId: "r1", result: { id: "x1", title: "Write spec" } });
    const [seen] = await watcher.changes(1);
    expect(seen).to.deep.include({ channel: "c", seq: 1 });
    expect(seen.change).to.deep.equal({ type: "created", collection: "tasks", id: "x1", attrs: { id: "x1", title: "Write spec" } });
    await Promise.all([writer.close(), watcher.close()]);
  });

  it("answers a rejected request with an error to the sender only and publishes nothing", async () => {
    fixture = await startLive();
    fixture.live.backend.use("create", (req, res, next) => next(new Error("title is required")));
    fixture.live.backend.use(memoryStore());
    const writer = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    writer.send({ type: "sync", method: "create", collection: "tasks", model: {}, requestId: 9 });
    expect(await writer.next()).to.deep.equal({ type: "error", requestId: 9, message: "title is required" });
    writer.send({ type: "sync", method: "read", collection: "tasks", requestId: 10 });
    expect(await writer.next()).to.deep.equal({ type: "result", requestId: 10, result: [] });
    await writer.close();
  });

  it("names the problem in a malformed request without closing the socket", async () => {
    fixture = await startLive();
    fixture.live.backend.use(memoryStore());
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["a", "b"] });
    socket.send({ type: "sync", method: "upsert", collection: "tasks", requestId: 1 });
    expect(await socket.next()).to.deep.include({ type: "error", requestId: 1, message: 'sync.method must be "create", "read", "update" or "delete"' });
    socket.send({ type: "sync", method: "create", collection: "tasks", model: { title: "?" }, requestId: 2 });
    expect(((await socket.next()) as { message: string }).message).to.contain("sync.channel");
    socket.send("not json");
    expect(((await socket.next()) as { message: string }).message).to.contain("JSON");
    expect(socket.isOpen).to.equal(true);
    await socket.close();
  });
});
