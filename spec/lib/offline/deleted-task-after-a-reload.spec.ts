import { expect } from "chai";
import "../../../lib/live";
import { Task } from "../models";
import { openLivePage, type LivePage } from "./live-page";
import { storedEntry } from "./offline-page";

/**
 * News older than a delete this page made, heard only after the page was
 * reloaded: the user deletes a task, the delete is answered, and the page
 * reloads before its live connection has applied the news of an earlier
 * change of that task (it was offline, or the news waited behind another);
 * the new page's live connection replays it. The replay must not bring the
 * task back. It did: the delete was remembered only in the closed page's
 * memory, so the new page showed (and stored) the task again as synced until
 * the delete's own news or a pull came, and the user could edit it.
 * (Here the delete's news is not published yet, as when the backend
 * publishes a moment after it commits.)
 * (Two-device chaos seed 10353, --steps 120: "B sees B1, which it destroyed":
 * B's DELETE was answered at about 1255 ms, B reloaded at 1301 ms with the
 * news of its own rename still waiting behind a create held at the proxy,
 * and after the reload the replay showed B1 again; B edited it at 2215 ms.)
 */
describe("offline: a deleted task after a reload", () => {
  let stage: LivePage;

  beforeEach(async () => {
    stage = await openLivePage([{ title: "milk" }, { title: "bread" }]);
  });
  afterEach(() => stage.close());

  /** Publishes what the API committed since `before`, as the app's backend does. */
  async function publishSince(before: number): Promise<void> {
    const { api, live } = stage;
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
  }

  /** Reloads the page and connects it live; resolves once the replay of what it missed was applied. */
  async function reloadAndHearTheReplay(): Promise<void> {
    const { page, live } = stage;
    await page.reload();
    const replayed = new Promise<void>((resolve) => page.atmos.on("live:change", () => resolve()));
    await page.atmos.live.connect(live.wsUrl, { token: "any" });
    await replayed;
    await page.atmos.whenSynced();
  }

  it("stays deleted when another device's earlier rename is replayed", async () => {
    const { page, client, listId } = stage;
    const [milk] = stage.tasks;
    page.atmos.live.disconnect();

    const before = stage.api.published.length;
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "oat milk" })).status).to.equal(200);
    await publishSince(before);

    (Task.find(milk.id) as Task).destroy({ remote: true });
    await page.atmos.whenSynced();
    expect((await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body.deleted, "deleted on the server").to.equal(true);

    await reloadAndHearTheReplay();

    expect(Task.all().map((t) => t.title), "the page's tasks").to.deep.equal(["bread"]);
    expect(storedEntry(page.storage, "Task", milk.id), "stored").to.equal(undefined);
  });

  it("stays deleted when the news of the page's own rename is replayed", async () => {
    const { page, client, listId } = stage;
    const [milk] = stage.tasks;
    page.atmos.live.disconnect();

    const before = stage.api.published.length;
    const task = Task.find(milk.id) as Task;
    task.title = "oat milk";
    task.save({ remote: true });
    await page.atmos.whenSynced();
    await publishSince(before);

    (Task.find(milk.id) as Task).destroy({ remote: true });
    await page.atmos.whenSynced();
    expect((await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body.deleted, "deleted on the server").to.equal(true);

    await reloadAndHearTheReplay();

    expect(Task.all().map((t) => t.title), "the page's tasks").to.deep.equal(["bread"]);
    expect(storedEntry(page.storage, "Task", milk.id), "stored").to.equal(undefined);
  });
});
