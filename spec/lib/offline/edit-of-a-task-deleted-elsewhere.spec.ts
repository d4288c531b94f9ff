import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { openPage, storedEntry, type OfflinePage } from "./offline-page";

/**
 * This page edits a task's notes offline. Meanwhile another device renames
 * the task (this page pulls: the rename is merged in) and then deletes it.
 * When this page sends its edit, the server refuses it as based on an old
 * version (If-Match), and the page merges with what the server has now: a
 * deleted task. Its edit must not bring the task back on the server.
 */
describe("offline: an edit of a task that another device deleted", () => {
  let api: TasksTestServer;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string };

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    page = openPage({ base: api.base, token: api.token });
    page.atmos.resourceClient.conditionalUpdates = true;
    client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    milk = await client.createTask(listId, { title: "milk", notes: "1 litre" });
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  });
  afterEach(async () => {
    page.close();
    await api.close({ removeFile: true });
  });

  const pull = () => models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  const serverTask = async () => (await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body;

  it("does not bring it back on the server", async () => {
    (Task.find(milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: false });
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "oat milk" })).status).to.equal(200);
    await pull();
    expect((Task.find(milk.id) as Task).title, "the rename is merged in").to.equal("oat milk");
    expect((await client.call("DELETE", `/lists/${listId}/tasks/${milk.id}`)).status).to.equal(204);

    await page.atmos.push();
    expect((await serverTask()).deleted, "still deleted on the server").to.equal(true);
    expect(await client.all(`/lists/${listId}/tasks`)).to.deep.equal([]);
  });

  it("sends none of the server's own fields as the user's edit", async () => {
    (Task.find(milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: false });
    // The pulled task carries kind, selfLink, deleted…, which the Spine record has no attribute for.
    expect(storedEntry(page.storage, "Task", milk.id).queue.map((op: any) => op.changed)).to.deep.equal([["notes"]]);
  });
});
