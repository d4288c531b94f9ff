import { expect } from "chai";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { googleRoutes, resetModels, Task } from "../models";

/** rc.conditionalUpdates: an edit based on an old version is merged, not blindly written over. */
describe("conditional updates (If-Match)", () => {
  let tasks: TasksTestServer;
  let client: ReturnType<typeof tasksClient>;
  let atmos: Atmos;
  let listId: string;

  beforeEach(async () => {
    resetModels();
    tasks = await startTasksTestServer();
    client = tasksClient(tasks);
    listId = (await client.createList("Groceries")).id;
    atmos = new Atmos({ storage: new MemoryStorage() });
    const rc = atmos.resourceClient;
    rc.base = tasks.base;
    rc.routes = googleRoutes;
    rc.addHeader("Authorization", `Bearer ${tasks.token}`);
    rc.conditionalUpdates = true;
  });
  afterEach(async () => {
    atmos.close();
    delete (Task as any).resolveConflict;
    await tasks.close({ removeFile: true });
  });

  async function taskEditedElsewhere() {
    const created = await client.createTask(listId, { title: "milk", notes: "" });
    await (Task as any).sync({ remote: true, pathParams: { taskListID: listId } });
    // Another device renames it after this page pulled it.
    const other = await client.call("PATCH", `/lists/${listId}/tasks/${created.id}`, { title: "oat milk" });
    expect(other.status).to.equal(200);
    return created.id as string;
  }

  // Found by a data-loss hunt: the merged version went under the key of the
  // refused one, so a server that keeps every answer under its key (the
  // README asks for replays) answered it with the 412 again, three times,
  // and the edit was parked, never sent.
  it("sends the merged version after a 412 under a key of its own, as any change sent again after a refusal", async () => {
    const id = await taskEditedElsewhere();
    const task = Task.find(id);
    task.notes = "2 litres";
    task.save({ remote: true });
    await atmos.whenSynced();
    const puts = tasks.requests.filter((r) => r.method === "PUT");
    const keys = puts.map((r) => r.headers["idempotency-key"]);
    expect(keys).to.have.length(2);
    expect(keys[1]).to.equal(`${keys[0]}.1`);
    expect((Task.find(id) as any).syncState()).to.equal("synced");
  });

  // Found by a data-loss hunt: the server's version fetched after a 412 (a
  // Google task's body carries no taskListID) became the record's last
  // server version as it was, so a revert after the merged version was
  // refused took the task out of its list, and its next remote save threw.
  it("keeps what the fetched version leaves out (the task's list), so a revert after a 412 keeps the task in its list", async () => {
    const id = await taskEditedElsewhere();
    // The merged version is refused (422), as a server's validation may.
    const rc = atmos.resourceClient;
    const send = rc.fetch;
    let puts = 0;
    rc.fetch = (url, init) => (init?.method === "PUT" && ++puts === 2 ? Promise.resolve(new Response(JSON.stringify({ error: { code: 422, message: "Invalid value" } }), { status: 422, headers: { "Content-Type": "application/json" } })) : send(url, init));
    const task = Task.find(id);
    task.notes = "2 litres";
    task.save({ remote: true });
    await atmos.whenSynced();
    expect((Task.find(id) as any).syncState()).to.equal("failed");
    await atmos.revert(Task.find(id) as any);
    const reverted = Task.find(id);
    expect([reverted.title, reverted.taskListID, (reverted as any).syncState()]).to.deep.equal(["oat milk", listId, "synced"]);
    reverted.title = "oat milk, 2 litres";
    reverted.save({ remote: true });
    await atmos.whenSynced();
    expect((await client.call("GET", `/lists/${listId}/tasks/${id}`)).body.title).to.equal("oat milk, 2 litres");
  });

  it("keeps the user's changed field and the other device's change, and emits conflict", async () => {
    const id = await taskEditedElsewhere();
    const conflicts: any[] = [];
    atmos.on("conflict", (c) => conflicts.push(c));
    const task = Task.find(id);
    task.notes = "2 litres";
    task.save({ remote: true });
    await atmos.whenSynced();

    const server = (await client.call("GET", `/lists/${listId}/tasks/${id}`)).body;
    expect(server.title).to.equal("oat milk");
    expect(server.notes).to.equal("2 litres");
    expect(Task.find(id).title).to.equal("oat milk");
    expect((Task.find(id) as any).syncState()).to.equal("synced");
    expect(conflicts).to.have.length(1);
    expect(conflicts[0].remote.title).to.equal("oat milk");
    expect([conflicts[0].base.title, conflicts[0].base.notes], "the version the edit started from").to.deep.equal(["milk", ""]);
    expect(tasks.requests.filter((r) => r.method === "PUT").map((r) => r.headers["if-match"])).to.have.length(2);
  });

  it("lets Model.resolveConflict decide the merged version", async () => {
    const id = await taskEditedElsewhere();
    (Task as any).resolveConflict = (local: any, remote: any) => ({ ...remote, notes: `${local.notes} (merged)` });
    const task = Task.find(id);
    task.notes = "2 litres";
    task.save({ remote: true });
    await atmos.whenSynced();
    const server = (await client.call("GET", `/lists/${listId}/tasks/${id}`)).body;
    expect(server.notes).to.equal("2 litres (merged)");
    expect(server.title).to.equal("oat milk");
  });

  it("sends no If-Match when the option is off", async () => {
    atmos.resourceClient.conditionalUpdates = false;
    const id = await taskEditedElsewhere();
    const task = Task.find(id);
    task.notes = "2 litres";
    task.save({ remote: true });
    await atmos.whenSynced();
    expect(tasks.requests.filter((r) => r.method === "PUT").map((r) => r.headers["if-match"])).to.deep.equal([undefined]);
  });
});
