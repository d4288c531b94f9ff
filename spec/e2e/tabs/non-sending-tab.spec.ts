import { expect } from "chai";
import { twoTabsSuite } from "./tabs-site";

// Two models, a task pointing at its list by a foreign key, one Atmos per tab.
const page = `<!doctype html>
<meta charset="utf-8">
<title>atmos2 in two tabs</title>
<script src="/spine.js"></script>
<script src="/atmos2.js"></script>
<script src="/atmos2-indexeddb.js"></script>
<script>
  var List = Spine.Model.sub();
  List.configure("List", "title");
  List.extend(Spine.Model.Atmosphere);
  var Task = Spine.Model.sub();
  Task.configure("Task", "title", "listId");
  Task.remoteKeys = { listId: "List" };
  Task.extend(Spine.Model.Atmosphere);
  // ?store=indexeddb: the IndexedDB store, whose tabs hear of each other's writes over a BroadcastChannel.
  var atmos = location.search.indexOf("store=indexeddb") >= 0 ? new Atmos({ store: new Atmos.IndexedDBStore("tabs-spec") }) : new Atmos();
  atmos.resourceClient.base = location.origin + "/api";
  var errors = [];
  atmos.on("error", function (e) { errors.push({ model: e.model, status: e.status, title: e.record && e.record.title, message: e.error.message }); });
  var loaded = Promise.all([List.sync(), Task.sync()]);
</script>
`;

declare const List: any;
declare const Task: any;
declare const atmos: any;
declare const errors: Array<{ model: string; status: number; title?: string; message: string }>;
declare const loaded: Promise<unknown>;

/**
 * Several tabs of one app share its storage, and one of them (the first
 * opened) sends for all. What a user does in another tab must still end as
 * if that tab had sent it: its callbacks, `error` events and `push()`
 * Promise, and the record objects it holds.
 */
