import { expect } from "chai";
import "../../../lib/live";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { nextEvent, openPage, recordEvents, type OfflinePage } from "./offline-page";

/**
 * Another device edits a record this page is editing offline, and the news
 * comes as a live change instead of a pull: the user's own fields stay, the
 * other device's are taken, and the push sends both.
 */
describe("offline: a live change to a record with an unsent edit is merged, not lost", () => {
  let api: TasksTestServer;
  let live: LiveFixture;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string };

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    live = await startLive();
    page = openPage({ base: api.base, token: api.token });
    client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    milk = await client.createTask(listId, { title: "milk", notes: "1 litre" });
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    await page.atmos.live.connect(live.wsUrl, { token: "any" });
  });
  afterEach(async () => {
    page.close();
    await live.close();
    await api.close({ removeFile: true });
  });

  /** Another device edits the task on the server, and the API's change is published live. */
  async function otherDeviceEdits(patch: Record<string, unknown>): Promise<void> {
    const before = api.published.length;
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, patch)).status).to.equal(200);
    const applied = nextEvent(page.atmos, "live:change");
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
    await applied;
  }
  const serverTask = async () => (await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body;

  it("keeps this page's title edit, takes the other device's notes, and pushes both", async () => {
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: false });
    await otherDeviceEdits({ notes: "2 litres" });

    const shown = Task.find(milk.id) as Task;
    expect([shown.title, shown.notes]).to.deep.equal(["oat milk", "2 litres"]);
    await page.atmos.push();
    const server = await serverTask();
    expect([server.title, server.notes]).to.deep.equal(["oat milk", "2 litres"]);
  });

  it("emits a conflict event, as a pull does", async () => {
    const conflicts = recordEvents(page.atmos, "conflict");
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: false });
    await otherDeviceEdits({ notes: "2 litres" });
    expect(conflicts).to.have.length(1);
    expect(conflicts[0]).to.deep.include({ model: "Task" });
    expect(conflicts[0].local).to.include({ title: "oat milk", notes: "1 litre" });
    expect(conflicts[0].remote).to.include({ title: "milk", notes: "2 litres" });
    expect(conflicts[0].merged).to.include({ title: "oat milk", notes: "2 litres" });
    expect(conflicts[0].base).to.include({ title: "milk", notes: "1 litre" });
    expect((conflicts[0].record as Task).id).to.equal(milk.id);
  });

  // Found by a live review in Chromium: a backend that publishes a commit
  // before it answers the request (as "notify after each commit" reads) made
  // every remote save of the page raise a conflict with its own values.
  it("emits no conflict for the live news of this page's own update, published before its answer came", async () => {
    const conflicts = recordEvents(page.atmos, "conflict");
    const rc = page.atmos.resourceClient;
    const send = rc.fetch;
    rc.fetch = async (input, init) => {
      const before = api.published.length;
      const response = await send(input, init);
      if (init?.method === "PUT" || init?.method === "PATCH") {
        const heard = nextEvent(page.atmos, "live:change");
        for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
        await heard;
      }
      return response;
    };
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: true });
    await page.atmos.whenSynced();
    expect(conflicts).to.deep.equal([]);
    expect((Task.find(milk.id) as Task).title).to.equal("oat milk");
    expect((await serverTask()).title).to.equal("oat milk");
  });

  it("keeps the user's value of a field both changed, and the record stays unsent", async () => {
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: false });
    await otherDeviceEdits({ title: "cow milk" });
    expect((Task.find(milk.id) as Task).title).to.equal("oat milk");
    expect((Task.find(milk.id) as any).syncState()).to.equal("local");
    expect(models.Task.dirty().map((t: Task) => t.id)).to.deep.equal([milk.id]);
  });

  it("sends the update against the other device's version: no 412 round trip", async () => {
    page.atmos.resourceClient.conditionalUpdates = true;
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: false });
    await otherDeviceEdits({ notes: "2 litres" });
    const sent = api.requests.length;
    await page.atmos.push();
    expect(api.requests.slice(sent).map((r) => r.method)).to.deep.equal(["PUT"]);
  });

  // Found by an outside review: the news of a delete left the edited record
  // as it was (right: the edit is the user's), but its live:change looked
  // exactly like a delete applied, so an app had no way to show that the
  // record it still shows is gone elsewhere.
  it("keeps the record under a live delete, and its live:change says the change was not applied (kept: true)", async () => {
    (Task.find(milk.id) as Task).updateAttributes({ title: "oat milk" }, { remote: false });
    const changes = recordEvents(page.atmos, "live:change");
    const before = api.published.length;
    expect((await client.call("DELETE", `/lists/${listId}/tasks/${milk.id}`)).status).to.equal(204);
    const applied = nextEvent(page.atmos, "live:change");
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
    await applied;

    expect((Task.find(milk.id) as Task).title, "still shown, with the edit").to.equal("oat milk");
    expect(changes.map((change) => [change.type, change.id, change.kept])).to.deep.equal([["deleted", milk.id, true]]);
  });

  it("says nothing of keeping for a change it applied", async () => {
    const changes = recordEvents(page.atmos, "live:change");
    await otherDeviceEdits({ notes: "2 litres" });
    expect(changes.map((change) => [change.type, "kept" in change])).to.deep.equal([["updated", false]]);
  });
});
