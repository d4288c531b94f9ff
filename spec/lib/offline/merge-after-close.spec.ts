import { expect } from "chai";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { tasksClient } from "../../servers/tasks-client";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { models, resetModels, Task } from "../models";
import { openPage, storedEntry, type OfflinePage } from "./offline-page";

/**
 * This page edits a task's notes while another device deletes the task. The
 * edit is refused as based on an old version (412), and the page asks the
 * server for its version to merge with; that answer is slow, and the page is
 * reloaded meanwhile (the Atmos closed, a new one opened on the same
 * storage). The new page sends the edit again, merges, and the server answers
 * with the task deleted: it leaves the page and storage. Then the closed
 * page's slow answer comes. It must change nothing: the closed page wrote its
 * merge (the task with an update to send) into storage, so the next reload
 * showed the deleted task again and sent its edit once more.
 * (Two-device chaos seed 9032, --steps 120: "device B after a reload shows
 * A1, which A destroyed"; B's GET after its 412 was held past B's reload.)
 */
describe("offline: a merge whose answer comes after the page closed", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string };
  let letGetGo = () => {};
  let getOut: Promise<void>;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    const gate = new Promise<void>((resolve) => (letGetGo = resolve));
    let arrived = () => {};
    getOut = new Promise<void>((resolve) => (arrived = resolve));
    let held = false;
    // The first GET of the one task (the merge after the 412) is held; every other request passes.
    proxy = await startFaultProxy(api.url, (req) => {
      if (held || req.method !== "GET" || !req.url.endsWith(`/tasks/${milk?.id}`)) return undefined;
      held = true;
      arrived();
      return { until: gate };
    });
    page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token });
    page.atmos.resourceClient.conditionalUpdates = true;
    client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    milk = await client.createTask(listId, { title: "milk", notes: "1 litre" });
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  });
  afterEach(async () => {
    letGetGo();
    page.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  it("does not bring back a task deleted elsewhere", async () => {
    expect((await client.call("DELETE", `/lists/${listId}/tasks/${milk.id}`)).status).to.equal(204);
    (Task.find(milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: true });
    // Refused (412); the page's GET of the server's version is on its way, held.
    await getOut;

    await page.reload();
    page.atmos.resourceClient.conditionalUpdates = true;
    await page.atmos.push();
    await page.atmos.whenSynced();
    expect(models.Task.all().map((t: any) => t.title), "the page's tasks once the new page is synced").to.deep.equal([]);
    expect(storedEntry(page.storage, "Task", milk.id), "stored once the new page is synced").to.equal(undefined);

    // The closed page's answer comes now.
    letGetGo();
    while (!proxy.log.some((r) => r.fault !== undefined && r.status !== undefined)) await wait(10);
    await wait(100);

    expect(storedEntry(page.storage, "Task", milk.id), "stored after the closed page's answer").to.equal(undefined);
    await page.reload();
    expect(models.Task.all().map((t: any) => t.title), "the page's tasks after the next reload").to.deep.equal([]);
  });
});
