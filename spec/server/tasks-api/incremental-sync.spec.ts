import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

describe("tasks API: incremental sync", () => {
  let server: TasksTestServer;
  let api: ReturnType<typeof tasksClient>;
  let listId: string;
  // An injected clock, so "changed after" is decided by the spec and not by timing.
  let clock: number;

  beforeEach(async () => {
    clock = Date.parse("2024-01-01T00:00:00.000Z");
    server = await startTasksTestServer({ now: () => clock });
    api = tasksClient(server);
    listId = (await api.createList()).id;
  });
  afterEach(() => server.close({ removeFile: true }));

  it("returns only tasks changed since updatedMin, including deletions with showDeleted", async () => {
    const kept = await api.createTask(listId, { title: "kept" });
    const edited = await api.createTask(listId, { title: "edited" });
    const removed = await api.createTask(listId, { title: "removed" });
    clock += 60_000;
    const since = new Date(clock).toISOString();
    await api.call("PATCH", `/lists/${listId}/tasks/${edited.id}`, { title: "edited twice" });
    await api.call("DELETE", `/lists/${listId}/tasks/${removed.id}`);
    const added = await api.createTask(listId, { title: "added" });

    const changed = await api.all(`/lists/${listId}/tasks?updatedMin=${since}&showDeleted=true&showHidden=true`);
    const byId = Object.fromEntries(changed.map((t) => [t.id, t]));
    expect(Object.keys(byId).sort()).to.deep.equal([edited.id, removed.id, added.id].sort());
    expect(byId[removed.id].deleted).to.equal(true);
    expect(byId[edited.id].title).to.equal("edited twice");
    expect(byId).not.to.have.property(kept.id);
  });

  it("leaves deleted tasks out unless showDeleted is true", async () => {
    const task = await api.createTask(listId);
    await api.call("DELETE", `/lists/${listId}/tasks/${task.id}`);
    expect(await api.all(`/lists/${listId}/tasks`)).to.deep.equal([]);
    expect((await api.all(`/lists/${listId}/tasks?showDeleted=true`)).map((t) => t.id)).to.deep.equal([task.id]);
  });

  it("treats updatedMin as inclusive, so a change at the boundary is never missed", async () => {
    const task = await api.createTask(listId);
    const page = await api.all(`/lists/${listId}/tasks?updatedMin=${task.updated}`);
    expect(page.map((t) => t.id)).to.deep.equal([task.id]);
  });

  it("never stamps a change earlier than the one before it, even when the clock steps back", async () => {
    const first = await api.createTask(listId, { title: "first" });
    clock -= 3_600_000;
    const second = await api.createTask(listId, { title: "second" });
    expect(Date.parse(second.updated)).to.be.at.least(Date.parse(first.updated));
    const since = await api.all(`/lists/${listId}/tasks?updatedMin=${first.updated}`);
    expect(since.map((t) => t.title)).to.include("second");
  });

  it("filters by showCompleted, dueMin/dueMax and completedMin", async () => {
    await api.createTask(listId, { title: "open", due: "2024-02-01T00:00:00.000Z" });
    await api.createTask(listId, { title: "done", status: "completed", completed: "2024-01-15T00:00:00.000Z" });
    const titles = async (query: string) => (await api.all(`/lists/${listId}/tasks?${query}`)).map((t) => t.title);
    expect(await titles("showCompleted=false")).to.deep.equal(["open"]);
    expect(await titles("dueMin=2024-01-20T00:00:00Z&dueMax=2024-02-10T00:00:00Z")).to.deep.equal(["open"]);
    expect(await titles("dueMin=2024-03-01T00:00:00Z")).to.deep.equal([]);
    expect(await titles("completedMin=2024-01-10T00:00:00Z")).to.deep.equal(["done"]);
  });

  it("refuses an updatedMin that is not an RFC 3339 time, naming the parameter", async () => {
    const answer = await api.call("GET", `/lists/${listId}/tasks?updatedMin=yesterday`);
    expect(answer.status).to.equal(400);
    expect(answer.body.error.message).to.contain("updatedMin");
    const flag = await api.call("GET", `/lists/${listId}/tasks?showDeleted=yes`);
    expect(flag.status).to.equal(400);
    expect(flag.body.error.message).to.contain("showDeleted");
  });
});
