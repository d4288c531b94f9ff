import { expect } from "chai";
import "../../../lib/live";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { nextEvent, openPage, type OfflinePage } from "./offline-page";

/**
 * This page's update is on its way when another device's change to the same
 * record arrives (as a live change, or in a pull). The request carries the
 * values this page had before, so when it lands it would put back the other
 * device's fields. Neither device's change may be lost: after the update is
 * answered, the server and the page have both.
 */
describe("offline: another device's change that arrives while this page's update is on its way", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let live: LiveFixture;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let milk: { id: string };
  /** Lets the held PUT go on to the server. */
  let letItGo: () => void;
  /** Resolves when the PUT reached the proxy (it is held there). */
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
    putOut = new Promise<void>((arrived) => {
      proxy.setSchedule((req) => {
        if (req.method !== "PUT") return undefined;
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

  /** Another device edits the task on the server; the change is published live when `publish` is set. */
  async function otherDeviceEdits(patch: Record<string, unknown>, publish: boolean): Promise<void> {
    const before = api.published.length;
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, patch)).status).to.equal(200);
    if (!publish) return;
    const applied = nextEvent(page.atmos, "live:change");
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
    await applied;
  }
  const serverTask = async () => (await client.call("GET", `/lists/${listId}/tasks/${milk.id}`)).body;
  const shown = () => Task.find(milk.id) as Task;

  async function bothChangesKept(): Promise<void> {
    letItGo();
    await page.atmos.whenSynced();
    const server = await serverTask();
    expect([server.title, server.notes], "on the server").to.deep.equal(["oat milk", "2 litres"]);
    expect([shown().title, shown().notes], "on the page").to.deep.equal(["oat milk", "2 litres"]);
  }

  it("a live change: the update lands, then the other device's notes are sent again", async () => {
    shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await putOut;
    await otherDeviceEdits({ notes: "2 litres" }, true);
    expect(shown().notes, "shown at once").to.equal("2 litres");
    await bothChangesKept();
  });

  it("a pull: the same", async () => {
    shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await putOut;
    await otherDeviceEdits({ notes: "2 litres" }, false);
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    expect(shown().notes, "shown after the pull").to.equal("2 litres");
    await bothChangesKept();
  });

  it("an edit saved without remote behind the update stays held, and takes the other device's notes with it on push()", async () => {
    shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await putOut;
    shown().updateAttributes({ due: "2027-01-01T00:00:00.000Z" }, { remote: false });
    await otherDeviceEdits({ notes: "2 litres" }, true);
    letItGo();
    await page.atmos.whenSynced();
    expect((await serverTask()).due, "held until push()").to.not.equal("2027-01-01T00:00:00.000Z");
    expect(shown().notes).to.equal("2 litres");
    await page.atmos.push();
    const server = await serverTask();
    expect([server.title, server.notes, server.due]).to.deep.equal(["oat milk", "2 litres", "2027-01-01T00:00:00.000Z"]);
  });

  it("late news of an older version (the page's own earlier update) is not taken for the other device's change", async () => {
    proxy.setSchedule(() => undefined);
    const published = api.published.length;
    await shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await page.atmos.whenSynced();
    await otherDeviceEdits({ notes: "2 litres" }, false);
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    const ownEcho = api.published.slice(published)[0];
    expect(ownEcho.change.attrs?.title, "the page's own update, as published").to.equal("oat milk");
    putOut = new Promise<void>((arrived) => {
      const gate = new Promise<void>((resolve) => (letItGo = resolve));
      proxy.setSchedule((req) => {
        if (req.method !== "PUT") return undefined;
        arrived();
        return { until: gate };
      });
    });
    shown().updateAttributes({ title: "soy milk" }, { remote: true });
    await putOut;
    // The socket was slow: the echo of the first update comes only now.
    const applied = nextEvent(page.atmos, "live:change");
    await live.live.hub.publish(ownEcho.channel, [ownEcho.change]);
    await applied;
    expect(shown().notes, "still the newer notes").to.equal("2 litres");
    letItGo();
    await page.atmos.whenSynced();
    const server = await serverTask();
    expect([server.title, server.notes]).to.deep.equal(["soy milk", "2 litres"]);
  });

  it("a live change to fields this page changed too: this page's values win, and nothing more is sent", async () => {
    shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await putOut;
    await otherDeviceEdits({ title: "cow milk" }, true);
    letItGo();
    await page.atmos.whenSynced();
    expect((await serverTask()).title).to.equal("oat milk");
    expect(proxy.log.filter((r) => r.method === "PUT")).to.have.length(1);
  });
});
