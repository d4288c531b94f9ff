import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

describe("tasks API: tasks", () => {
  let server: TasksTestServer;
  let api: ReturnType<typeof tasksClient>;
  let listId: string;

  beforeEach(async () => {
    server = await startTasksTestServer();
    api = tasksClient(server);
    listId = (await api.createList("Groceries")).id;
  });
  afterEach(() => server.close({ removeFile: true }));

  it("creates a task with Google's fields and a server-assigned id", async () => {
    const answer = await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk", notes: "2 litres", id: "local-uuid", color: "ignored" });
    expect(answer.status).to.equal(200);
    const task = answer.body;
    expect(task).to.include({ kind: "tasks#task", title: "Milk", notes: "2 litres", status: "needsAction" });
    expect(task.id).to.be.a("string").and.not.equal("local-uuid");
    expect(task).not.to.have.property("color");
    expect(task.position).to.match(/^\d{20}$/);
    expect(task.links).to.deep.equal([]);
    // Empty fields are left out, as Google leaves them out.
    for (const field of ["parent", "due", "completed", "deleted", "hidden"]) expect(task, field).to.not.have.property(field);
    expect(task.selfLink).to.equal(`${server.base}/lists/${listId}/tasks/${task.id}`);
    expect(answer.headers.get("etag")).to.equal(task.etag);
  });

  it("gets a task by id", async () => {
    const task = await api.createTask(listId, { title: "Eggs" });
    const found = await api.call("GET", `/lists/${listId}/tasks/${task.id}`);
    expect(found.status).to.equal(200);
    expect(found.body).to.deep.equal(task);
  });

  it("answers 404 for an unknown task, an unknown list, and a task asked for under another list", async () => {
    const task = await api.createTask(listId);
    const other = await api.createList("Other");
    expect((await api.call("GET", `/lists/${listId}/tasks/nope`)).status).to.equal(404);
    expect((await api.call("GET", `/lists/nope/tasks/${task.id}`)).status).to.equal(404);
    expect((await api.call("GET", `/lists/${other.id}/tasks/${task.id}`)).status).to.equal(404);
    expect((await api.call("PATCH", `/lists/${listId}/tasks/nope`, { title: "x" })).status).to.equal(404);
    expect((await api.call("POST", "/lists/nope/tasks", { title: "x" })).status).to.equal(404);
  });

  it("stamps completed when a task is completed and clears it when it is reopened", async () => {
    const task = await api.createTask(listId);
    const done = await api.call("PATCH", `/lists/${listId}/tasks/${task.id}`, { status: "completed" });
    expect(done.body.status).to.equal("completed");
    expect(done.body.completed).to.match(/Z$/);
    const reopened = await api.call("PATCH", `/lists/${listId}/tasks/${task.id}`, { status: "needsAction" });
    expect(reopened.body).to.not.have.property("completed");
  });

  it("keeps a completion time the client sends", async () => {
    const task = await api.createTask(listId, { status: "completed", completed: "2024-03-01T10:00:00.000Z" });
    expect(task.completed).to.equal("2024-03-01T10:00:00.000Z");
  });

  it("keeps only the date of due, as Google does", async () => {
    const task = await api.createTask(listId, { due: "2024-05-01T15:30:00.000Z" });
    expect(task.due).to.equal("2024-05-01T00:00:00.000Z");
  });

  it("replaces every writable field on PUT but only the sent ones on PATCH", async () => {
    const task = await api.createTask(listId, { title: "Milk", notes: "2 litres", due: "2024-05-01T00:00:00.000Z" });
    const patched = await api.call("PATCH", `/lists/${listId}/tasks/${task.id}`, { title: "Oat milk" });
    expect(patched.body).to.include({ title: "Oat milk", notes: "2 litres", due: "2024-05-01T00:00:00.000Z" });
    const put = await api.call("PUT", `/lists/${listId}/tasks/${task.id}`, { title: "Soy milk" });
    expect(put.body).to.include({ title: "Soy milk", status: "needsAction" });
    expect(put.body).to.not.have.any.keys("notes", "due");
  });

  it("clears a field sent as null", async () => {
    const task = await api.createTask(listId, { notes: "x" });
    const patched = await api.call("PATCH", `/lists/${listId}/tasks/${task.id}`, { notes: null });
    expect(patched.body).to.not.have.property("notes");
  });

  it("changes the etag and never lowers updated on every update", async () => {
    const task = await api.createTask(listId);
    const seen = new Set([task.etag]);
    let previous = task;
    for (const title of ["a", "b", "c"]) {
      const next = (await api.call("PATCH", `/lists/${listId}/tasks/${task.id}`, { title })).body;
      expect(seen.has(next.etag)).to.equal(false);
      expect(Date.parse(next.updated)).to.be.at.least(Date.parse(previous.updated));
      seen.add(next.etag);
      previous = next;
    }
  });

  it("deletes a task as a tombstone: 204, still readable with deleted: true, hidden from the index", async () => {
    const task = await api.createTask(listId);
    const del = await api.call("DELETE", `/lists/${listId}/tasks/${task.id}`);
    expect(del.status).to.equal(204);
    expect(del.text).to.equal("");
    const got = await api.call("GET", `/lists/${listId}/tasks/${task.id}`);
    expect(got.body.deleted).to.equal(true);
    expect((await api.call("GET", `/lists/${listId}/tasks`)).body).not.to.have.property("items");
    expect((await api.call("DELETE", `/lists/${listId}/tasks/${task.id}`)).status).to.equal(204);
  });

  it("deletes the subtasks of a deleted task", async () => {
    const parent = await api.createTask(listId, { title: "Party" });
    const child = await api.createTask(listId, { title: "Cake" }, `?parent=${parent.id}`);
    expect(child.parent).to.equal(parent.id);
    await api.call("DELETE", `/lists/${listId}/tasks/${parent.id}`);
    expect((await api.call("GET", `/lists/${listId}/tasks/${child.id}`)).body.deleted).to.equal(true);
  });

  it("deletes a task through an update that sets deleted: true, and reports it as a deletion", async () => {
    const task = await api.createTask(listId);
    const answer = await api.call("PATCH", `/lists/${listId}/tasks/${task.id}`, { deleted: true, title: "gone" });
    expect(answer.body).to.include({ deleted: true, title: "gone" });
    expect(server.changes.at(-1)).to.include({ type: "deleted", id: task.id });
  });

  it("places a new task first among its siblings, or after the one named by previous", async () => {
    const first = await api.createTask(listId, { title: "1" });
    const top = await api.createTask(listId, { title: "0" });
    const after = await api.createTask(listId, { title: "1.5" }, `?previous=${first.id}`);
    const order = (await api.all(`/lists/${listId}/tasks`)).sort((a, b) => a.position.localeCompare(b.position)).map((t) => t.title);
    expect(order).to.deep.equal(["0", "1", "1.5"]);
    expect(top.position < first.position).to.equal(true);
    expect(after.position > first.position).to.equal(true);
  });

  it("refuses a parent or previous that is not in the list, naming the parameter", async () => {
    const parent = await api.call("POST", `/lists/${listId}/tasks?parent=nope`, { title: "x" });
    expect(parent.status).to.equal(400);
    expect(parent.body.error.errors[0]).to.include({ location: "parent", locationType: "parameter" });
    const previous = await api.call("POST", `/lists/${listId}/tasks?previous=nope`, { title: "x" });
    expect(previous.status).to.equal(400);
    expect(previous.body.error.message).to.contain("previous");
  });

  it("refuses an update whose If-Match names an older version with 412, and accepts the current one", async () => {
    const task = await api.createTask(listId);
    const updated = (await api.call("PATCH", `/lists/${listId}/tasks/${task.id}`, { title: "new" }, { "If-Match": task.etag })).body;
    const stale = await api.call("PATCH", `/lists/${listId}/tasks/${task.id}`, { title: "stale" }, { "If-Match": task.etag });
    expect(stale.status).to.equal(412);
    expect(stale.body.error.status).to.equal("FAILED_PRECONDITION");
    const del = await api.call("DELETE", `/lists/${listId}/tasks/${task.id}`, undefined, { "If-Match": task.etag });
    expect(del.status).to.equal(412);
    expect((await api.call("GET", `/lists/${listId}/tasks/${task.id}`)).body.title).to.equal("new");
    expect((await api.call("DELETE", `/lists/${listId}/tasks/${task.id}`, undefined, { "If-Match": updated.etag })).status).to.equal(204);
  });

  it("reports task changes with the task as the API returns it", async () => {
    const task = await api.createTask(listId, { title: "Milk" });
    const change = server.changes.find((c) => c.collection === "tasks" && c.id === task.id);
    expect(change).to.deep.equal({ type: "created", collection: "tasks", id: task.id, attrs: task });
  });
});
