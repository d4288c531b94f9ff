import { expect } from "chai";
import "../../../lib/live";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { nextEvent, openPage, type OfflinePage } from "./offline-page";

/**
 * This page's update of a task's notes is on its way when another device
 * renames the task, and then renames it again. The page takes the first
 * rename and queues it to be sent again after its update (which carries the
 * old title); that queued title is the server's, not the user's, so the
 * second rename must replace it, on the page and on the server.
 */
describe("offline: another device's second change while this page's update is on its way", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let live: LiveFixture;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string };
  let letItGo: () => void;
  let putOut: Promise<void>;

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    live = await startLive();
    proxy = await startFaultProxy(api.url);
    page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token });
    client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    milk = await client.createTask(listId, { title: "milk", notes: "1 litre" });
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    await page.atmos.live.connect(live.wsUrl, { token: "any" });
    const gate = new Promise<void>((resolve) => (letItGo = resolve));
    let held = false;
    putOut = new Promise<void>((arrived) => {
      proxy.setSchedule((req) => {
        if (req.method !== "PUT" || held) return undefined;
        held = true;
        arrived();
        return { until: gate };
      });
    });
  });
  afterEach(async () => {
    letItGo();
    page.close();
    await live.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  /** Another device renames the task; the page hears of it live, or by a pull. */
  async function otherDeviceRenames(title: string, how: "live" | "pull"): Promise<void> {
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
      await putOut;
      await otherDeviceRenames("oat milk", how);
      await otherDeviceRenames("soy milk", how);
      expect(shown().title, "shown at once").to.equal("soy milk");
      letItGo();
      await page.atmos.whenSynced();
      const server = (await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body;
      expect([server.title, server.notes], "on the server").to.deep.equal(["soy milk", "2 litres"]);
      expect([shown().title, shown().notes], "on the page").to.deep.equal(["soy milk", "2 litres"]);
    });
  }
});
