import { expect } from "chai";
import "../../../lib/live";
import { watchedWebSocket } from "../../fakes/watched-websocket";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { nextEvent, openPage, type OfflinePage } from "./offline-page";

/**
 * The server commits this page's new task and announces it live before the
 * answer to the POST comes back (a slow network back, a fast live socket).
 * The live news names the server's id, the page still holds the task under
 * its local id: it must stay one task.
 */
describe("offline: this page's own new task, heard live before the create is answered", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let live: LiveFixture;
  let page: OfflinePage;
  let listId: string;
  let answer: () => void;
  let committed: Promise<void>;
  /** Resolves on the next live change frame the page receives. */
  let changeFrame: Promise<void>;
  let frameSeen = () => {};

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    live = await startLive();
    proxy = await startFaultProxy(api.url);
    const WebSocket = watchedWebSocket((data) => {
      if (JSON.parse(data).type === "change") frameSeen();
    });
    page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token, WebSocket });
    listId = (await tasksClient(api).createList("Shopping")).id;
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    await page.atmos.live.connect(live.wsUrl, { token: "any" });
    const held = new Promise<void>((resolve) => (answer = resolve));
    committed = new Promise<void>((seen) => {
      proxy.setSchedule((req) => {
        if (req.method !== "POST") return undefined;
        seen();
        return { answerAfter: held };
      });
    });
  });
  afterEach(async () => {
    answer();
    page.close();
    await live.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  /** Publishes the server's news of the new task; resolves once the page has handled the frame as far as it can without the answer. */
  async function heardLive(): Promise<{ applied: Promise<unknown> }> {
    await committed;
    // The server answers only after it committed and published: wait for the publication.
    const ours = () => api.published.find((p) => p.change.type === "created" && p.change.attrs?.title === "bread");
    while (!ours()) await new Promise((r) => setTimeout(r, 5));
    const { channel, change } = ours()!;
    expect(change.id, "the live news names the server's id").to.be.a("string");
    changeFrame = new Promise<void>((resolve) => (frameSeen = resolve));
    const applied = nextEvent(page.atmos, "live:change");
    await live.live.hub.publish(channel, [change]);
    await changeFrame;
    // Everything the page does with the frame before waiting on the network.
    await new Promise((resolve) => setImmediate(resolve));
    return { applied };
  }

  it("stays one task, under the server's id, on the page and in storage", async () => {
    const bread = Task.create({ title: "bread", taskListID: listId }, { remote: true }) as Task;
    const { applied } = await heardLive();
    expect((Task.all() as Task[]).map((t) => t.title), "shown while the answer is on its way").to.deep.equal(["bread"]);
    answer();
    await page.atmos.whenSynced();
    await applied;
    const titles = (Task.all() as Task[]).map((t) => t.title);
    expect(titles).to.deep.equal(["bread"]);
    const serverId = (await tasksClient(api).call("GET", `/lists/${listId}/tasks`)).body.items[0].id;
    expect(bread.id).to.equal(serverId);
    expect(models.Task.dirty()).to.deep.equal([]);
    await page.reload();
    expect((Task.all() as Task[]).map((t) => [t.id, t.title])).to.deep.equal([[serverId, "bread"]]);
  });

  it("stays one task when the create's answer was lost and the news came before the retry", async () => {
    let first = true;
    proxy.setSchedule((req) => {
      if (req.method !== "POST" || !first) return undefined;
      first = false;
      return "drop-response";
    });
    const bread = Task.create({ title: "bread", taskListID: listId }, { remote: true }) as Task;
    while (!api.published.some((p) => p.change.attrs?.title === "bread")) await new Promise((r) => setTimeout(r, 5));
    const { channel, change } = api.published.find((p) => p.change.attrs?.title === "bread")!;
    const applied = nextEvent(page.atmos, "live:change");
    await live.live.hub.publish(channel, [change]);
    await applied;
    expect((Task.all() as Task[]).map((t) => t.title), "shown while the create waits to be sent again").to.deep.equal(["bread"]);
    bread.updateAttributes({ notes: "rye" }, { remote: true });
    await page.atmos.push();
    await page.atmos.whenSynced();
    const items = (await tasksClient(api).call("GET", `/lists/${listId}/tasks`)).body.items;
    expect(items.map((t: any) => [t.title, t.notes])).to.deep.equal([["bread", "rye"]]);
    expect((Task.all() as Task[]).map((t) => [t.id, t.title, t.notes])).to.deep.equal([[items[0].id, "bread", "rye"]]);
  });

  it("stays one task when the answer was lost and the user renamed it before the news came", async () => {
    let first = true;
    proxy.setSchedule((req) => {
      if (req.method !== "POST" || !first) return undefined;
      first = false;
      return "drop-response";
    });
    const bread = Task.create({ title: "bread", taskListID: listId }, { remote: true }) as Task;
    while (!api.published.some((p) => p.change.attrs?.title === "bread")) await new Promise((r) => setTimeout(r, 5));
    // The rename queues behind the create, which may have arrived: it is no longer what the server has.
    bread.updateAttributes({ title: "rye bread" }, { remote: false });
    const { channel, change } = api.published.find((p) => p.change.attrs?.title === "bread")!;
    const applied = nextEvent(page.atmos, "live:change");
    await live.live.hub.publish(channel, [change]);
    await applied;
    expect((Task.all() as Task[]).map((t) => t.title), "shown while the create waits to be sent again").to.deep.equal(["rye bread"]);
    await page.atmos.push();
    await page.atmos.whenSynced();
    const items = (await tasksClient(api).call("GET", `/lists/${listId}/tasks`)).body.items;
    expect(items.map((t: any) => t.title)).to.deep.equal(["rye bread"]);
    expect((Task.all() as Task[]).map((t) => [t.id, t.title])).to.deep.equal([[items[0].id, "rye bread"]]);
  });

  it("stays one task when the answer was lost and another device renamed it before the retry", async () => {
    // Two devices writing one record: If-Match keeps a full-record PUT from putting back the other's fields.
    page.atmos.resourceClient.conditionalUpdates = true;
    let first = true;
    proxy.setSchedule((req) => {
      if (req.method !== "POST" || !first) return undefined;
      first = false;
      return "drop-response";
    });
    const bread = Task.create({ title: "bread", taskListID: listId }, { remote: true }) as Task;
    while (!api.published.some((p) => p.change.attrs?.title === "bread")) await new Promise((r) => setTimeout(r, 5));
    const created = api.published.find((p) => p.change.attrs?.title === "bread")!;
    const serverId = String(created.change.id);
    const before = api.published.length;
    expect((await tasksClient(api).call("PATCH", `/lists/${listId}/tasks/${serverId}`, { title: "rye bread" })).status).to.equal(200);
    for (const { channel, change } of [created, ...api.published.slice(before)]) {
      const applied = nextEvent(page.atmos, "live:change");
      await live.live.hub.publish(channel, [change]);
      await applied;
    }
    expect((Task.all() as Task[]).length, "shown while the create waits to be sent again").to.equal(1);
    bread.updateAttributes({ notes: "sliced" }, { remote: true });
    await page.atmos.push();
    await page.atmos.whenSynced();
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    const items = (await tasksClient(api).call("GET", `/lists/${listId}/tasks`)).body.items;
    expect(items.map((t: any) => [t.id, t.title, t.notes])).to.deep.equal([[serverId, "rye bread", "sliced"]]);
    expect((Task.all() as Task[]).map((t) => [t.id, t.title, t.notes])).to.deep.equal([[serverId, "rye bread", "sliced"]]);
  });

  it("sends an edit made meanwhile as an update of that one task", async () => {
    const bread = Task.create({ title: "bread", taskListID: listId }, { remote: true }) as Task;
    await heardLive();
    bread.updateAttributes({ notes: "rye" }, { remote: true });
    answer();
    await page.atmos.whenSynced();
    const items = (await tasksClient(api).call("GET", `/lists/${listId}/tasks`)).body.items;
    expect(items.map((t: any) => [t.title, t.notes])).to.deep.equal([["bread", "rye"]]);
    expect((Task.all() as Task[]).map((t) => [t.title, t.notes])).to.deep.equal([["bread", "rye"]]);
  });
});
