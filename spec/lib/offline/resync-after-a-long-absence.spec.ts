import { expect } from "chai";
import "../../../lib/live";
import { List, models, Task } from "../models";
import { openLivePage, type LivePage } from "./live-page";

/**
 * A page was away (closed, or offline) while more changed on the server than
 * the live server keeps: on connecting, it hears `resync` and pulls the
 * collections again. The pull must bring what it missed, deletions included,
 * whether or not the app's own pulls were incremental (`since: "auto"`).
 */
describe("offline: live resync after a long absence", () => {
  let stage: LivePage;

  beforeEach(async () => {
    stage = await openLivePage([{ title: "milk" }, { title: "bread" }], { replayLimit: 2 });
    await models.List.sync({ remote: true });
  });
  afterEach(() => stage.close());

  /** The page reloads without connecting; meanwhile another device deletes milk, renames bread and adds eggs. */
  async function changedWhileAway(): Promise<void> {
    const { page, api, client, listId, live, tasks } = stage;
    page.atmos.live.disconnect();
    await page.reload();
    const before = api.published.length;
    await client.call("DELETE", `/lists/${listId}/tasks/${tasks[0].id}`);
    await client.call("PATCH", `/lists/${listId}/tasks/${tasks[1].id}`, { title: "rye bread" });
    await client.createTask(listId, { title: "eggs" });
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
  }

  it("removes a task deleted on the server while the page was away, and shows the rest", async () => {
    await changedWhileAway();
    const { page } = stage;
    const resynced = new Promise<void>((resolve) => page.atmos.on("live:resync", () => resolve()));
    await page.atmos.live.connect(stage.live.wsUrl, { token: "any" });
    await resynced;
    const titles = () => (Task.all() as Task[]).map((t) => t.title).sort();
    for (let i = 0; i < 200 && titles().join() !== "eggs,rye bread"; i++) await new Promise((r) => setTimeout(r, 10));
    expect(titles()).to.deep.equal(["eggs", "rye bread"]);
    expect(page.storage.getItem(`atmos2:rec:Task:${stage.tasks[0].id}`), "milk's stored record").to.equal(null);
    expect((List.all() as List[]).map((l) => l.title)).to.deep.equal(["Shopping"]);
  });
});
