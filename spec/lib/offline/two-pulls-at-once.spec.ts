import { expect } from "chai";
import { tasksClient } from "../../servers/tasks-client";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { models, resetModels, Task } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/**
 * Another device changed a task's notes. This page pulls twice at once (a
 * refresh pressed twice, a view and a timer), on a store whose writes take a
 * moment (IndexedDB under load): the second pull is applied while the first
 * waits for its write. The page must show the other device's notes; and when
 * the user then renames the task, the save must not put the old notes back
 * on the server (it goes with the new version's etag, so If-Match cannot
 * catch it).
 * (Two-device chaos seed 7350, --steps 120: A pulled twice at once, kept
 * showing B3's notes B3:b15 though storage held B's B3:b20, and A's rename of
 * B3 sent b15 back with the new etag.)
 */
describe("offline: two pulls at once", () => {
  let api: TasksTestServer;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string };

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    page = openPage({ base: api.base, token: api.token, writeDelayMs: 200 });
    page.atmos.resourceClient.conditionalUpdates = true;
    client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    milk = await client.createTask(listId, { title: "milk", notes: "1 litre" });
    await pull();
    await page.atmos.whenSynced();
  });
  afterEach(async () => {
    page.close();
    await api.close({ removeFile: true });
  });

  function pull() {
    return models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  }

  it("shows the other device's change, and the next save keeps it", async () => {
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { notes: "2 litres" })).status).to.equal(200);

    await Promise.all([pull(), pull()]);

    expect((Task.find(milk.id) as Task).notes, "the page shows the other device's notes").to.equal("2 litres");

    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: true });
    await page.atmos.whenSynced();
    const server = (await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body;
    expect([server.title, server.notes], "the server's task").to.deep.equal(["oat milk", "2 litres"]);
  });
});
