import { expect } from "chai";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { tasksClient } from "../../servers/tasks-client";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { models, resetModels, Task } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/**
 * This page edits a task's notes, and its update (If-Match) fails with a
 * 500: it may have been made, so it is kept to go again as it went (same key,
 * same body). Meanwhile another device renames the task, and this page pulls
 * (or hears live news): the rename is merged in, and the record's etag is now
 * the renamed version's. The retry must not send the kept body (the old
 * title) with that new etag: the server takes it as based on the renamed
 * version and puts the old title back. The kept request goes with the
 * If-Match it first went with (refused 412 if it was not made, replayed by
 * its key if it was), or is rebuilt from the merge.
 * Here the retry's answer is lost too, and a pull reads the server's version
 * before the page tries again: the page then takes its own retry's old title
 * for the server's newer value.
 * (Two-device chaos seed 7605, --steps 120, at 55cb970: B's PUT {A1:a1, A1:b1}
 * answered 500, A renamed A1 to A1:a2, B merged the live news, and B's retry
 * went with the kept body and the new etag: the server ended with title A1:a1.)
 */
describe("offline: an update retried after a 500, the other device's change pulled meanwhile", () => {
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
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    expect((Task.find(milk.id) as Task).title, "the rename is merged in").to.equal("oat milk");

    // The retry's answer is lost on the way back; the page pulls before it goes again.
    putFaults.push("drop-response");
    await page.atmos.push();
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    await page.atmos.push();
    await page.atmos.whenSynced();

    const server = await serverTask();
    expect([server.title, server.notes], "the server's task").to.deep.equal(["oat milk", "2 litres"]);
  });
});
