import { expect } from "chai";
import "../../../lib/live";
import type { PublishedChange } from "../../../example/server/tasks-api";
import { models, Task } from "../models";
import { holdRequests, openLivePage, type Held, type LivePage } from "./live-page";
import { nextEvent } from "./offline-page";

/**
 * The server commits this page's new task and announces it live before the
 * answer to the POST comes back (a slow network back, a fast live socket).
 * The live news names the server's id, the page still holds the task under
 * its local id: it must stay one task.
 */
describe("offline: this page's own new task, heard live before the create is answered", () => {
  let stage: LivePage;
  /** The POSTs, committed by the server, their answers held until `letGo()`. */
  let post: Held;

  beforeEach(async () => {
    stage = await openLivePage();
    post = holdRequests(stage.proxy, "POST", "answerAfter");
  });
  afterEach(async () => {
    post.letGo();
    await stage.close();
  });

  const newBread = () => Task.create({ title: "bread", taskListID: stage.listId }, { remote: true }) as Task;
  const serverTasks = async () => (await stage.client.call("GET", `/lists/${stage.listId}/tasks`)).body.items;

  /** The server's news of the new task, once it committed and published it. */
  async function breadPublished(): Promise<PublishedChange> {
    const ours = () => stage.api.published.find((p) => p.change.type === "created" && p.change.attrs?.title === "bread");
    while (!ours()) await new Promise((r) => setTimeout(r, 5));
    return ours()!;
  }

  /** Publishes these changes live, one at a time, each applied by the page before the next. */
  async function publishApplied(changes: PublishedChange[]): Promise<void> {
    for (const { channel, change } of changes) {
      const applied = nextEvent(stage.page.atmos, "live:change");
      await stage.live.live.hub.publish(channel, [change]);
      await applied;
    }
  }

  /** The first POST is committed and its answer lost: the page retries it with the same key. */
  function loseFirstCreateAnswer(): void {
    let first = true;
    stage.proxy.setSchedule((req) => {
      if (req.method !== "POST" || !first) return undefined;
      first = false;
      return "drop-response";
    });
  }

  /** Publishes the server's news of the new task; resolves once the page has handled the frame as far as it can without the answer. */
  async function heardLive(): Promise<{ applied: Promise<unknown> }> {
    await post.out;
    // The server answers only after it committed and published: wait for the publication.
    const { channel, change } = await breadPublished();
    expect(change.id, "the live news names the server's id").to.be.a("string");
    const frame = stage.nextChangeFrame();
    const applied = nextEvent(stage.page.atmos, "live:change");
    await stage.live.live.hub.publish(channel, [change]);
    await frame;
    // Everything the page does with the frame before waiting on the network.
    await new Promise((resolve) => setImmediate(resolve));
    return { applied };
  }

  it("stays one task, under the server's id, on the page and in storage", async () => {
    const bread = newBread();
    const { applied } = await heardLive();
    expect((Task.all() as Task[]).map((t) => t.title), "shown while the answer is on its way").to.deep.equal(["bread"]);
    post.letGo();
    await stage.page.atmos.whenSynced();
    await applied;
    const titles = (Task.all() as Task[]).map((t) => t.title);
    expect(titles).to.deep.equal(["bread"]);
    const serverId = (await serverTasks())[0].id;
    expect(bread.id).to.equal(serverId);
    expect(models.Task.dirty()).to.deep.equal([]);
    await stage.page.reload();
    expect((Task.all() as Task[]).map((t) => [t.id, t.title])).to.deep.equal([[serverId, "bread"]]);
  });

  it("stays one task when the create's answer was lost and the news came before the retry", async () => {
    loseFirstCreateAnswer();
    const bread = newBread();
    await publishApplied([await breadPublished()]);
    expect((Task.all() as Task[]).map((t) => t.title), "shown while the create waits to be sent again").to.deep.equal(["bread"]);
    bread.updateAttributes({ notes: "rye" }, { remote: true });
    await stage.page.atmos.push();
    await stage.page.atmos.whenSynced();
    const items = await serverTasks();
    expect(items.map((t: any) => [t.title, t.notes])).to.deep.equal([["bread", "rye"]]);
    expect((Task.all() as Task[]).map((t) => [t.id, t.title, t.notes])).to.deep.equal([[items[0].id, "bread", "rye"]]);
  });

  it("stays one task when the answer was lost and the user renamed it before the news came", async () => {
    loseFirstCreateAnswer();
    const bread = newBread();
    const created = await breadPublished();
    // The rename queues behind the create, which may have arrived: it is no longer what the server has.
    bread.updateAttributes({ title: "rye bread" }, { remote: false });
    await publishApplied([created]);
    expect((Task.all() as Task[]).map((t) => t.title), "shown while the create waits to be sent again").to.deep.equal(["rye bread"]);
    await stage.page.atmos.push();
    await stage.page.atmos.whenSynced();
    const items = await serverTasks();
    expect(items.map((t: any) => t.title)).to.deep.equal(["rye bread"]);
    expect((Task.all() as Task[]).map((t) => [t.id, t.title])).to.deep.equal([[items[0].id, "rye bread"]]);
  });

  it("stays one task when the answer was lost and another device renamed it before the retry", async () => {
    // Two devices writing one record: If-Match keeps a full-record PUT from putting back the other's fields.
    stage.page.atmos.resourceClient.conditionalUpdates = true;
    loseFirstCreateAnswer();
    const bread = newBread();
    const created = await breadPublished();
    const serverId = String(created.change.id);
    const before = stage.api.published.length;
    expect((await stage.client.call("PATCH", `/lists/${stage.listId}/tasks/${serverId}`, { title: "rye bread" })).status).to.equal(200);
    await publishApplied([created, ...stage.api.published.slice(before)]);
    expect((Task.all() as Task[]).length, "shown while the create waits to be sent again").to.equal(1);
    bread.updateAttributes({ notes: "sliced" }, { remote: true });
    await stage.page.atmos.push();
    await stage.page.atmos.whenSynced();
    await models.Task.sync({ remote: true, pathParams: { taskListID: stage.listId } });
    const items = await serverTasks();
    expect(items.map((t: any) => [t.id, t.title, t.notes])).to.deep.equal([[serverId, "rye bread", "sliced"]]);
    expect((Task.all() as Task[]).map((t) => [t.id, t.title, t.notes])).to.deep.equal([[serverId, "rye bread", "sliced"]]);
  });

  it("sends an edit made meanwhile as an update of that one task", async () => {
    const bread = newBread();
    await heardLive();
    bread.updateAttributes({ notes: "rye" }, { remote: true });
    post.letGo();
    await stage.page.atmos.whenSynced();
    const items = await serverTasks();
    expect(items.map((t: any) => [t.title, t.notes])).to.deep.equal([["bread", "rye"]]);
    expect((Task.all() as Task[]).map((t) => [t.title, t.notes])).to.deep.equal([["bread", "rye"]]);
  });
});
