import { expect } from "chai";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { tasksClient } from "../../servers/tasks-client";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { models, resetModels, Task } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/**
 * Another device changed a task's notes. This page pulls twice at once (a
 * refresh button pressed twice, a view and a timer) while a new task's
 * create is on its way, so both pulls wait for its answer and are applied
 * one right after the other. The page must show the other device's notes;
 * and when the user then renames the task, the save must not put the old
 * notes back on the server (it goes with the new version's etag, so
 * If-Match cannot catch it).
 * (Two-device chaos seed 7350, --steps 120: A pulled twice at once, kept
 * showing B3's notes B3:b15 though storage held B's B3:b20, and A's rename of
 * B3 sent b15 back with the new etag.)
 */
describe("offline: two pulls at once while a create is out", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string };
  let letPostGo = () => {};
  let postOut: Promise<void>;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    const gate = new Promise<void>((resolve) => (letPostGo = resolve));
    let arrived = () => {};
    postOut = new Promise<void>((resolve) => (arrived = resolve));
    proxy = await startFaultProxy(api.url, (req) => (req.method === "POST" ? (arrived(), { until: gate }) : undefined));
    page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token });
    page.atmos.resourceClient.conditionalUpdates = true;
    client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    milk = await client.createTask(listId, { title: "milk", notes: "1 litre" });
    await pull();
  });
  afterEach(async () => {
    letPostGo();
    page.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  function pull() {
    return models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  }

  const answeredGets = () => proxy.log.filter((r) => r.method === "GET" && r.status !== undefined).length;

  it("shows the other device's change, and the next save keeps it", async () => {
    new Task({ title: "bread", status: "needsAction", taskListID: listId }).save({ remote: true });
    await postOut;
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { notes: "2 litres" })).status).to.equal(200);

    const before = answeredGets();
    const pulls = Promise.all([pull(), pull()]);
    // Both pages are in; both pulls now wait for the create's answer.
    while (answeredGets() < before + 2) await wait(10);
    await wait(50);
    letPostGo();
    await pulls;
    await page.atmos.whenSynced();

    expect((Task.find(milk.id) as Task).notes, "the page shows the other device's notes").to.equal("2 litres");

    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: true });
    await page.atmos.whenSynced();
    const server = (await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body;
    expect([server.title, server.notes], "the server's task").to.deep.equal(["oat milk", "2 litres"]);
  });
});
