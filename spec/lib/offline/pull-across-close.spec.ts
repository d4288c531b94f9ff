import { expect } from "chai";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/**
 * A pull is on its way when the app closes its Atmos and opens a new one on
 * the same storage and models (a sign-in again, a "reload" in one process).
 * The old Atmos's pull must not show its records in the models the new one
 * now drives: the new one would not know them, and an edit of one would be
 * sent as a create (a second copy on the server).
 */
describe("offline: a pull answered after its Atmos was closed", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let listId: string;
  let letItGo: () => void;
  let getOut: Promise<void>;

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    proxy = await startFaultProxy(api.url);
    page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token });
    listId = (await tasksClient(api).createList("Shopping")).id;
    await tasksClient(api).createTask(listId, { title: "milk" });
    const gate = new Promise<void>((resolve) => (letItGo = resolve));
    getOut = new Promise<void>((arrived) =>
      proxy.setSchedule((req) => {
        if (req.method !== "GET" || !req.url.includes("/tasks")) return undefined;
        arrived();
        proxy.setSchedule(() => undefined);
        return { until: gate };
      }),
    );
  });
  afterEach(async () => {
    letItGo();
    page.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  it("rejects as closed and shows nothing; the new Atmos's own pull shows the task, known to it", async () => {
    const oldPull = models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    await getOut;
    await page.reload();
    letItGo();
    const outcome = await oldPull.then(
      () => "resolved",
      (error: Error) => error.message,
    );
    expect(outcome).to.match(/closed/);
    expect((Task.all() as Task[]).map((t) => t.title), "shown by the closed Atmos's pull").to.deep.equal([]);

    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    const milk = (Task.all() as Task[])[0];
    expect(page.atmos.syncState("Task", milk.id)).to.equal("synced");
    milk.updateAttributes({ notes: "oat" }, { remote: true });
    await page.atmos.whenSynced();
    const items = (await tasksClient(api).call("GET", `/lists/${listId}/tasks`)).body.items;
    expect(items.map((t: any) => [t.title, t.notes])).to.deep.equal([["milk", "oat"]]);
  });
});
