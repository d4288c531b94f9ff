import { expect } from "chai";
import "../../../lib/live";
import { models } from "../models";
import { openLivePage, type LivePage } from "./live-page";

/**
 * A task's create reached the server but its answer was lost (the
 * connection dropped after the commit), and the page waits to send it
 * again (a backoff). Meanwhile another device renamed the task, and the user
 * pulls: the server is reachable again. The pulled task is the one the page
 * created, but nothing in it says so (its title changed): only the create's
 * answer tells. So the pull sends the create again first, instead of
 * showing the server's copy next to the local task until the backoff ends.
 */
describe("offline: a pull while a create whose answer was lost waits to be sent again", () => {
  let stage: LivePage;
  const Task = () => models.Task;

  beforeEach(async () => {
    stage = await openLivePage();
  });
  afterEach(async () => {
    await stage?.close();
  });

  it("shows the task once, with the other device's title, and sends the create once more only", async () => {
    const { proxy, page, client, listId } = stage;
    let posts = 0;
    proxy.setSchedule((req) => (req.method === "POST" && ++posts === 1 ? "drop-response" : undefined));
    const failed = new Promise<void>((resolve) => page.atmos.on("error", () => resolve()));
    new (Task())({ title: "Milk", notes: "", status: "needsAction", taskListID: listId }).save({ remote: true });
    await failed;
    const [onServer] = await client.all(`/lists/${listId}/tasks`);
    expect((await client.call("PUT", `/lists/${listId}/tasks/${onServer.id}`, { ...onServer, title: "Oat milk" })).status).to.equal(200);

    await Task().sync({ remote: true, pathParams: { taskListID: listId } });

    expect(Task().all().map((t: any) => [t.id, t.title]), "the page's tasks after the pull").to.deep.equal([[onServer.id, "Oat milk"]]);
    expect(posts, "POSTs: the lost one and its one retry").to.equal(2);
    expect(await client.all(`/lists/${listId}/tasks`)).to.have.length(1);
  });
});

describe("offline: live news of a task whose create's answer was lost", () => {
  let stage: LivePage;
  const Task = () => models.Task;

  beforeEach(async () => {
    stage = await openLivePage();
  });
  afterEach(async () => {
    await stage?.close();
  });

  it("shows the task once, with the other device's title: the create is sent again before the news is shown", async () => {
    const { api, live, proxy, page, client, listId } = stage;
    let posts = 0;
    proxy.setSchedule((req) => (req.method === "POST" && ++posts === 1 ? "drop-response" : undefined));
    const failed = new Promise<void>((resolve) => page.atmos.on("error", () => resolve()));
    new (Task())({ title: "Milk", notes: "", status: "needsAction", taskListID: listId }).save({ remote: true });
    await failed;
    const [onServer] = await client.all(`/lists/${listId}/tasks`);
    const before = api.published.length;
    expect((await client.call("PUT", `/lists/${listId}/tasks/${onServer.id}`, { ...onServer, title: "Oat milk" })).status).to.equal(200);
    // The server's news of the rename reaches the page.
    const shown = new Promise<void>((resolve) => page.atmos.on("live:change", () => resolve()));
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
    await shown;

    expect(Task().all().map((t: any) => [t.id, t.title]), "the page's tasks after the news").to.deep.equal([[onServer.id, "Oat milk"]]);
    expect(posts, "POSTs: the lost one and its one retry").to.equal(2);
  });
});
