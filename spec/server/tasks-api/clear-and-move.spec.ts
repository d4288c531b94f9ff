import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

describe("tasks API: clear and move", () => {
  let server: TasksTestServer;
  let api: ReturnType<typeof tasksClient>;
  let listId: string;

  beforeEach(async () => {
    server = await startTasksTestServer();
    api = tasksClient(server);
    listId = (await api.createList()).id;
  });
  afterEach(() => server.close({ removeFile: true }));

  /** Titles in display order: top level by position, each followed by its subtasks. */
  async function outline(): Promise<string[]> {
    const tasks = await api.all(`/lists/${listId}/tasks`);
    const under = (parent: string | null): string[] =>
      tasks
        .filter((t) => (t.parent ?? null) === parent)
        .sort((a, b) => a.position.localeCompare(b.position))
        .flatMap((t) => [parent ? `  ${t.title}` : t.title, ...under(t.id)]);
    return under(null);
  }

  it("hides completed tasks on clear: gone from the default index, shown with showHidden", async () => {
    const done = await api.createTask(listId, { title: "done", status: "completed" });
    await api.createTask(listId, { title: "open" });
    const answer = await api.call("POST", `/lists/${listId}/clear`);
    expect(answer.status).to.equal(204);
    expect((await api.all(`/lists/${listId}/tasks`)).map((t) => t.title)).to.deep.equal(["open"]);
    const hidden = await api.all(`/lists/${listId}/tasks?showHidden=true`);
    const cleared = hidden.find((t) => t.id === done.id)!;
    expect(cleared).to.include({ hidden: true });
    expect(cleared, "Google leaves deleted out unless it is true").to.not.have.property("deleted");
  });

  it("shows a cleared task again when it is reopened", async () => {
    const done = await api.createTask(listId, { title: "done", status: "completed" });
    await api.call("POST", `/lists/${listId}/clear`);
    await api.call("PATCH", `/lists/${listId}/tasks/${done.id}`, { status: "needsAction" });
    expect((await api.all(`/lists/${listId}/tasks`)).map((t) => t.id)).to.deep.equal([done.id]);
  });

  it("answers 404 when clearing an unknown list", async () => {
    expect((await api.call("POST", "/lists/nope/clear")).status).to.equal(404);
  });

  it("moves a task after another one, and to the top when previous is missing", async () => {
    const c = await api.createTask(listId, { title: "c" });
    const b = await api.createTask(listId, { title: "b" });
    const a = await api.createTask(listId, { title: "a" });
    expect(await outline()).to.deep.equal(["a", "b", "c"]);
    const moved = await api.call("POST", `/lists/${listId}/tasks/${a.id}/move?previous=${c.id}`);
    expect(moved.status).to.equal(200);
    expect(moved.body.etag).not.to.equal(a.etag);
    expect(await outline()).to.deep.equal(["b", "c", "a"]);
    await api.call("POST", `/lists/${listId}/tasks/${c.id}/move`);
    expect(await outline()).to.deep.equal(["c", "b", "a"]);
    expect(b.id).to.be.a("string");
  });

  it("moves a task under a parent, with its own subtasks, and back to the top level", async () => {
    const party = await api.createTask(listId, { title: "party" });
    const cake = await api.createTask(listId, { title: "cake" });
    const eggs = await api.createTask(listId, { title: "eggs" }, `?parent=${cake.id}`);
    await api.call("POST", `/lists/${listId}/tasks/${cake.id}/move?parent=${party.id}`);
    expect(await outline()).to.deep.equal(["party", "  cake", "  eggs"]);
    expect((await api.call("GET", `/lists/${listId}/tasks/${eggs.id}`)).body.parent).to.equal(cake.id);
    const back = await api.call("POST", `/lists/${listId}/tasks/${cake.id}/move?previous=${party.id}`);
    expect(back.body, "a top-level task has no parent field, as in Google").to.not.have.property("parent");
    expect(await outline()).to.deep.equal(["party", "cake", "  eggs"]);
  });

  // Google: "The task set as parent must exist in the task list and can not be hidden."
  it("refuses to move or insert a task under a hidden (cleared) task, naming the parameter", async () => {
    const done = await api.createTask(listId, { title: "done", status: "completed" });
    const open = await api.createTask(listId, { title: "open" });
    await api.call("POST", `/lists/${listId}/clear`);
    const moved = await api.call("POST", `/lists/${listId}/tasks/${open.id}/move?parent=${done.id}`);
    expect(moved.status).to.equal(400);
    expect(moved.body.error.message).to.contain('"parent"').and.contain("hidden");
    expect((await api.call("GET", `/lists/${listId}/tasks/${open.id}`)).body).to.not.have.property("parent");
    const under = await api.call("POST", `/lists/${listId}/tasks?parent=${done.id}`, { title: "child" });
    expect(under.status, "nor insert one under it").to.equal(400);
  });

  // Google: "The task set as previous must exist in the task list and can not be hidden." (Found comparing with Google's reference.)
  it("refuses to move a task after a hidden (cleared) task, naming the parameter", async () => {
    const done = await api.createTask(listId, { title: "done", status: "completed" });
    const open = await api.createTask(listId, { title: "open" });
    await api.call("POST", `/lists/${listId}/clear`);
    const moved = await api.call("POST", `/lists/${listId}/tasks/${open.id}/move?previous=${done.id}`);
    expect(moved.status).to.equal(400);
    expect(moved.body.error.errors[0].location).to.equal("previous");
    expect(moved.body.error.message).to.contain("hidden");
  });

  // Google: "Tasks that are both completed and hidden can only be moved to
  // position 0, so the previous field must be empty", and "cannot be nested".
  it("moves a completed, hidden task only to the top of the top level", async () => {
    const done = await api.createTask(listId, { title: "done", status: "completed" });
    const a = await api.createTask(listId, { title: "a" });
    await api.call("POST", `/lists/${listId}/clear`);
    const after = await api.call("POST", `/lists/${listId}/tasks/${done.id}/move?previous=${a.id}`);
    expect(after.status).to.equal(400);
    expect(after.body.error.errors[0].location).to.equal("previous");
    expect(after.body.error.message).to.contain("completed and hidden");
    const under = await api.call("POST", `/lists/${listId}/tasks/${done.id}/move?parent=${a.id}`);
    expect(under.status).to.equal(400);
    expect(under.body.error.errors[0].location).to.equal("parent");
    const top = await api.call("POST", `/lists/${listId}/tasks/${done.id}/move`);
    expect(top.status).to.equal(200);
    expect(top.body).to.include({ hidden: true, status: "completed" });
  });

  // Google: "destinationTasklist: … If set, the task is moved from tasklist to
  // the destinationTasklist list." The server answered 400 "not supported".
  it("moves a task with its subtasks to another list (destinationTasklist), placed by parent and previous there", async () => {
    const other = (await api.createList("Other")).id;
    const there = await api.createTask(other, { title: "there" });
    const cake = await api.createTask(listId, { title: "cake" });
    const eggs = await api.createTask(listId, { title: "eggs" }, `?parent=${cake.id}`);
    const moved = await api.call("POST", `/lists/${listId}/tasks/${cake.id}/move?destinationTasklist=${other}&previous=${there.id}`);
    expect(moved.status).to.equal(200);
    expect(moved.body.selfLink).to.contain(`/lists/${other}/tasks/${cake.id}`);
    expect(await outline()).to.deep.equal([]);
    expect((await api.all(`/lists/${other}/tasks`)).map((t: { title: string; parent?: string }) => (t.parent ? `  ${t.title}` : t.title))).to.deep.equal(["there", "cake", "  eggs"]);
    expect((await api.call("GET", `/lists/${other}/tasks/${eggs.id}`)).body.parent).to.equal(cake.id);
    expect((await api.call("GET", `/lists/${listId}/tasks/${cake.id}`)).status).to.equal(404);

    const unknown = await api.call("POST", `/lists/${other}/tasks/${cake.id}/move?destinationTasklist=nope`);
    expect(unknown.status).to.equal(404);
  });

  it("refuses to move a task under itself or its own subtask", async () => {
    const a = await api.createTask(listId, { title: "a" });
    const child = await api.createTask(listId, { title: "child" }, `?parent=${a.id}`);
    const self = await api.call("POST", `/lists/${listId}/tasks/${a.id}/move?parent=${a.id}`);
    expect(self.status).to.equal(400);
    const loop = await api.call("POST", `/lists/${listId}/tasks/${a.id}/move?parent=${child.id}`);
    expect(loop.status).to.equal(400);
    expect(loop.body.error.message).to.contain("parent");
  });

  it("refuses a previous that is not a sibling under the new parent", async () => {
    const a = await api.createTask(listId, { title: "a" });
    const b = await api.createTask(listId, { title: "b" });
    const child = await api.createTask(listId, { title: "child" }, `?parent=${a.id}`);
    const answer = await api.call("POST", `/lists/${listId}/tasks/${b.id}/move?previous=${child.id}`);
    expect(answer.status).to.equal(400);
    expect(answer.body.error.errors[0].location).to.equal("previous");
  });

  it("answers 404 when moving an unknown or deleted task", async () => {
    const a = await api.createTask(listId);
    await api.call("DELETE", `/lists/${listId}/tasks/${a.id}`);
    expect((await api.call("POST", `/lists/${listId}/tasks/${a.id}/move`)).status).to.equal(404);
    expect((await api.call("POST", `/lists/${listId}/tasks/nope/move`)).status).to.equal(404);
  });

  it("keeps a consistent order through many moves to the same spot (renumbering siblings)", async () => {
    const ids: string[] = [];
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await api.createTask(listId, { title: `t${i}` }));
    ids.push(...created.map((t) => t.id));
    // Always between the first two: halves the same gap until it runs out.
    const first = ids[4];
    for (let i = 0; i < 70; i++) {
      const mover = ids[i % 4];
      await api.call("POST", `/lists/${listId}/tasks/${mover}/move?previous=${first}`);
    }
    const order = await outline();
    expect(order).to.have.length(5);
    expect(order[0]).to.equal("t4");
    const tasks = await api.all(`/lists/${listId}/tasks`);
    expect(new Set(tasks.map((t) => t.position)).size).to.equal(5);
    // t4 never moved: its position changed only because the siblings were renumbered.
    expect(tasks.find((t) => t.id === first)?.position).not.to.equal(created[4].position);
  });

  // Found by an attack on the example server: when the room at one spot ran
  // out, every sibling was renumbered (a write and a live update each) in one
  // transaction; a user adding tasks after the same one in a list of
  // thousands stalled the server for every account. Only those near it move.
  it("renumbers only the tasks near a spot whose room ran out, not the whole list", async () => {
    const count = 400;
    for (let i = 0; i < count; i++) await api.createTask(listId, { title: `t${i}` });
    const before = new Map((await api.all(`/lists/${listId}/tasks`)).map((t) => [t.id, t.position]));
    const spot = [...before].sort((a, b) => a[1].localeCompare(b[1]))[count / 2][0];
    for (let i = 0; i < 100; i++) await api.createTask(listId, { title: `after the spot ${i}` }, `?previous=${spot}`);

    const after = await api.all(`/lists/${listId}/tasks`);
    const moved = after.filter((t) => before.has(t.id) && before.get(t.id) !== t.position).length;
    expect(new Set(after.map((t) => t.position)).size, "every position distinct").to.equal(count + 100);
    expect(moved, "tasks of the list renumbered").to.be.above(0).and.at.most(count / 4);
    const order = await outline();
    expect(order.slice(order.indexOf(after.find((t) => t.id === spot)!.title) + 1).slice(0, 3)).to.deep.equal(["after the spot 99", "after the spot 98", "after the spot 97"]);
  });
});
