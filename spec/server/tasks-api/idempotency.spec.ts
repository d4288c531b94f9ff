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
