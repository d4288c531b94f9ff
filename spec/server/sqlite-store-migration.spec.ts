import { expect } from "chai";
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Backend, BackendRequest, sqliteStore } from "../../server/live";

/** The table sqliteStore made before it kept channels apart, as files on disk still hold it. */
const FIRST_SCHEMA = "CREATE TABLE IF NOT EXISTS atmos2_records (collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (collection, id))";

const request = (method: BackendRequest["method"], channel: string, model: Record<string, unknown> = {}): BackendRequest =>
  ({ method, collection: "tasks", model, options: {}, channel, locals: {} });

describe("sqliteStore opening a file of the schema without channels", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-store-migration-"));
    file = path.join(dir, "live.db");
    const db = new Database(file);
    db.exec(FIRST_SCHEMA);
    const insert = db.prepare("INSERT INTO atmos2_records (collection, id, data) VALUES (?, ?, ?)");
    for (const [id, title] of [["t2", "second"], ["t1", "first"]]) insert.run("tasks", id, JSON.stringify({ id, title }));
    db.close();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps the old records but shows them on no channel, and stores new ones by channel", async () => {
    const store = sqliteStore({ file });
    const backend = new Backend().use(store);
    expect(await backend.handle(request("read", "user:a"))).to.deep.equal([]);
    expect(((await backend.handle(request("update", "user:a", { id: "t1", title: "mine" })).catch((e) => e)) as Error).message).to.contain("not found");
    await backend.handle(request("create", "user:a", { id: "t1", title: "a's own" }));
    expect(await backend.handle(request("read", "user:a"))).to.deep.equal([{ id: "t1", title: "a's own" }]);
    store.close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare("SELECT channel, id, data FROM atmos2_records ORDER BY rowid").all();
    db.close();
    expect(rows).to.deep.equal([
      { channel: "", id: "t2", data: JSON.stringify({ id: "t2", title: "second" }) },
      { channel: "", id: "t1", data: JSON.stringify({ id: "t1", title: "first" }) },
      { channel: "user:a", id: "t1", data: JSON.stringify({ id: "t1", title: "a's own" }) },
    ]);
  });

  it("hands the old records, in their order, to legacyChannel (also on a later open)", async () => {
    sqliteStore({ file }).close();
    const store = sqliteStore({ file, legacyChannel: "user:a" });
    const backend = new Backend().use(store);
    expect(await backend.handle(request("read", "user:a"))).to.deep.equal([{ id: "t2", title: "second" }, { id: "t1", title: "first" }]);
    expect(await backend.handle(request("read", "user:b"))).to.deep.equal([]);
    await backend.handle(request("update", "user:a", { id: "t1", done: true }));
    store.close();
    const again = sqliteStore({ file });
    expect(await new Backend().use(again).handle(request("read", "user:a", { id: "t1" }))).to.deep.equal({ id: "t1", title: "first", done: true });
    again.close();
  });

  it("refuses a legacyChannel that is no channel name, and a table that is not a records table", () => {
    expect(() => sqliteStore({ file, legacyChannel: "*" })).to.throw(/legacyChannel/);
    const db = new Database(file);
    db.exec("CREATE TABLE people (name TEXT)");
    db.close();
    expect(() => sqliteStore({ file, table: "people" })).to.throw(/table "people" exists but is not a records table/);
  });
});
