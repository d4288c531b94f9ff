import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { openPage, type OfflinePage } from "./offline-page";
import { until } from "../../support/until";

/**
 * This page edits a task's notes offline; meanwhile another device deletes
 * the task. When the page sends its edit, the server refuses it as based on
 * an old version (If-Match), the page merges with what the server has now (a
 * deleted task), and the edit goes out without bringing it back: the server
 * answers with the task still deleted (`deleted: true`). The page must then
 * stop showing it, as a pull or live news of a deleted task does; before, it
 * stayed on the page as "synced" until a later pull happened to remove it.
 */
describe("offline: a task deleted elsewhere while this page edited it", () => {
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

  it("leaves the page once the server answers the edit with the task deleted", async () => {
    (Task.find(milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: false });
    expect((await client.call("DELETE", `/lists/${listId}/tasks/${milk.id}`)).status).to.equal(204);

    await page.atmos.push();
    await page.atmos.whenSynced();

    expect((await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body.deleted, "still deleted on the server").to.equal(true);
    expect(models.Task.all().map((t: any) => [t.title, t.syncState()]), "the page's tasks").to.deep.equal([]);
    await page.reload();
    expect(models.Task.all().map((t: any) => t.title), "the page's tasks after a reload").to.deep.equal([]);
  });

  // Found by the outside re-check: an incremental pull brought the task's
  // tombstone, the edit was kept (rightly), and revert then showed the old
  // version as "synced", a task the server holds deleted.
  it("leaves the page on revert after an incremental pull brought its tombstone", async () => {
    // The first pull with since: "auto" is complete and keeps its high-water mark; the next one asks for what changed since.
    await models.Task.sync({ remote: true, since: "auto", pathParams: { taskListID: listId } });
    (Task.find(milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: false });
    expect((await client.call("DELETE", `/lists/${listId}/tasks/${milk.id}`)).status).to.equal(204);
    await models.Task.sync({ remote: true, since: "auto", pathParams: { taskListID: listId } });
    expect((Task.find(milk.id) as Task).notes, "kept while edited").to.equal("2 litres");
    await page.atmos.revert(Task.find(milk.id) as Task);
    expect(models.Task.all().map((t: any) => [t.title, t.syncState()])).to.deep.equal([]);
  });
  // Found by the outside re-check: the first edit went out, another device
  // deleted the task, and a second edit waited here. The first edit's answer
  // (the task, still deleted) was merged into the kept task, which then
  // showed `deleted: true` as its own field, and revert showed the old
  // version as "synced", a task the server holds deleted.
  it("keeps a task edited again while its first edit was out, without the server's deleted flag, and removes it on revert", async () => {
    const held: Array<() => void> = [];
    let answered = 0;
    const rc = page.atmos.resourceClient;
    const send = rc.fetch;
    rc.fetch = async (url, init) => {
      if (init.method !== "GET") await new Promise<void>((go) => held.push(go));
      const response = await send(url, init);
      answered++;
      return response;
    };
    rc.conditionalUpdates = false;
    (Task.find(milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: true });
    await until(() => held.length === 1);
    expect((await client.call("DELETE", `/lists/${listId}/tasks/${milk.id}`)).status).to.equal(204);
    (Task.find(milk.id) as Task).updateAttributes({ notes: "3 litres" }, { remote: false });
    held.shift()!();
    await until(() => answered === 1);
    await page.atmos.metaContext.flush();

    const kept = Task.find(milk.id) as Task & { deleted?: unknown };
    expect([kept.notes, kept.deleted], "the task as this page shows it").to.deep.equal(["3 litres", undefined]);
    await page.atmos.revert(kept);
    expect(models.Task.all().map((t: any) => [t.title, t.syncState()]), "the page's tasks after revert").to.deep.equal([]);
    await page.reload();
    expect(models.Task.all().map((t: any) => t.title), "the page's tasks after a reload").to.deep.equal([]);
  });
});
