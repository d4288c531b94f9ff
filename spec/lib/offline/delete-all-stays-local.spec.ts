import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { models, resetModels, Task } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/**
 * Spine's `deleteAll()` empties the model's records without a destroy event;
 * Spine Ajax sends nothing for it (`destroyAll()` is the call that destroys
 * each record). atmos2 took it for a local destroy of every record, so the
 * next push deleted them on the server: an app that clears its records at
 * sign-out deleted the user's tasks, and `Task.refresh(oneListsTasks, {
 * clear: true })` (Spine's clear-then-load, which calls deleteAll) deleted
 * every other list's tasks. It now clears this device only.
 */
describe("offline: Model.deleteAll() clears this device only", () => {
  let api: TasksTestServer;
  let page: OfflinePage;
  let proxy: FaultProxy;
  let fault: ((method: string) => Fault | undefined) | undefined;
  let client: ReturnType<typeof tasksClient>;
  let home: string;
  let work: string;
  const pull = (listId: string) => models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  const serverTitles = async (listId: string) => (await client.all(`/lists/${listId}/tasks`)).map((t: { title: string }) => t.title).sort();

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    const base = new URL(api.base);
    fault = undefined;
    proxy = await startFaultProxy(base.origin, (req) => fault?.(req.method));
    page = openPage({ base: proxy.url + base.pathname, token: api.token });
    client = tasksClient(api);
    home = (await client.createList("Home")).id;
    work = (await client.createList("Work")).id;
    await client.createTask(home, { title: "milk" });
    await client.createTask(home, { title: "eggs" });
    await client.createTask(work, { title: "report" });
    await pull(home);
    await pull(work);
  });
  afterEach(async () => {
    page.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  it("at sign-out: nothing is deleted on the server, and this device keeps nothing after a reload", async () => {
    Task.deleteAll();
    expect(Task.destroyedIds()).to.deep.equal([]);
    await page.atmos.push();
    expect(await serverTitles(home)).to.deep.equal(["eggs", "milk"]);
    expect(await serverTitles(work)).to.deep.equal(["report"]);

    await page.reload();
    expect(Task.all()).to.have.length(0);
    // The server's records come back with the next pull, as after Spine Ajax's fetch.
    await pull(home);
    expect(Task.all().map((t) => (t as Task).title).sort()).to.deep.equal(["eggs", "milk"]);
  });

  it("Model.refresh(one list's tasks, { clear: true }) deletes no other list's tasks on the server", async () => {
    const homeTasks = Task.all().filter((t) => (t as Task).taskListID === home).map((t) => (t as Task).attributes());
    Task.refresh(homeTasks, { clear: true });
    expect(Task.all().map((t) => (t as Task).title).sort()).to.deep.equal(["eggs", "milk"]);
    await page.atmos.push();
    expect(await serverTitles(work)).to.deep.equal(["report"]);
    expect(await serverTitles(home)).to.deep.equal(["eggs", "milk"]);
    await page.reload();
    expect(Task.all().map((t) => (t as Task).title).sort(), "what this device kept").to.deep.equal(["eggs", "milk"]);
  });

  it("an unsent edit is dropped with its record, and a record whose save is on its way is saved, not deleted, and stays off the page", async () => {
    const [milk] = Task.all().filter((t) => (t as Task).title === "milk") as Task[];
    milk.title = "oat milk";
    milk.save(); // not sent
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    fault = (method) => (method === "POST" || method === "PUT" ? { answerAfter: answered } : undefined);
    const bread = new Task({ title: "bread", taskListID: home }) as Task;
    bread.save({ remote: true });
    const [eggs] = Task.all().filter((t) => (t as Task).title === "eggs") as Task[];
    eggs.title = "brown eggs";
    eggs.save({ remote: true });
    while (page.atmos.status().inFlight < 2) await new Promise((r) => setTimeout(r, 5));
    Task.deleteAll();
    expect(Task.destroyedIds()).to.deep.equal([]);
    answer();
    await page.atmos.whenSynced();
    expect(await serverTitles(home)).to.deep.equal(["bread", "brown eggs", "milk"]);
    expect(Task.all(), "the page after the answer").to.have.length(0);
    expect(page.atmos.status()).to.include({ pending: 0, inFlight: 0, failed: 0 });
    await page.reload();
    expect(Task.all()).to.have.length(0);
    expect(proxy.log.filter((r) => r.method === "DELETE")).to.deep.equal([]);
  });

  // Found by a new user: a delete waiting to be sent (the record already gone
  // from the page) was kept, listed by destroyedIds() and sent after the clear.
  it("drops a delete that was waiting to be sent too: nothing of the model is left to send", async () => {
    const [eggs] = Task.all().filter((t) => (t as Task).title === "eggs") as Task[];
    eggs.destroy(); // not sent yet
    expect(Task.destroyedIds()).to.have.length(1);
    Task.deleteAll();
    expect(Task.destroyedIds()).to.deep.equal([]);
    expect(page.atmos.outbox()).to.deep.equal([]);
    await page.atmos.push();
    await page.reload();
    await page.atmos.push();
    expect(await serverTitles(home)).to.deep.equal(["eggs", "milk"]);
    expect(proxy.log.filter((r) => r.method === "DELETE")).to.deep.equal([]);
  });
});
