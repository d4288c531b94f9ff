import { expect } from "chai";
import "../../../lib/live";
import { Task } from "../models";
import { openLivePage, type LivePage } from "./live-page";
import { storedEntry } from "./offline-page";

/**
 * While this page's live connection is down (the device was offline),
 * another device renames a task; the news of it waits on the live server.
 * The user deletes the task, and when the device is back the delete goes
 * out and is answered before the live connection has replayed what it
 * missed. The replayed rename is older than the delete: it must not bring
 * the task back. It did: the page showed it again as synced (and stored it)
 * until news of the delete itself or a pull came, and the user could edit it
 * meanwhile. (Here the delete's news is not published yet, as when the
 * backend publishes a moment after it commits.)
 * (Two-device chaos seed 9237, --steps 120: "A sees A3, which it destroyed";
 * A's DELETE was answered at 4183 ms, the replay of A3's earlier rename came
 * after, and A edited the task it had deleted.)
 */
describe("offline: late live news of a task this page deleted", () => {
  let stage: LivePage;

  beforeEach(async () => {
    stage = await openLivePage([{ title: "milk" }, { title: "bread" }]);
  });
  afterEach(() => stage.close());

  it("does not bring it back once the delete is answered", async () => {
    const { page, client, listId, live, api } = stage;
    const [milk] = stage.tasks;
    page.atmos.live.disconnect();

    const before = api.published.length;
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "oat milk" })).status).to.equal(200);
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);

    (Task.find(milk.id) as Task).destroy({ remote: true });
    await page.atmos.whenSynced();
    expect((await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body.deleted, "deleted on the server").to.equal(true);

    // Back online: the live connection replays the rename it missed.
    const replayed = new Promise<void>((resolve) => page.atmos.on("live:change", () => resolve()));
    await page.atmos.live.connect(live.wsUrl, { token: "any" });
    await replayed;
    await page.atmos.whenSynced();

    expect(Task.all().map((t) => t.title), "the page's tasks").to.deep.equal(["bread"]);
    expect(storedEntry(page.storage, "Task", milk.id), "stored").to.equal(undefined);
  });
});
