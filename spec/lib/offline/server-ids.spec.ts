import { expect } from "chai";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { List, resetModels, Task } from "../models";
import { nextEvent, openPage, storedEntries, storedEntry, type OfflinePage } from "./offline-page";

/** Issue 6, "server-assigned ids": a list and its tasks made offline all move to the ids the server gives. */
describe("offline: records made offline take the server's ids everywhere", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let page: OfflinePage;
  let network: Fault | undefined;

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    proxy = await startFaultProxy(api.url, () => network);
    network = "drop-request";
    page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token });
  });
  afterEach(async () => {
    page.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  /** A list and two tasks in it, made while the server cannot be reached, then sent when it can. */
  async function makeOfflineThenReconnect() {
    const offline = nextEvent(page.atmos, "offline");
    const list = new List({ title: "Trip" });
    list.save({ remote: true });
    const passport = new Task({ title: "passport", taskListID: list.id });
    passport.save({ remote: true });
    const tickets = new Task({ title: "tickets", taskListID: list.id });
    tickets.save({ remote: true });
    const local = { list: list.id, passport: passport.id, tickets: tickets.id };
    const listClone = List.find(list.id);
    await offline;
    network = undefined;
    await page.atmos.push();
    await page.atmos.whenSynced();
    const [serverList] = (await tasksClient(api).all("/users/@me/lists")).filter((l) => l.title === "Trip");
    const serverTasks = await tasksClient(api).all(`/lists/${serverList.id}/tasks`);
    return { local, kept: { list, passport, listClone }, serverList, serverTasks };
  }

  it("sends the tasks to the list's server id, after the list is created", async () => {
    const { serverList, serverTasks } = await makeOfflineThenReconnect();
    const sent = proxy.log.filter((l) => !l.fault).map((l) => `${l.method} ${l.url}`);
    expect(sent[0]).to.equal("POST /tasks/v1/users/@me/lists");
    expect(sent.slice(1)).to.deep.equal([`POST /tasks/v1/lists/${serverList.id}/tasks`, `POST /tasks/v1/lists/${serverList.id}/tasks`]);
    expect(serverTasks.map((t) => t.title)).to.have.members(["passport", "tickets"]);
  });

  it("moves the records, their storage keys and their remote-id records to the server ids", async () => {
    const { local, serverList, serverTasks } = await makeOfflineThenReconnect();
    const byTitle = Object.fromEntries(serverTasks.map((t) => [t.title, t.id]));

    expect(List.all().map((l) => l.id)).to.deep.equal([serverList.id]);
    expect(Task.all().map((t) => t.id)).to.have.members([byTitle.passport, byTitle.tickets]);
    for (const oldId of [local.list, local.passport, local.tickets]) {
      expect(storedEntry(page.storage, "List", oldId)).to.equal(undefined);
      expect(storedEntry(page.storage, "Task", oldId)).to.equal(undefined);
    }
    const listEntry = storedEntry(page.storage, "List", serverList.id);
    expect(listEntry).to.include({ id: serverList.id, acked: true });
    expect(listEntry.attrs).to.include({ id: serverList.id, title: "Trip" });
    expect(listEntry.queue).to.deep.equal([]);
    const taskEntry = storedEntry(page.storage, "Task", byTitle.passport);
    expect(taskEntry).to.include({ id: byTitle.passport, acked: true });
    expect(page.atmos.metaContext.get("List", serverList.id)?.acked).to.equal(true);
    expect(page.atmos.metaContext.get("List", local.list)).to.equal(undefined);
  });

  it("points the tasks' taskListID at the list's server id, in Spine and in storage", async () => {
    const { local, serverList } = await makeOfflineThenReconnect();
    for (const task of Task.all()) expect(task.taskListID).to.equal(serverList.id);
    for (const entry of storedEntries(page.storage, "Task")) expect(entry.attrs.taskListID).to.equal(serverList.id);
    expect(Task.all().map((t) => t.taskListID)).to.not.include(local.list);
  });

  it("finds the records with Spine's find under their new ids, also after a reload", async () => {
    const { serverList, serverTasks } = await makeOfflineThenReconnect();
    const passport = serverTasks.find((t) => t.title === "passport");
    expect((List.find(serverList.id) as List).title).to.equal("Trip");
    expect((Task.find(passport.id) as Task).title).to.equal("passport");
    expect((List.find(serverList.id) as any).syncState()).to.equal("synced");

    await page.reload();
    expect((List.find(serverList.id) as List).title).to.equal("Trip");
    const reloaded = Task.find(passport.id) as Task;
    expect(reloaded.taskListID).to.equal(serverList.id);
    expect(List.all()).to.have.length(1);
    expect(Task.all()).to.have.length(2);
  });

  it("gives the record objects the app kept, and their clones, the server ids and the synced state", async () => {
    const { local, kept, serverList, serverTasks } = await makeOfflineThenReconnect();
    const passport = serverTasks.find((t) => t.title === "passport");
    expect(local.list).to.not.equal(serverList.id);
    expect([kept.list.id, (kept.list as any).syncState()]).to.deep.equal([serverList.id, "synced"]);
    expect([kept.listClone.id, (kept.listClone as any).syncState()]).to.deep.equal([serverList.id, "synced"]);
    expect([kept.passport.id, kept.passport.taskListID]).to.deep.equal([passport.id, serverList.id]);
  });

  it("updates a task edited after the swap, through the record object the app kept from before", async () => {
    const { kept, serverList, serverTasks } = await makeOfflineThenReconnect();
    const passport = serverTasks.find((t) => t.title === "passport");
    // The app still holds the object it created offline, with the old ids.
    kept.passport.title = "passport (renewed)";
    kept.passport.save({ remote: true });
    await page.atmos.whenSynced();
    const answer = await tasksClient(api).call("GET", `/lists/${serverList.id}/tasks/${passport.id}`);
    expect(answer.body.title).to.equal("passport (renewed)");
    expect(Task.all()).to.have.length(2);
    const task = Task.find(passport.id) as any;
    expect([task.title, task.taskListID, task.syncState()]).to.deep.equal(["passport (renewed)", serverList.id, "synced"]);
  });

  it("creates a new task in the list through the list object the app kept from before the swap", async () => {
    const { kept, serverList } = await makeOfflineThenReconnect();
    new Task({ title: "visa", taskListID: kept.list.id }).save({ remote: true });
    await page.atmos.whenSynced();
    const titles = (await tasksClient(api).all(`/lists/${serverList.id}/tasks`)).map((t) => t.title);
    expect(titles).to.have.members(["passport", "tickets", "visa"]);
    expect(Task.all().map((t) => t.taskListID)).to.deep.equal([serverList.id, serverList.id, serverList.id]);
    expect(page.atmos.status().failed).to.equal(0);
  });
});
