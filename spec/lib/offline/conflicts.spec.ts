import { expect } from "chai";
import type { ConflictEvent } from "../../../lib";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { openPage, recordEvents, type OfflinePage } from "./offline-page";

/** Issue 6, "conflicts": the server changed a record the user is editing offline. */
describe("offline: a server change to a record with an unsent edit is merged, not lost", () => {
  let api: TasksTestServer;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string; title: string; notes?: string };

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    page = openPage({ base: api.base, token: api.token });
    client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    milk = await client.createTask(listId, { title: "milk", notes: "1 litre" });
    await pull();
  });
  afterEach(async () => {
    delete (Task as any).resolveConflict;
    page.close();
    await api.close({ removeFile: true });
  });

  function pull() {
    return models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  }
  const serverTask = async () => (await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body;

  it("keeps the fields the user changed and takes the server's others, then sends the merge", async () => {
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" });
    await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { notes: "2 litres", status: "completed" });
    await pull();

    const merged = Task.find(milk.id) as any;
    expect([merged.title, merged.notes, merged.status]).to.deep.equal(["oat milk", "2 litres", "completed"]);
    expect(merged.syncState()).to.equal("local");
    await page.atmos.push();
    const server = await serverTask();
    expect([server.title, server.notes, server.status]).to.deep.equal(["oat milk", "2 litres", "completed"]);
  });

  it("keeps the user's value of a field both sides changed", async () => {
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: false });
    await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "cow milk" });
    await pull();
    expect((Task.find(milk.id) as Task).title).to.equal("oat milk");
  });

  it("emits a conflict event with the local, remote, merged and base versions", async () => {
    const conflicts = recordEvents(page.atmos, "conflict");
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" });
    await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { notes: "2 litres" });
    await pull();

    expect(conflicts).to.have.length(1);
    const event = conflicts[0] as ConflictEvent;
    expect(event.model).to.equal("Task");
    expect((event.record as Task).id).to.equal(milk.id);
    expect(event.local).to.include({ title: "oat milk", notes: "1 litre" });
    expect(event.remote).to.include({ title: "milk", notes: "2 litres" });
    expect(event.merged).to.include({ title: "oat milk", notes: "2 litres" });
    // What the edit started from: a page can tell the fields both sides changed (none here).
    expect(event.base).to.include({ title: "milk", notes: "1 litre" });
  });

  it("emits no conflict when the server did not change the record", async () => {
    const conflicts = recordEvents(page.atmos, "conflict");
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" });
    await pull();
    expect(conflicts).to.deep.equal([]);
    expect((Task.find(milk.id) as Task).title).to.equal("oat milk");
  });

  it("uses Model.resolveConflict(local, remote, base) when the model defines it", async () => {
    const calls: unknown[][] = [];
    (Task as any).resolveConflict = (local: any, remote: any, base: any) => {
      calls.push([local, remote, base]);
      return { ...remote, title: `${remote.title} / ${local.title}`, notes: local.notes };
    };
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk", notes: "mine" });
    await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "cow milk", notes: "theirs" });
    const conflicts = recordEvents(page.atmos, "conflict");
    await pull();

    expect(calls).to.have.length(1);
    const [local, remote, base] = calls[0] as any[];
    expect(local).to.include({ title: "oat milk", notes: "mine" });
    expect(remote).to.include({ title: "cow milk", notes: "theirs" });
    expect(base).to.include({ title: "milk", notes: "1 litre" });
    const merged = Task.find(milk.id) as Task;
    expect([merged.id, merged.title, merged.notes]).to.deep.equal([milk.id, "cow milk / oat milk", "mine"]);
    expect(conflicts).to.have.length(1);

    await page.atmos.push();
    expect((await serverTask()).title).to.equal("cow milk / oat milk");
  });

  it("merges the fields a Model.resolveConflict leaves out as without it, so none is lost (taskListID, the server's status)", async () => {
    (Task as any).resolveConflict = (local: any, remote: any) => ({ notes: `${remote.notes} + ${local.notes}` });
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk", notes: "mine" });
    await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { notes: "theirs", status: "completed" });
    await pull();

    const merged = Task.find(milk.id) as any;
    expect([merged.title, merged.notes, merged.status, merged.taskListID]).to.deep.equal(["oat milk", "theirs + mine", "completed", listId]);
    await page.atmos.push();
    const server = await serverTask();
    expect([server.title, server.notes, server.status]).to.deep.equal(["oat milk", "theirs + mine", "completed"]);
  });

  it("merges a server change that arrives while the edit is parked, and keeps it failed until retried", async () => {
    const local = Task.find(milk.id) as Task;
    local.updateAttributes({ title: "x".repeat(2000) }, { remote: true }); // over the server's title limit: 400
    await page.atmos.whenSynced();
    expect((Task.find(milk.id) as any).syncState()).to.equal("failed");
    await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { notes: "2 litres" });
    await pull();
    const merged = Task.find(milk.id) as any;
    expect(merged.title).to.have.length(2000);
    expect(merged.notes).to.equal("2 litres");
    expect(merged.syncState()).to.equal("failed");
  });

  // Found by an outside check of the packed package: after a merge, the
  // update carried the server's own fields the model does not declare
  // (Google's kind and selfLink), which a plain save never sends (a server
  // whose PUT replaces the record, or that refuses unknown fields, takes
  // them badly).
  it("sends only the model's declared fields after a merge, as any save does", async () => {
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: false });
    await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { notes: "2 litres" });
    await pull();
    const sent = api.requests.length;
    await page.atmos.push();
    const puts = api.requests.slice(sent).filter((r) => r.method === "PUT" || r.method === "PATCH");
    expect(puts).to.have.length(1);
    const body = puts[0].body as Record<string, unknown>;
    expect(Object.keys(body).filter((k) => !["id", "title", "notes", "status", "due", "taskListID", "etag", "updated", "position"].includes(k))).to.deep.equal([]);
    expect(body).to.include({ title: "oat milk", notes: "2 litres" });
  });
});
