import { expect } from "chai";
import "../../../lib/live";
import { models, Task } from "../models";
import { holdRequests, openLivePage, type Held, type LivePage } from "./live-page";
import { nextEvent } from "./offline-page";

/**
 * This page's update is on its way when another device's change to the same
 * record arrives (as a live change, or in a pull). The request carries the
 * values this page had before, so when it lands it would put back the other
 * device's fields. Neither device's change may be lost: after the update is
 * answered, the server and the page have both.
 */
describe("offline: another device's change that arrives while this page's update is on its way", () => {
  let stage: LivePage;
  let milk: { id: string };
  /** The PUTs held at the proxy: `out` when the first arrived, `letGo()` sends them on. */
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

  /** Another device edits the task on the server; the change is published live when `publish` is set. */
  async function otherDeviceEdits(patch: Record<string, unknown>, publish: boolean): Promise<void> {
    const { api, client, listId, live } = stage;
    const before = api.published.length;
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, patch)).status).to.equal(200);
    if (!publish) return;
    const applied = nextEvent(stage.page.atmos, "live:change");
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
    await applied;
  }
  const serverTask = async () => (await stage.client.call("GET", `/lists/${stage.listId}/tasks/${milk.id}`)).body;
  const shown = () => Task.find(milk.id) as Task;

  async function bothChangesKept(): Promise<void> {
    put.letGo();
    await stage.page.atmos.whenSynced();
    const server = await serverTask();
    expect([server.title, server.notes], "on the server").to.deep.equal(["oat milk", "2 litres"]);
    expect([shown().title, shown().notes], "on the page").to.deep.equal(["oat milk", "2 litres"]);
  }

  it("a live change: the update lands, then the other device's notes are sent again", async () => {
    shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await put.out;
    await otherDeviceEdits({ notes: "2 litres" }, true);
    expect(shown().notes, "shown at once").to.equal("2 litres");
    await bothChangesKept();
  });

  it("a pull: the same", async () => {
    shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await put.out;
    await otherDeviceEdits({ notes: "2 litres" }, false);
    await models.Task.sync({ remote: true, pathParams: { taskListID: stage.listId } });
    expect(shown().notes, "shown after the pull").to.equal("2 litres");
    await bothChangesKept();
  });

  it("an edit saved without remote behind the update stays held, and takes the other device's notes with it on push()", async () => {
    shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await put.out;
    shown().updateAttributes({ due: "2027-01-01T00:00:00.000Z" }, { remote: false });
    await otherDeviceEdits({ notes: "2 litres" }, true);
    put.letGo();
    await stage.page.atmos.whenSynced();
    expect((await serverTask()).due, "held until push()").to.not.equal("2027-01-01T00:00:00.000Z");
    expect(shown().notes).to.equal("2 litres");
    await stage.page.atmos.push();
    const server = await serverTask();
    expect([server.title, server.notes, server.due]).to.deep.equal(["oat milk", "2 litres", "2027-01-01T00:00:00.000Z"]);
  });

  it("late news of an older version (the page's own earlier update) is not taken for the other device's change", async () => {
    const { api, live, listId, proxy } = stage;
    proxy.setSchedule(() => undefined);
    const published = api.published.length;
    await shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await stage.page.atmos.whenSynced();
    await otherDeviceEdits({ notes: "2 litres" }, false);
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    const ownEcho = api.published.slice(published)[0];
    expect(ownEcho.change.attrs?.title, "the page's own update, as published").to.equal("oat milk");
    put = holdRequests(proxy, "PUT");
    shown().updateAttributes({ title: "soy milk" }, { remote: true });
    await put.out;
    // The socket was slow: the echo of the first update comes only now.
    const applied = nextEvent(stage.page.atmos, "live:change");
    await live.live.hub.publish(ownEcho.channel, [ownEcho.change]);
    await applied;
    expect(shown().notes, "still the newer notes").to.equal("2 litres");
    put.letGo();
    await stage.page.atmos.whenSynced();
    const server = await serverTask();
    expect([server.title, server.notes]).to.deep.equal(["soy milk", "2 litres"]);
  });

  it("a live change to fields this page changed too: this page's values win, and nothing more is sent", async () => {
    shown().updateAttributes({ title: "oat milk" }, { remote: true });
    await put.out;
    await otherDeviceEdits({ title: "cow milk" }, true);
    put.letGo();
    await stage.page.atmos.whenSynced();
    expect((await serverTask()).title).to.equal("oat milk");
    expect(stage.proxy.log.filter((r) => r.method === "PUT")).to.have.length(1);
  });
});
