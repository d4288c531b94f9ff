import { expect } from "chai";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { tasksClient } from "../../servers/tasks-client";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { models, resetModels, Task } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/**
 * This page edits a task's notes, and its update (If-Match) fails with a
 * 500: it may have been made, so it is kept to go again as it went. Meanwhile
 * another device changed the task, so the update's retry is refused as based
 * on an old version (412, which proves it was never made), and the page
 * merges its edit with the server's version. What goes next must be that
 * merge: the request kept from the first attempt, sent with the new version's
 * etag, puts back the page's old values over the other device's change.
 * (Two-device chaos seed 7014, --steps 120, after c6b160f: A's title B7:a15
 * was overwritten by B's kept B7:b0, and a task A destroyed came back with B's
 * kept "deleted": false.)
 */
describe("offline: an update retried after a 500 and refused as stale", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string };
  /** Faults for the next PUTs of the page, in order. */
  let putFaults: Fault[];

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    putFaults = [];
    proxy = await startFaultProxy(api.url, (req) => (req.method === "PUT" ? putFaults.shift() : undefined));
    page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token });
    page.atmos.resourceClient.conditionalUpdates = true;
    client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    milk = await client.createTask(listId, { title: "milk", notes: "1 litre" });
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  });
  afterEach(async () => {
    page.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  const serverTask = async () => (await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body;

  /** The page saves "2 litres"; its PUT is answered 500 by the way, so it is maybe made and waits for a retry. */
  async function editFailingWith500(): Promise<void> {
    putFaults.push({ status: 500, body: { error: { code: 500, message: "try again" } } });
    const failed = new Promise<void>((resolve) => page.atmos.on("error", () => resolve()));
    (Task.find(milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: true });
    await failed;
  }

  it("keeps the other device's rename", async () => {
    await editFailingWith500();
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "oat milk" })).status).to.equal(200);

    await page.atmos.push();
    await page.atmos.whenSynced();

    const server = await serverTask();
    expect([server.title, server.notes], "the server's task").to.deep.equal(["oat milk", "2 litres"]);
    const shown = Task.find(milk.id) as Task;
    expect([shown.title, (shown as any).notes], "the page's task").to.deep.equal(["oat milk", "2 litres"]);
  });

  it("does not bring back the task the other device deleted", async () => {
    // A first update's answer comes while the second edit waits behind it: the
    // record then carries the server's own fields ("deleted": false among
    // them), and the second update's request, kept as it first went, too.
    let letGo = () => {};
    putFaults.push({ answerAfter: new Promise<void>((resolve) => (letGo = resolve)) });
    const firstOut = new Promise<void>((resolve) => proxy.setSchedule((req) => (req.method === "PUT" ? (resolve(), putFaults.shift()) : undefined)));
    (Task.find(milk.id) as Task).updateAttributes({ notes: "1 litre, cold" }, { remote: true });
    await firstOut;
    (Task.find(milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: true });
    putFaults.push({ status: 500, body: { error: { code: 500, message: "try again" } } });
    const failed = new Promise<void>((resolve) => page.atmos.on("error", () => resolve()));
    letGo();
    await failed;
    expect((await client.call("DELETE", `/lists/${listId}/tasks/${milk.id}`)).status).to.equal(204);

    await page.atmos.push();
    await page.atmos.whenSynced();

    expect((await serverTask()).deleted, "still deleted on the server").to.equal(true);
    expect(await client.all(`/lists/${listId}/tasks`)).to.deep.equal([]);
  });
});
