import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { List, models, resetModels, Task } from "../models";
import { openPage, recordEvents, type OfflinePage } from "./offline-page";

/**
 * A task made here (offline, say) in a list that another device deleted
 * before the task was sent: the server refuses its create with 404. Found by
 * a new user of the Tasks example: the refusal said nothing of the list, and
 * the app's developer could not tell what to do. The message names the
 * parent the route needed, and both ways out work: revert drops the task,
 * and a new taskListID, then retry, creates it under that list.
 */
describe("offline: a child created under a parent deleted elsewhere", () => {
  let api: TasksTestServer;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let goneId: string;

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    page = openPage({ base: api.base, token: api.token });
    client = tasksClient(api);
    goneId = (await client.createList("Shopping")).id;
    await models.List.sync({ remote: true });
    new Task({ title: "Bread", status: "needsAction", taskListID: goneId }).save({ remote: false });
    expect((await client.call("DELETE", `/users/@me/lists/${goneId}`)).status).to.equal(204);
  });
  afterEach(async () => {
    page.close();
    await api.close({ removeFile: true });
  });

  it("is refused with a message that names the parent it needed and the two ways out", async () => {
    const errors = recordEvents(page.atmos, "error");
    await page.atmos.push();
    await page.atmos.whenSynced();
    const bread = Task.findByAttribute("title", "Bread") as any;
    expect(bread.syncState()).to.equal("failed");
    const message: string = (errors[0] as any).error.message;
    expect(message).to.contain(`the server may have no List "${goneId}" (taskListID) any more`);
    expect(message).to.contain("atmos.revert(record)").and.to.contain("atmos.retry(record)");
  });

  it("is created under another list once its taskListID is changed and it is retried", async () => {
    await page.atmos.push();
    await page.atmos.whenSynced();
    const other = new List({ title: "Groceries" }) as any;
    other.save({ remote: true });
    const bread = Task.findByAttribute("title", "Bread") as any;
    bread.taskListID = other.id;
    bread.save({ remote: false });
    await page.atmos.retry(bread);
    await page.atmos.whenSynced();

    const groceries = (await client.all("/users/@me/lists")).find((l: any) => l.title === "Groceries")!;
    expect((await client.all(`/lists/${groceries.id}/tasks`)).map((t: any) => t.title)).to.deep.equal(["Bread"]);
    const shown = Task.findByAttribute("title", "Bread") as any;
    expect([shown.syncState(), shown.taskListID]).to.deep.equal(["synced", groceries.id]);
    expect(page.atmos.outbox()).to.deep.equal([]);
  });

  it("leaves with revert, and nothing is left to send", async () => {
    await page.atmos.push();
    await page.atmos.whenSynced();
    await page.atmos.revert(Task.findByAttribute("title", "Bread") as any);
    expect(Task.all()).to.deep.equal([]);
    expect(page.atmos.outbox()).to.deep.equal([]);
  });
});
