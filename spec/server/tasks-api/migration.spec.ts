import { expect } from "chai";
import Database from "better-sqlite3";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openDb } from "../../../example/server/tasks-api/db";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

/**
 * Issue 13, item 3: a database written by the single-user server (committed
 * in fixtures/, made by that version) keeps everything on upgrade, and it
 * belongs to the first configured account.
 */
/** The old database as `sqlite3 .dump` text (plus its user_version), rebuilt into a file per test. */
const FIXTURE = path.join(__dirname, "fixtures", "single-user-v1.sql");
const ANSWERS = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "single-user-v1.json"), "utf8")) as {
  lists: Array<Record<string, unknown>>;
  tasks: Record<string, Array<Record<string, unknown>>>;
  idempotencyKey: string;
  deletedListId: string;
};

/**
 * The old server's answer as this one gives it: the same fields and values,
 * but an empty one left out (null, or false for deleted and hidden), as
 * Google leaves it out.
 */
function googleShaped(resource: Record<string, unknown>): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) if (value !== null && !(value === false && (key === "deleted" || key === "hidden"))) shaped[key] = value;
  return shaped;
}
const ANSWERED_TASKS = Object.fromEntries(Object.entries(ANSWERS.tasks).map(([list, tasks]) => [list, tasks.map(googleShaped)]));

function withoutSelfLink<T extends Record<string, unknown>>(resource: T): Omit<T, "selfLink"> {
  const { selfLink, ...rest } = resource;
  expect(selfLink).to.match(/^http:\/\/127\.0\.0\.1:\d+\/tasks\/v1\//);
  return rest;
}

describe("tasks API: upgrading a single-user database", () => {
  let dir: string;
  let dbFile: string;
  let server: TasksTestServer | undefined;
  const alice = { name: "alice", token: "alice-token-0123456789" };
  const bob = { name: "bob", token: "bob-token-0123456789ab" };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-migrate-"));
    dbFile = path.join(dir, "tasks.sqlite");
    const db = new Database(dbFile);
    db.exec(fs.readFileSync(FIXTURE, "utf8"));
    db.close();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What an account gets back: every list and every task (deleted and hidden too), selfLinks set aside. */
  async function everything(client: ReturnType<typeof tasksClient>) {
    const lists = (await client.all("/users/@me/lists")).map(withoutSelfLink);
    const tasks: Record<string, unknown[]> = {};
    for (const list of lists) {
      tasks[list.id as string] = (await client.all(`/lists/${list.id}/tasks?showDeleted=true&showHidden=true&maxResults=100`)).map(withoutSelfLink);
    }
    return { lists, tasks };
  }

  it("gives the first account everything the old server stored, exactly as it answered it, and the others nothing", async () => {
    server = await startTasksTestServer({ dbFile, users: [alice, bob] });
    const asAlice = tasksClient({ base: server.base, token: alice.token });
    const asBob = tasksClient({ base: server.base, token: bob.token });
    expect(await everything(asAlice)).to.deep.equal({ lists: ANSWERS.lists, tasks: ANSWERED_TASKS });
    expect(await asBob.all("/users/@me/lists")).to.deep.equal([]);
    const someList = ANSWERS.lists[0].id as string;
    expect((await asBob.call("GET", `/lists/${someList}/tasks`)).status).to.equal(404);
    // The list deleted before the upgrade stays deleted (a repeated DELETE still answers 204, for Alice only).
    expect((await asAlice.call("DELETE", `/users/@me/lists/${ANSWERS.deletedListId}`)).status).to.equal(204);
    expect((await asBob.call("DELETE", `/users/@me/lists/${ANSWERS.deletedListId}`)).status).to.equal(404);
  });

  it("replays the old server's Idempotency-Keys to the first account, and goes on with its revisions", async () => {
    server = await startTasksTestServer({ dbFile, users: [alice, bob] });
    const asAlice = tasksClient({ base: server.base, token: alice.token });
    const replay = await asAlice.call("POST", "/users/@me/lists", { title: "Home" }, { "Idempotency-Key": ANSWERS.idempotencyKey });
    expect(replay.headers.get("idempotent-replayed")).to.equal("true");
    expect(replay.body.id).to.equal(ANSWERS.lists[0].id);
    const etags = new Set([...ANSWERS.lists, ...Object.values(ANSWERS.tasks).flat()].map((r) => r.etag));
    const fresh = await asAlice.createList("After the upgrade");
    expect(etags.has(fresh.etag)).to.equal(false);
  });

  it("keeps a single-user server's data with its one user when the upgraded server runs in single-user mode", async () => {
    server = await startTasksTestServer({ dbFile, token: "dev-token" });
    const asMe = tasksClient({ base: server.base, token: "dev-token" });
    expect(await everything(asMe)).to.deep.equal({ lists: ANSWERS.lists, tasks: ANSWERED_TASKS });
  });

  it("hands single-user data to the first account when accounts are turned on later", async () => {
    server = await startTasksTestServer({ dbFile, token: "dev-token" });
    await tasksClient({ base: server.base, token: "dev-token" }).createList("Made in single-user mode");
    await server.close();
    server = await startTasksTestServer({ dbFile, users: [alice, bob] });
    const titles = (await tasksClient({ base: server.base, token: alice.token }).all("/users/@me/lists")).map((l) => l.title);
    expect(titles).to.deep.equal([...ANSWERS.lists.map((l) => l.title), "Made in single-user mode"]);
    expect(await tasksClient({ base: server.base, token: bob.token }).all("/users/@me/lists")).to.deep.equal([]);
  });

  it("migrates in one transaction: a step that fails leaves the old database as it was", () => {
    // Something in the way of the migration (here a table it must create).
    const db = new Database(dbFile);
    db.exec("CREATE TABLE accounts (unrelated TEXT)");
    db.close();
    expect(() => openDb(dbFile, ["alice"])).to.throw(/accounts/);
    const after = new Database(dbFile, { readonly: true });
    try {
      expect(after.pragma("user_version", { simple: true })).to.equal(1);
      const columns = (after.prepare("PRAGMA table_info(lists)").all() as Array<{ name: string }>).map((c) => c.name);
      expect(columns).not.to.include("owner");
      expect(after.prepare("SELECT count(*) AS n FROM lists").get()).to.deep.equal({ n: 3 });
      expect(after.prepare("SELECT count(*) AS n FROM tasks").get()).to.deep.equal({ n: 6 });
      expect(after.prepare("SELECT key FROM idempotency").all()).to.deep.equal([{ key: ANSWERS.idempotencyKey }]);
    } finally {
      after.close();
    }
  });
});
