import { expect } from "chai";
import "../../../lib/live";
import type { Atmos } from "../../../lib";
import { watchedWebSocket } from "../../fakes/watched-websocket";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { models, resetModels, Task } from "../models";
import { nextEvent, openPage, type OfflinePage } from "./offline-page";

/**
 * Another device's new task is announced live while this page's own create
 * is being answered, so the news waits; meanwhile the app closes its Atmos
 * and opens a new one on the same storage and models (a sign-in again, a
 * "reload" in one process). The old Atmos must not finish applying the news
 * into the new one's models, and the new one must still get that news.
 */
describe("offline: live news being applied when the Atmos is closed", () => {
  let api: TasksTestServer;
  let proxy: FaultProxy;
  let live: LiveFixture;
  let page: OfflinePage;
  let client: ReturnType<typeof tasksClient>;
  let listId: string;
  let answer: () => void;
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
    client = tasksClient(api);
    listId = (await client.createList("Shopping")).id;
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    await page.atmos.live.connect(live.wsUrl, { token: "any" });
    const held = new Promise<void>((resolve) => (answer = resolve));
    proxy.setSchedule((req) => (req.method === "POST" ? { answerAfter: held } : undefined));
  });
  afterEach(async () => {
    answer();
    page.close();
    await live.close();
    await proxy.close();
    await api.close({ removeFile: true });
  });

  /** The other device creates "eggs"; the page receives the news, which waits for the page's own create. */
  async function eggsAnnouncedWhileBreadIsAnswered(): Promise<void> {
    Task.create({ title: "bread", taskListID: listId }, { remote: true });
    while (!api.published.some((p) => p.change.attrs?.title === "bread")) await new Promise((r) => setTimeout(r, 5));
    const before = api.published.length;
    await client.createTask(listId, { title: "eggs" });
    const frame = new Promise<void>((resolve) => (frameSeen = resolve));
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
    await frame;
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Lets the old Atmos's create be answered, and everything waiting on that answer run. */
  async function oldAtmosAnswered(old: Atmos): Promise<void> {
    answer();
    await old.createsAnswered("Task");
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  it("shows no record the new Atmos does not know (an edit of it would be sent as a second create)", async () => {
    await eggsAnnouncedWhileBreadIsAnswered();
    const old = page.atmos;
    await page.reload();
    await oldAtmosAnswered(old);
    const unknown = (Task.all() as Task[]).filter((t) => !page.atmos.metaContext.get("Task", t.id)).map((t) => t.title);
    expect(unknown, "shown without a stored entry").to.deep.equal([]);
  });

  it("leaves the news to the new Atmos: connected, it gets eggs", async () => {
    await eggsAnnouncedWhileBreadIsAnswered();
    const old = page.atmos;
    await page.reload();
    await oldAtmosAnswered(old);
    const eggs = new Promise<void>((resolve) =>
      page.atmos.on("live:change", ({ change }) => {
        if (change.attrs?.title === "eggs") resolve();
      }),
    );
    await page.atmos.live.connect(live.wsUrl, { token: "any" });
    await eggs;
    const shown = (Task.all() as Task[]).filter((t) => t.title === "eggs");
    expect(shown).to.have.length(1);
    expect(page.atmos.syncState("Task", shown[0].id)).to.equal("synced");
  });
});
