import { expect } from "chai";
import Database from "better-sqlite3";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { startAppServer, type AppServer } from "../../../example/server/app-server";
import { openDb } from "../../../example/server/tasks-api/db";

/**
 * A client that authenticates the way Google also accepts, with
 * `?access_token=` in the URL (a "simple" request, a script without
 * headers). The token must not end up on disk in the idempotency table,
 * nor in the server's log when such a request fails.
 */
const TOKEN = "alice-private-token-4711";

describe("example server: an access_token in the URL is kept nowhere", () => {
  let tmp: string;
  let app: AppServer | undefined;
  let logged: string[];

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-token-url-"));
    logged = [];
    app = await startAppServer({ port: 0, dataDir: tmp, staticDir: tmp, users: [{ name: "alice", token: TOKEN }], log: (line) => logged.push(line) });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** A request sent as written (no client normalizing the path). */
  function send(method: string, rawPath: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: app!.port, method, path: rawPath, headers: { Host: `localhost:${app!.port}`, ...headers } }, (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  function everythingStored(): string {
    const db = new Database(path.join(tmp, "tasks.sqlite"), { readonly: true });
    try {
      return JSON.stringify(db.prepare("SELECT * FROM idempotency").all());
    } finally {
      db.close();
    }
  }

  it("an idempotent write stores its request without the token, and a retry with the header replays it", async () => {
    const json = { "Content-Type": "application/json", "Idempotency-Key": "k-1" };
    const first = await send("POST", `/tasks/v1/users/@me/lists?access_token=${TOKEN}&fields=id`, json, JSON.stringify({ title: "Groceries" }));
    expect(first.status).to.equal(200);
    const stored = everythingStored();
    expect(stored).to.contain("k-1");
    expect(stored).not.to.contain(TOKEN);
    // The same request sent with the token in the header is the same request.
    const again = await send("POST", "/tasks/v1/users/@me/lists?fields=id", { ...json, Authorization: `Bearer ${TOKEN}` }, JSON.stringify({ title: "Groceries" }));
    expect(again.status).to.equal(200);
    expect(JSON.parse(again.body)).to.deep.equal(JSON.parse(first.body));
    // A name written with escapes is the same parameter to the API, so it is dropped too.
    await send("POST", `/tasks/v1/users/@me/lists?access%5Ftoken=${TOKEN}`, { ...json, "Idempotency-Key": "k-2" }, JSON.stringify({ title: "Other" }));
    expect(everythingStored()).not.to.contain(TOKEN);
  });

  it("a database file that stored tokens before loses them when the server opens it", async () => {
    await app!.close();
    app = undefined;
    const file = path.join(tmp, "tasks.sqlite");
    const db = new Database(file);
    // As a version-2 file was: no body fingerprints yet (migration 4), no instance id (migration 5).
    db.exec("ALTER TABLE idempotency DROP COLUMN fingerprint");
    db.exec("DROP TABLE about");
    db.pragma("user_version = 2");
    const insert = db.prepare("INSERT INTO idempotency (owner, key, method, path, status, headers, body, created) VALUES ('alice', ?, 'POST', ?, 200, '{}', '{}', ?)");
    insert.run("old-1", `/tasks/v1/users/@me/lists?access_token=${TOKEN}`, Date.now());
    insert.run("old-2", `/tasks/v1/lists/L/tasks?parent=p&access_token=${TOKEN}&previous=q`, Date.now());
    db.close();
    openDb(file, ["alice"]).close();
    const after = new Database(file, { readonly: true });
    const paths = after.prepare("SELECT key, path FROM idempotency ORDER BY key").all();
    after.close();
    expect(paths).to.deep.equal([
      { key: "old-1", path: "/tasks/v1/users/@me/lists" },
      { key: "old-2", path: "/tasks/v1/lists/L/tasks?parent=p&previous=q" },
    ]);
  });

  it("a request that fails with an error is logged without the token", async () => {
    // A failure inside the server (here an extension that throws) is logged with the request's URL.
    await app!.close();
    app = await startAppServer({
      port: 0,
      dataDir: tmp,
      staticDir: tmp,
      users: [{ name: "alice", token: TOKEN }],
      log: (line) => logged.push(line),
      extend: () => () => {
        throw new Error("extension failed");
      },
    });
    for (const target of [`/tasks/v1/users/@me/lists?access_token=${TOKEN}&x=1`, `//?access_token=${TOKEN}&x=1`]) {
      const failed = await send("GET", target);
      expect(failed.status, target).to.equal(500);
    }
    const lines = logged.filter((text) => text.startsWith("app-server error on GET"));
    expect(lines, logged.join("\n")).to.deep.equal([
      "app-server error on GET /tasks/v1/users/@me/lists?x=1: extension failed",
      "app-server error on GET //?x=1: extension failed",
    ]);
    expect(logged.join("\n")).not.to.contain(TOKEN);
  });
});
