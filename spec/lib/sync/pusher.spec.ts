import { expect } from "chai";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { googleRoutes, List, models, resetModels, Task } from "../models";

/** Sending local changes to the Google-compatible tasks API. */
describe("sending changes", () => {
  let tasks: TasksTestServer;
  let client: ReturnType<typeof tasksClient>;
  let storage: MemoryStorage;
  let atmos: Atmos;
  let listId: string;
  /** Requests atmos2 sent (the spec's own setup calls are left out). */
  let sent: () => string[];

  const open = () => {
    atmos = new Atmos({ storage });
    const rc = atmos.resourceClient;
    rc.base = tasks.base;
    rc.routes = googleRoutes;
    rc.addHeader("Authorization", `Bearer ${tasks.token}`);
  };
  const reload = async () => {
    await atmos.whenSynced();
    atmos.close();
    resetModels();
    open();
    await models.Task.sync();
    await models.List.sync();
  };

  beforeEach(async () => {
    resetModels();
    tasks = await startTasksTestServer();
    client = tasksClient(tasks);
    listId = (await client.createList("Groceries")).id;
    const skip = tasks.requests.length;
    sent = () => tasks.requests.slice(skip).map((r) => `${r.method} ${r.path.replace("/tasks/v1", "")}`);
    storage = new MemoryStorage();
    open();
  });
  afterEach(async () => {
    atmos.close();
    await tasks.close({ removeFile: true });
  });

  it("sends a new record as POST, then its next save as PUT to its server URL", async () => {
    new Task({ title: "milk", taskListID: listId }).save({ remote: true });
    await atmos.whenSynced();
    const task = Task.first()!;
    task.title = "oat milk";
    task.save({ remote: true });
    await atmos.whenSynced();
    expect(sent()).to.deep.equal([`POST /lists/${listId}/tasks`, `PUT /lists/${listId}/tasks/${task.id}`]);
    expect((await client.all(`/lists/${listId}/tasks`)).map((t) => t.title)).to.deep.equal(["oat milk"]);
  });

  it("sends PUT, not a second POST, for an acknowledged record after a reload", async () => {
    new Task({ title: "milk", taskListID: listId }).save({ remote: true });
    await reload();
    const task = Task.first()!;
    task.title = "bread";
    task.save({ remote: true });
    await atmos.whenSynced();
    expect(sent()).to.deep.equal([`POST /lists/${listId}/tasks`, `PUT /lists/${listId}/tasks/${task.id}`]);
    expect((await client.all(`/lists/${listId}/tasks`)).map((t) => t.title)).to.deep.equal(["bread"]);
  });

  it("gives the record the server's id: find works under it and its storage key moves", async () => {
    const task = new Task({ title: "milk", taskListID: listId });
    task.save({ remote: true });
    const localId = task.id;
    await atmos.whenSynced();
    const [serverTask] = await client.all(`/lists/${listId}/tasks`);
    expect(serverTask.id).not.to.equal(localId);
    expect(Task.find(serverTask.id).title).to.equal("milk");
    expect(Task.all().map((t) => t.id)).to.deep.equal([serverTask.id]);
    expect(storage.getItem(`atmos2:rec:Task:${serverTask.id}`)).to.be.a("string");
    expect(storage.getItem(`atmos2:rec:Task:${localId}`)).to.equal(null);
  });

  it("sends a task made offline in a list made offline after the list, with the list's server id", async () => {
    const list = new List({ title: "Hardware" });
    list.save();
    const task = new Task({ title: "nails", taskListID: list.id });
    task.save();
    await atmos.push();
    const requests = sent();
    const serverList = (await client.all("/users/@me/lists")).find((l) => l.title === "Hardware");
    expect(requests).to.deep.equal(["POST /users/@me/lists", `POST /lists/${serverList.id}/tasks`]);
    expect(Task.first()!.taskListID).to.equal(serverList.id);
    const stored = JSON.parse(storage.getItem(`atmos2:rec:Task:${Task.first()!.id}`)!);
    expect(stored.attrs.taskListID).to.equal(serverList.id);
    expect((await client.all(`/lists/${serverList.id}/tasks`)).map((t) => t.title)).to.deep.equal(["nails"]);
  });

  it("holds a task saved remotely until its new list has its server id", async () => {
    const list = new List({ title: "Hardware" });
    list.save({ remote: true });
    new Task({ title: "nails", taskListID: list.id }).save({ remote: true });
    await atmos.whenSynced();
    const requests = sent();
    const serverList = (await client.all("/users/@me/lists")).find((l) => l.title === "Hardware");
    expect(requests).to.deep.equal(["POST /users/@me/lists", `POST /lists/${serverList.id}/tasks`]);
  });

  /** `promise`, or a rejection saying what did not settle within 5 s (instead of a hang until mocha's timeout). */
  const within5s = <T>(promise: Promise<T>, what: string) =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not settle within 5 s`)), 5000).unref())]);

  it("sends a list saved only locally first when a task in it is saved remotely, then the task with the list's server id", async () => {
    const list = new List({ title: "Hardware" });
    list.save();
    const task = new Task({ title: "nails", taskListID: list.id });
    task.save({ remote: true });
    await within5s(atmos.whenSynced(), "whenSynced()");
    const requests = sent();
    const serverList = (await client.all("/users/@me/lists")).find((l) => l.title === "Hardware");
    expect(requests).to.deep.equal(["POST /users/@me/lists", `POST /lists/${serverList.id}/tasks`]);
    expect((List.first() as any).syncState()).to.equal("synced");
    expect((Task.first() as any).syncState()).to.equal("synced");
    expect(Task.first()!.taskListID).to.equal(serverList.id);
    expect(atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("sends a task's locally saved list too on Task.push(): the task cannot reach the server without it", async () => {
    const list = new List({ title: "Hardware" });
    list.save();
    new Task({ title: "nails", taskListID: list.id }).save();
    await within5s(models.Task.push(), "Task.push()");
    const requests = sent();
    expect(requests[0]).to.equal("POST /users/@me/lists");
    const serverList = (await client.all("/users/@me/lists")).find((l) => l.title === "Hardware");
    expect(requests).to.deep.equal(["POST /users/@me/lists", `POST /lists/${serverList.id}/tasks`]);
    expect((Task.first() as any).syncState()).to.equal("synced");
  });

  it("fills :params from the call's pathParams before the record's attributes", async () => {
    const other = (await client.createList("Other")).id;
    new Task({ title: "moved", taskListID: listId }).save({ remote: true, pathParams: { taskListID: other } });
    await atmos.whenSynced();
    expect(sent().slice(-1)).to.deep.equal([`POST /lists/${other}/tasks`]);
  });

  it("keeps attributes the server's answer does not carry (taskListID) and takes the ones it adds", async () => {
    new Task({ title: "milk", taskListID: listId, notes: "2 l" }).save({ remote: true });
    await atmos.whenSynced();
    const task = Task.first()!;
    expect(task.taskListID).to.equal(listId);
    expect(task.notes).to.equal("2 l");
    expect(task.etag).to.be.a("string").and.not.equal("");
    expect(JSON.parse(storage.getItem(`atmos2:rec:Task:${task.id}`)!).attrs).to.include({ taskListID: listId, etag: task.etag });
  });

  it("keeps an edit made while the create was in flight, then sends it as an update", async () => {
    let editedInFlight = false;
    atmos.resourceClient.beforeRequest = (request, proceed) => {
      if (request.method === "POST" && !editedInFlight) {
        editedInFlight = true;
        const task = Task.first()!;
        task.title = "oat milk";
        task.save({ remote: true });
      }
      proceed();
    };
    new Task({ title: "milk", taskListID: listId }).save({ remote: true });
    await atmos.whenSynced();
    const task = Task.first()!;
    expect(editedInFlight).to.equal(true);
    expect(task.title).to.equal("oat milk");
    expect(sent()).to.deep.equal([`POST /lists/${listId}/tasks`, `PUT /lists/${listId}/tasks/${task.id}`]);
    expect((await client.all(`/lists/${listId}/tasks`)).map((t) => t.title)).to.deep.equal(["oat milk"]);
  });

  it("deletes on the server with destroy({ remote: true })", async () => {
    new Task({ title: "milk", taskListID: listId }).save({ remote: true });
    await atmos.whenSynced();
    const task = Task.first()!;
    task.destroy({ remote: true });
    expect(Task.exists(task.id)).to.equal(false);
    await atmos.whenSynced();
    expect(sent().slice(-1)).to.deep.equal([`DELETE /lists/${listId}/tasks/${task.id}`]);
    expect(await client.all(`/lists/${listId}/tasks`)).to.deep.equal([]);
    expect(storage.getItem(`atmos2:rec:Task:${task.id}`)).to.equal(null);
  });

  it("takes a 404 answering a delete as done: the record is gone either way", async () => {
    new Task({ title: "milk", taskListID: listId }).save({ remote: true });
    await atmos.whenSynced();
    const task = Task.first()!;
    await client.call("DELETE", `/lists/${listId}/tasks/${task.id}`);
    const errors: unknown[] = [];
    atmos.on("error", (e) => errors.push(e));
    task.destroy({ remote: true });
    await atmos.whenSynced();
    expect(errors).to.deep.equal([]);
    expect(models.Task.destroyedIds()).to.deep.equal([]);
    expect(atmos.status().failed).to.equal(0);
    expect(storage.getItem(`atmos2:rec:Task:${task.id}`)).to.equal(null);
  });

  it("just forgets a record the server never saw when it is destroyed: no request", async () => {
    const draft = new Task({ title: "draft", taskListID: listId });
    draft.save();
    draft.destroy({ remote: true });
    const unsent = new Task({ title: "unsent", taskListID: listId });
    unsent.save({ remote: true });
    unsent.destroy({ remote: true });
    await atmos.push();
    await atmos.whenSynced();
    expect(sent()).to.deep.equal([]);
    expect(storage.keys().filter((k) => k.startsWith("atmos2:rec:Task:"))).to.deep.equal([]);
  });

  it("resolves Task.push() once the answers are applied: server ids, states and storage in place", async () => {
    for (const title of ["a", "b", "c"]) new Task({ title, taskListID: listId }).save();
    await models.Task.push();
    const server = await client.all(`/lists/${listId}/tasks`);
    expect(Task.all().map((t) => t.id).sort()).to.deep.equal(server.map((t) => t.id).sort());
    expect(Task.all().map((t: any) => t.syncState())).to.deep.equal(["synced", "synced", "synced"]);
    for (const t of server) expect(JSON.parse(storage.getItem(`atmos2:rec:Task:${t.id}`)!).acked).to.equal(true);
  });

  it("sends only its own model with Task.push(), every model with atmos.push()", async () => {
    new List({ title: "Later" }).save();
    new Task({ title: "now", taskListID: listId }).save();
    await models.Task.push();
    expect(sent()).to.deep.equal([`POST /lists/${listId}/tasks`]);
    await atmos.push();
    expect(sent()).to.deep.equal([`POST /lists/${listId}/tasks`, "POST /users/@me/lists"]);
    expect((List.findByAttribute("title", "Later") as any).syncState()).to.equal("synced");
  });

  it("resolves whenSynced() once remote saves are answered and applied", async () => {
    new Task({ title: "a", taskListID: listId }).save({ remote: true });
    new List({ title: "Errands" }).save({ remote: true });
    await atmos.whenSynced();
    expect(atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
    const serverLists = (await client.all("/users/@me/lists")).map((l) => l.id);
    expect(serverLists).to.include(List.first()!.id);
    expect((await client.all(`/lists/${listId}/tasks`))[0].id).to.equal(Task.first()!.id);
    expect(storage.keys().filter((k) => k.startsWith("atmos2:rec:")).sort()).to.deep.equal(
      [`atmos2:rec:List:${List.first()!.id}`, `atmos2:rec:Task:${Task.first()!.id}`].sort(),
    );
  });
});
