import { expect } from "chai";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { openPage, storedEntry, type OfflinePage } from "./offline-page";

/** Issue 6, "deletes stay deleted": a pull never brings back a record the user deleted. */
describe("offline: a record deleted locally stays deleted until the server confirms", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let listId: string;
  let milk: { id: string };

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    proxy = await startFaultProxy(api.url);
    page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token });
    const client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    milk = await client.createTask(listId, { title: "milk" });
    await client.createTask(listId, { title: "bread" });
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  });
  afterEach(async () => {
    page.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  const pull = () => models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  const localTitles = () => Task.all().map((t) => t.title).sort();

  it("does not re-create a destroyed record from a pull while its delete is queued, and lists it in destroyedIds()", async () => {
    (Task.find(milk.id) as Task).destroy();
    await pull();
    expect(localTitles()).to.deep.equal(["bread"]);
    expect(models.Task.destroyedIds()).to.deep.equal([milk.id]);
    expect(storedEntry(page.storage, "Task", milk.id)).to.include({ deleted: true });

    await page.reload();
    await pull();
    expect(localTitles()).to.deep.equal(["bread"]);
    expect(models.Task.destroyedIds()).to.deep.equal([milk.id]);
  });

  it("drops it from destroyedIds() once the server has confirmed the delete", async () => {
    (Task.find(milk.id) as Task).destroy();
    await page.atmos.push();
    expect(models.Task.destroyedIds()).to.deep.equal([]);
    expect(storedEntry(page.storage, "Task", milk.id)).to.equal(undefined);
    const server = await tasksClient(api).all(`/lists/${listId}/tasks`);
    expect(server.map((t) => t.title)).to.deep.equal(["bread"]);
    await pull();
    expect(localTitles()).to.deep.equal(["bread"]);
  });

  it("keeps it deleted while the delete is refused and parked, and while it is retried", async () => {
    proxy.setSchedule((req) => (req.method === "DELETE" ? { status: 409, body: { error: { code: 409, message: "busy" } } } : undefined));
    (Task.find(milk.id) as Task).destroy({ remote: true });
    await page.atmos.whenSynced();
    expect(page.atmos.status().failed).to.equal(1);
    await pull();
    expect(localTitles()).to.deep.equal(["bread"]);
    expect(models.Task.destroyedIds()).to.deep.equal([milk.id]);

    proxy.setSchedule(() => undefined);
    await page.atmos.retry({ className: "Task", id: milk.id });
    await page.atmos.whenSynced();
    expect(models.Task.destroyedIds()).to.deep.equal([]);
    await pull();
    expect(localTitles()).to.deep.equal(["bread"]);
  });

  it("keeps it deleted when a pull arrives while the delete is on the wire", async () => {
    let pulled: Promise<unknown> | undefined;
    proxy.setSchedule((req) => {
      // The user refreshes while the DELETE is in flight; the GET is answered before the DELETE.
      if (req.method === "DELETE") {
        pulled = pull();
        return { delayMs: 200 };
      }
      return undefined;
    });
    (Task.find(milk.id) as Task).destroy({ remote: true });
    await page.atmos.whenSynced();
    await pulled;
    expect(localTitles()).to.deep.equal(["bread"]);
    expect(models.Task.destroyedIds()).to.deep.equal([]);
  });
});
