import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

/** Issue 13, item 3: each account sees and changes only its own lists and tasks. */
describe("tasks API: accounts (TASKS_USERS)", () => {
  const alice = { name: "alice", token: "alice-token-0123456789" };
  const bob = { name: "bob", token: "bob-token-0123456789ab" };
  let server: TasksTestServer;
  let asAlice: ReturnType<typeof tasksClient>;
  let asBob: ReturnType<typeof tasksClient>;

  beforeEach(async () => {
    server = await startTasksTestServer({ users: [alice, bob] });
    asAlice = tasksClient({ base: server.base, token: alice.token });
    asBob = tasksClient({ base: server.base, token: bob.token });
  });
  afterEach(() => server.close({ removeFile: true }));

  it("lists only the caller's own task lists", async () => {
    await asAlice.createList("Alice's groceries");
    await asBob.createList("Bob's chores");
    expect((await asAlice.all("/users/@me/lists")).map((l) => l.title)).to.deep.equal(["Alice's groceries"]);
    expect((await asBob.all("/users/@me/lists")).map((l) => l.title)).to.deep.equal(["Bob's chores"]);
  });

  it("answers 404, never 403, for every way of reaching another account's list or task, and changes nothing", async () => {
    const list = await asAlice.createList("Private");
    const task = await asAlice.createTask(list.id, { title: "Secret" });
    const own = await asBob.createList("Bob's");
    const attempts: Array<[string, string, unknown?]> = [
      ["GET", `/users/@me/lists/${list.id}`],
      ["HEAD", `/users/@me/lists/${list.id}`],
      ["PUT", `/users/@me/lists/${list.id}`, { title: "Mine now" }],
      ["PATCH", `/users/@me/lists/${list.id}`, { title: "Mine now" }],
      ["DELETE", `/users/@me/lists/${list.id}`],
      ["GET", `/lists/${list.id}/tasks`],
      ["POST", `/lists/${list.id}/tasks`, { title: "Planted" }],
      ["POST", `/lists/${list.id}/clear`],
      ["GET", `/lists/${list.id}/tasks/${task.id}`],
      ["PATCH", `/lists/${list.id}/tasks/${task.id}`, { title: "Read" }],
      ["PUT", `/lists/${list.id}/tasks/${task.id}`, { title: "Read" }],
      ["DELETE", `/lists/${list.id}/tasks/${task.id}`],
      ["POST", `/lists/${list.id}/tasks/${task.id}/move`],
      // Alice's task through Bob's own list.
      ["GET", `/lists/${own.id}/tasks/${task.id}`],
      ["PATCH", `/lists/${own.id}/tasks/${task.id}`, { title: "Read" }],
      ["POST", `/lists/${own.id}/tasks/${task.id}/move`],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await asBob.call(method, path, body);
      expect(answer.status, `${method} ${path}`).to.equal(404);
      if (method !== "HEAD") expect(answer.text, `${method} ${path}`).not.to.contain("Secret");
    }
    // Bob cannot hang his task under Alice's, nor place it after hers.
    expect((await asBob.call("POST", `/lists/${own.id}/tasks?parent=${task.id}`, { title: "x" })).status).to.equal(400);
    expect((await asBob.call("POST", `/lists/${own.id}/tasks?previous=${task.id}`, { title: "x" })).status).to.equal(400);
    expect(await asAlice.call("GET", `/lists/${list.id}/tasks/${task.id}`)).to.deep.include({ status: 200 });
    expect((await asAlice.call("GET", `/lists/${list.id}/tasks/${task.id}`)).body).to.deep.equal(task);
    expect((await asAlice.call("GET", `/users/@me/lists/${list.id}`)).body.title).to.equal("Private");
  });

  it("publishes each account's changes on its own channel", async () => {
    const list = await asAlice.createList("A");
    await asBob.createList("B");
    await asAlice.createTask(list.id);
    expect(server.published.map((p) => [p.channel, p.change.collection, p.change.attrs.title])).to.deep.equal([
      ["user:alice", "lists", "A"],
      ["user:bob", "lists", "B"],
      ["user:alice", "tasks", "Milk"],
    ]);
  });

  it("keeps collection etags per account, so one account's writes do not show in another's", async () => {
    await asAlice.createList("A");
    const before = (await asAlice.call("GET", "/users/@me/lists")).body.etag;
    const bobs = await asBob.createList("B");
    await asBob.createTask(bobs.id);
    expect((await asAlice.call("GET", "/users/@me/lists")).body.etag).to.equal(before);
    await asAlice.createList("A2");
    expect((await asAlice.call("GET", "/users/@me/lists")).body.etag).not.to.equal(before);
  });

  it("numbers each account's versions on its own, so a record's etag does not tell how much others wrote", async () => {
    // Found from outside: etags came from one counter for all accounts, so
    // Bob saw his task's number jump by how many changes Alice had made.
    const rev = (etag: string) => Number(/^rev:(\d+)$/.exec(Buffer.from(etag.replace(/"/g, ""), "base64url").toString())![1]);
    const bobs = await asBob.createList("B");
    const task = await asBob.createTask(bobs.id);
    const first = (await asBob.call("PATCH", `/lists/${bobs.id}/tasks/${task.id}`, { title: "one" })).body.etag;
    const alices = await asAlice.createList("A");
    for (let i = 0; i < 7; i++) await asAlice.call("PATCH", `/users/@me/lists/${alices.id}`, { title: `A${i}` });
    const second = (await asBob.call("PATCH", `/lists/${bobs.id}/tasks/${task.id}`, { title: "two" })).body.etag;
    expect(rev(second) - rev(first)).to.equal(1);
  });

  it("keeps Idempotency-Keys per account: the same key from another account is a new request", async () => {
    const key = { "Idempotency-Key": "same-key" };
    const first = await asAlice.call("POST", "/users/@me/lists", { title: "Alice's" }, key);
    const other = await asBob.call("POST", "/users/@me/lists", { title: "Bob's" }, key);
    expect(other.status).to.equal(200);
    expect(other.headers.get("idempotent-replayed")).to.equal(null);
    expect(other.body.title).to.equal("Bob's");
    expect(other.body.id).not.to.equal(first.body.id);
    const replay = await asAlice.call("POST", "/users/@me/lists", { title: "Alice's" }, key);
    expect(replay.headers.get("idempotent-replayed")).to.equal("true");
    expect(replay.body.id).to.equal(first.body.id);
  });

  it("refuses a token that is no account's with 401", async () => {
    const stranger = tasksClient({ base: server.base, token: "someone-else-entirely" });
    expect((await stranger.call("GET", "/users/@me/lists")).status).to.equal(401);
  });
});
