import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/**
 * The user clears a task's notes (sets them to undefined) and saves without
 * sending; the page is reloaded (storage keeps no undefined: the field is
 * simply missing now). Another device renames the task, and a pull merges
 * that version into the unsent edit. The notes are the user's edit and must
 * stay cleared; the merge took a field missing from the local record for
 * one the user never touched and put the server's old notes back, on the
 * page and then on the server.
 * (Chaos seed 148554 --steps 100: "server has task T12.2 status=completed
 * notes=note 8, the user's latest is ... notes=undefined".)
 */
describe("offline: a field the user cleared, after a reload", () => {
  let api: TasksTestServer;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string };
  const pull = () => models.Task.sync({ remote: true, pathParams: { taskListID: listId } });

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
    page.close();
    await api.close({ removeFile: true });
  });

  it("stays cleared when a pull merges another device's change", async () => {
    const task = Task.find(milk.id) as Task;
    (task as { notes?: string }).notes = undefined;
    task.save();
    await page.reload();
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "oat milk" })).status).to.equal(200);

    await pull();
    expect([(Task.find(milk.id) as Task).title, (Task.find(milk.id) as Task).notes], "the page's task").to.deep.equal(["oat milk", undefined]);

    await page.atmos.push();
    const server = (await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body;
    expect([server.title, server.notes ?? undefined], "the server's task (null or missing: cleared)").to.deep.equal(["oat milk", undefined]);
  });
});
