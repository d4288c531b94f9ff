import { expect } from "chai";
import type { WebSocketRoute } from "playwright-core";
import { eventually, shownTasks, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * Found by a live review in Chromium: on a first visit the live socket
 * starts from the server's current sequence number, so a change made after
 * the page's first pull read the server but before the socket was accepted
 * reached neither: the page never showed it (live was on, so no periodic
 * pull came either). The page pulls once its first socket is accepted.
 */
describe("Tasks app: a change made while the first live socket is being accepted", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("shows up, though it came after the first pull and before the socket's ready", async () => {
    const list = await harness.api("POST", "/users/@me/lists", { title: "Shared" });
    await harness.api("POST", `/lists/${list.id}/tasks`, { title: "Before" });
    // The page's frames to /live wait (its auth above all) until the test lets them go.
    const held: Array<() => void> = [];
    let holding = true;
    const page = await harness.openDevice(undefined, {
      prepare: async (context) => {
        await context.routeWebSocket(/\/live$/, (ws: WebSocketRoute) => {
          const server = ws.connectToServer();
          ws.onMessage((message) => (holding ? held.push(() => server.send(message)) : server.send(message)));
        });
      },
    });
    await synced(page);
    await eventually(async () => expect((await shownTasks(page)).open).to.deep.equal(["Before"]));

    await harness.api("POST", `/lists/${list.id}/tasks`, { title: "In between" });
    holding = false;
    for (const send of held.splice(0)) send();
    await page.locator(".live-badge[data-state='on']").waitFor();
    await eventually(async () => expect((await shownTasks(page)).open.sort()).to.deep.equal(["Before", "In between"]), 15_000);
  });
});
