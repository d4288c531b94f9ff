import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb } from "../../example/server/tasks-api/db";
import { sqliteStore } from "../../server/live";

/**
 * Another process is writing to the SQLite file (a first `npm start`
 * migrating a new DATA_DIR, another atmos2 server storing a record) when a
 * server opens it. Opening waits for the write to end, as every other
 * statement does, instead of failing at once with "database is locked":
 * SQLite does not wait by itself for the switch to WAL.
 */
describe("a server opening a SQLite file another process is writing to", function () {
  this.timeout(20000);
  let dir: string;
  let writer: ChildProcess | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-busy-"));
  });
  afterEach(() => {
    writer?.kill();
    writer = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a process that holds a write transaction on `file` for `holdMs`; resolves once it holds it. */
  function writerHolding(file: string, holdMs: number): Promise<void> {
    const script = `
      const Database = require(${JSON.stringify(require.resolve("better-sqlite3"))});
      const db = new Database(${JSON.stringify(file)});
      db.exec("CREATE TABLE IF NOT EXISTS other (x)");
      db.exec("BEGIN IMMEDIATE");
      db.exec("INSERT INTO other VALUES (1)");
      process.stdout.write("holding\\n");
      setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${holdMs});`;
    writer = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    return new Promise((resolve, reject) => {
      writer!.stdout!.once("data", () => resolve());
      writer!.once("exit", (code) => reject(new Error(`the writer exited (${code}) before holding the file`)));
    });
  }

  it("the tasks API's database (several npm start on one new DATA_DIR)", async () => {
    const file = path.join(dir, "tasks.db");
    await writerHolding(file, 300);
    const db = openDb(file);
    try {
      expect(db.pragma("journal_mode", { simple: true })).to.equal("wal");
      expect(db.pragma("user_version", { simple: true })).to.be.greaterThan(0);
    } finally {
      db.close();
    }
  });

  it("an in-memory sqliteStore still opens (it keeps its own journal mode)", () => {
    const store = sqliteStore({ file: ":memory:" });
    let stored: unknown;
    const res = { end: (result?: unknown) => void (stored = result), error: (e: unknown) => { throw e; } };
    store({ method: "create", collection: "tasks", channel: "c", model: { id: "1", title: "milk" } } as never, res, () => undefined);
    store.close();
    expect(stored).to.deep.equal({ id: "1", title: "milk" });
  });

  it("the live server's sqliteStore", async () => {
    const file = path.join(dir, "live.db");
    await writerHolding(file, 300);
    const store = sqliteStore({ file });
    store.close();
  });
});
