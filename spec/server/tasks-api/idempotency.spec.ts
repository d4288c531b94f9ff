import Database from "better-sqlite3";
import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

describe("tasks API: Idempotency-Key", () => {
  let server: TasksTestServer;
  let api: ReturnType<typeof tasksClient>;
  let listId: string;

  beforeEach(async () => {
    server = await startTasksTestServer();
    api = tasksClient(server);
    listId = (await api.createList()).id;
  });
  afterEach(() => server.close({ removeFile: true }));

  it("creates one task when a POST is sent twice with the same key, and answers both the same", async () => {
    const first = await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "k1" });
    const second = await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "k1" });
    expect(second.status).to.equal(first.status);
    expect(second.body).to.deep.equal(first.body);
    expect(second.headers.get("idempotent-replayed")).to.equal("true");
    expect(await api.all(`/lists/${listId}/tasks`)).to.have.length(1);
    expect(server.changes.filter((c) => c.collection === "tasks")).to.have.length(1);
  });

  it("runs requests with different keys separately", async () => {
    await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "a" });
    await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "b" });
    expect(await api.all(`/lists/${listId}/tasks`)).to.have.length(2);
  });

  it("replays a DELETE's 204", async () => {
    const task = await api.createTask(listId);
    const first = await api.call("DELETE", `/lists/${listId}/tasks/${task.id}`, undefined, { "Idempotency-Key": "d" });
    const again = await api.call("DELETE", `/lists/${listId}/tasks/${task.id}`, undefined, { "Idempotency-Key": "d" });
    expect([first.status, again.status]).to.deep.equal([204, 204]);
    expect(server.changes.filter((c) => c.type === "deleted")).to.have.length(1);
  });

  it("refuses a key reused for another request with 422", async () => {
    await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "k" });
    const other = await api.call("POST", "/users/@me/lists", { title: "Other" }, { "Idempotency-Key": "k" });
    expect(other.status).to.equal(422);
    expect(other.body.error.message).to.contain("Idempotency-Key");
  });

  it("refuses a key sent again with another body (422), and leaves the first answer and the data as they were", async () => {
    // A sloppy client reuses one key for every create: the second task must not vanish into a replay of the first.
    const first = await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "same" });
    const other = await api.call("POST", `/lists/${listId}/tasks`, { title: "Bread" }, { "Idempotency-Key": "same" });
    expect(other.status).to.equal(422);
    expect(other.body.error.message).to.contain("Idempotency-Key").and.to.contain("another body");
    expect(other.headers.get("idempotent-replayed")).to.equal(null);
    expect((await api.all(`/lists/${listId}/tasks`)).map((t: { title: string }) => t.title)).to.deep.equal(["Milk"]);
    // The same request again still replays, however its JSON is spaced or its keys ordered.
    const patch = { title: "Oat milk", notes: "2 l" };
    await api.call("PATCH", `/lists/${listId}/tasks/${first.body.id}`, patch, { "Idempotency-Key": "p" });
    const respaced = await api.call("PATCH", `/lists/${listId}/tasks/${first.body.id}`, '{ "notes": "2 l",  "title": "Oat milk" }', { "Idempotency-Key": "p" });
    expect(respaced.status).to.equal(200);
    expect(respaced.headers.get("idempotent-replayed")).to.equal("true");
  });

  it("still replays a key stored before bodies were fingerprinted", async () => {
    const first = await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "old" });
    await server.close();
    const db = new Database(server.dbFile);
    db.exec("UPDATE idempotency SET fingerprint = NULL");
    db.close();
    server = await startTasksTestServer({ dbFile: server.dbFile });
    api = tasksClient(server);
    const again = await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "old" });
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    expect(again.body.id).to.equal(first.body.id);
  });

  it("answers a deeply nested body sent with a key as bad input, not as a server failure", async () => {
    // The digest of the body is taken before the handler reads it; a body of 256 KiB (the limit) can nest far deeper than a call stack.
    const errors: unknown[] = [];
    await server.close();
    server = await startTasksTestServer({ dbFile: server.dbFile, onError: (err) => errors.push(err) });
    api = tasksClient(server);
    const depth = 100_000;
    const deep = `{"title":"Milk","notes":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    const answer = await api.call("POST", `/lists/${listId}/tasks`, deep, { "Idempotency-Key": "deep" });
    expect(answer.status).to.equal(400);
    // Refused before it is parsed (bad-input.spec.ts).
    expect(answer.body.error.message).to.contain("nests objects or arrays deeper than 64 levels");
    expect(errors).to.deep.equal([]);
  });

  it("does not remember a refused request, so a corrected retry with the same key runs", async () => {
    const bad = await api.call("POST", `/lists/${listId}/tasks`, { title: 1 }, { "Idempotency-Key": "fix" });
    expect(bad.status).to.equal(400);
    const good = await api.call("POST", `/lists/${listId}/tasks`, { title: "1" }, { "Idempotency-Key": "fix" });
    expect(good.status).to.equal(200);
    expect(await api.all(`/lists/${listId}/tasks`)).to.have.length(1);
  });

  it("remembers keys across a restart", async () => {
    const first = await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "durable" });
    await server.close();
    server = await startTasksTestServer({ dbFile: server.dbFile });
    api = tasksClient(server);
    const again = await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk" }, { "Idempotency-Key": "durable" });
    expect(again.body.id).to.equal(first.body.id);
    expect(await api.all(`/lists/${listId}/tasks`)).to.have.length(1);
  });
});
