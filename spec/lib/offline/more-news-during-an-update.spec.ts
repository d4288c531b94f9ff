import { expect } from "chai";
import "../../../lib/live";
import { models, Task } from "../models";
import { holdRequests, openLivePage, type Held, type LivePage } from "./live-page";
import { nextEvent } from "./offline-page";

/**
 * This page's update of a task's notes is on its way when another device
 * renames the task, and then renames it again. The page takes the first
 * rename and queues it to be sent again after its update (which carries the
 * old title); that queued title is the server's, not the user's, so the
 * second rename must replace it, on the page and on the server.
 */
describe("offline: another device's second change while this page's update is on its way", () => {
  let stage: LivePage;
  let milk: { id: string };
  let put: Held;

  beforeEach(async () => {
    stage = await openLivePage([{ title: "milk", notes: "1 litre" }]);
    milk = stage.tasks[0];
    put = holdRequests(stage.proxy, "PUT");
  });
  afterEach(async () => {
    put.letGo();
    await stage.close();
  });

  /** Another device renames the task; the page hears of it live, or by a pull. */
  async function otherDeviceRenames(title: string, how: "live" | "pull"): Promise<void> {
    const { api, client, listId, live, page } = stage;
    const before = api.published.length;
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title })).status).to.equal(200);
    if (how === "pull") return void (await models.Task.sync({ remote: true, pathParams: { taskListID: listId } }));
    const applied = nextEvent(page.atmos, "live:change");
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
    await applied;
  }
  const shown = () => Task.find(milk.id) as Task;

  for (const how of ["live", "pull"] as const) {
    it(`keeps the second rename (${how}), on the page and on the server`, async () => {
      shown().updateAttributes({ notes: "2 litres" }, { remote: true });
      await put.out;
      await otherDeviceRenames("oat milk", how);
      await otherDeviceRenames("soy milk", how);
      expect(shown().title, "shown at once").to.equal("soy milk");
      put.letGo();
      await stage.page.atmos.whenSynced();
      const server = (await stage.client.call("GET", `/lists/${stage.listId}/tasks/${milk.id}`)).body;
      expect([server.title, server.notes], "on the server").to.deep.equal(["soy milk", "2 litres"]);
      expect([shown().title, shown().notes], "on the page").to.deep.equal(["soy milk", "2 litres"]);
    });
  }
});