for (const store of ["localStorage", "indexeddb"]) describe(`a tab that is not the one sending (two tabs of one app in Chromium, ${store})`, function () {
  this.timeout(30_000);
  const tabs = twoTabsSuite(page, `store=${store}`);

  it("calls the success callback of a save made in it, with the record under its server id", async () => {
    const answered = await tabs.other.evaluate(
      () =>
        new Promise<{ id: string; title: string; response: any }>((resolve) => {
          new Task({ title: "Milk" }).save({ remote: true, success: (record: any, response: any) => resolve({ id: String(record.id), title: record.title, response }) });
        }),
    );
    expect(tabs.site.rows.tasks).to.have.length(1);
    expect(answered.id).to.equal(String(tabs.site.rows.tasks[0].id));
    expect(answered.title).to.equal("Milk");
    expect(answered.response).to.include({ title: "Milk" });
  });

  it("calls the error callback, and emits error, for a save made in it that the server refused", async () => {
    tabs.site.answerNext("POST /api/tasks", { status: 422, body: { errors: { title: ["is reserved"] } } });
    const refused = await tabs.other.evaluate(
      () =>
        new Promise<{ title: string; status: number; body: unknown; message: string; retrying: boolean }>((resolve) => {
          new Task({ title: "Bad" }).save({
            remote: true,
            error: (record: any, e: any) => resolve({ title: record.title, status: e.status, body: e.body, message: e.error.message, retrying: e.retrying }),
          });
        }),
    );
    expect(refused).to.deep.include({ title: "Bad", status: 422, body: { errors: { title: ["is reserved"] } }, retrying: false });
    expect(refused.message).to.include("422");
    const seen = await tabs.other.evaluate(() => errors);
    expect(seen.map((e) => [e.model, e.status, e.title])).to.deep.equal([["Task", 422, "Bad"]]);
    expect(await tabs.other.evaluate(() => Task.first().syncState())).to.equal("failed");
  });

  it("calls the error callback of a save made in it on its first failure (retrying: true), then success", async () => {
    tabs.site.answerNext("POST /api/tasks", { status: 500, body: { error: "oops" } }, { status: 500, body: { error: "oops" } });
    const heard = await tabs.other.evaluate(
      () =>
        new Promise<unknown[]>((resolve) => {
          const calls: unknown[] = [];
          new Task({ title: "Flaky" }).save({
            remote: true,
            error: (_record: any, e: any) => calls.push(["error", e.status, e.retrying]),
            success: () => resolve([...calls, ["success"]]),
          });
        }),
    );
    expect(heard).to.deep.equal([["error", 500, true], ["success"]]);
    expect(tabs.site.rows.tasks).to.have.length(1);
  });

  it("sends again after a 401 when resume() is called in it (the tab that heard auth_fail)", async () => {
    tabs.site.answerNext("POST /api/tasks", { status: 401, body: { error: "expired" } });
    const state = await tabs.other.evaluate(async () => {
      const failed = new Promise((resolve) => atmos.on("auth_fail", resolve));
      const task = new Task({ title: "After sign-in" });
      task.save({ remote: true });
      await failed;
      atmos.resume();
      await atmos.whenSynced();
      return Task.find(task.id).syncState();
    });
    expect(state).to.equal("synced");
    expect(tabs.site.requests).to.deep.equal(["POST /api/tasks", "POST /api/tasks"]);
  });

  it("resolves push() once the change has been sent and answered", async () => {
    tabs.site.delayMs = 400;
    const state = await tabs.other.evaluate(async () => {
      const task = new Task({ title: "Later" });
      task.save();
      await Task.push();
      return Task.find(task.id).syncState();
    });
    expect(tabs.site.requests).to.deep.equal(["POST /api/tasks"]);
    expect(state).to.equal("synced");
  });

  it("resolves push() after a failed attempt, as the sending tab's does, and whenSynced() once it went through", async () => {
    tabs.site.answerNext("POST /api/tasks", { status: 503, body: { error: "busy" } });
    const states = await tabs.other.evaluate(async () => {
      const task = new Task({ title: "Retried" });
      task.save();
      await Task.push();
      const afterPush = Task.find(task.id).syncState();
      await atmos.whenSynced();
      return [afterPush, Task.find(task.id).syncState()];
    });
    expect(states).to.deep.equal(["pending", "synced"]);
    expect(tabs.site.requests).to.deep.equal(["POST /api/tasks", "POST /api/tasks"]);
    // The failed attempt was this tab's change: its error event is heard here too.
    const seen = await tabs.other.evaluate(() => errors);
    expect(seen.map((e) => [e.model, e.status, e.title])).to.deep.equal([["Task", 503, "Retried"]]);
  });

  it("gives the record objects it holds their list's server id in the foreign key", async () => {
    const held = await tabs.other.evaluate(async () => {
      const list = new List({ title: "Home" });
      list.save({ remote: true });
      const task = new Task({ title: "Sweep", listId: list.id });
      task.save({ remote: true });
      await atmos.whenSynced();
      return { list: String(list.id), task: String(task.id), taskListId: String(task.listId), found: String(Task.find(task.id).listId) };
    });
    const serverList = String(tabs.site.rows.lists[0].id);
    expect(held).to.deep.equal({ list: serverList, task: String(tabs.site.rows.tasks[0].id), taskListId: serverList, found: serverList });
    expect(String(tabs.site.rows.tasks[0].listId)).to.equal(serverList);
  });

  it("holds its requests to an origin while another tab was told to wait (Retry-After)", async () => {
    tabs.site.answerNext("GET /api/tasks", { status: 429, headers: { "Retry-After": "2" }, body: { error: "slow down" } });
    const told = await tabs.sender.evaluate(() => Task.sync({ remote: true }).then(() => "pulled", (e: any) => String(e.status)));
    expect(told).to.equal("429");
    const toldAt = Date.now();
    const state = await tabs.other.evaluate(() => Task.sync({ remote: true }).then(() => "pulled", (e: any) => String(e.status)));
    expect(state).to.equal("pulled");
    expect(tabs.site.requests).to.deep.equal(["GET /api/tasks", "GET /api/tasks"]);
    expect(Date.now() - toldAt).to.be.at.least(1500);
  });
});
