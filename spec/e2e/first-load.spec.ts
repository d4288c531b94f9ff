import { expect } from "chai";
import type { Route } from "playwright-core";
import { TasksAppHarness } from "./tasks-app-harness";

/**
 * Found by a phone-size review: on a new phone with a slow network, the
 * first load said "No lists yet" and "Welcome to Tasks – Name your first
 * list" while the user's lists were on their way, then "No tasks yet" while
 * the list's tasks were: a user may well make the list again. Until the
 * first pull has answered, the page says it is loading.
 */
describe("Tasks app: the first load on a new device", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("says it is loading, not that there are no lists or tasks, until the server has answered", async () => {
    const list = await harness.api("POST", "/users/@me/lists", { title: "Already there" });
    await harness.api("POST", `/lists/${list.id}/tasks`, { title: "Made on the laptop" });
    // Every API answer waits until the test lets it go.
    const held: Route[] = [];
    let holding = true;
    const page = await harness.openDevice(
      { width: 360, height: 640 },
      {
        touch: true,
        prepare: async (context) => {
          await context.route("**/tasks/v1/**", (route) => void (holding ? held.push(route) : route.continue()));
        },
      },
    );
    const lists = page.locator(".lists");
    const panel = page.locator("#panel");
    await page.locator(".lists-empty").waitFor();
    expect(await page.locator(".lists-empty").innerText()).to.equal("Loading your lists…");
    expect(await panel.innerText()).not.to.contain("Welcome");
    expect(await panel.innerText()).to.contain("Loading");

    // The lists come; the tasks are still on their way.
    while (held.length) await held.shift()!.continue();
    await lists.getByRole("button", { name: /Already there/ }).waitFor();
    await page.locator(".tasks-empty:not([hidden])").waitFor();
    expect(await page.locator(".tasks-empty").innerText()).to.equal("Loading tasks…");

    holding = false;
    while (held.length) await held.shift()!.continue();
    await page.locator(".task", { hasText: "Made on the laptop" }).waitFor();
    expect(await page.locator(".tasks-empty").isHidden()).to.equal(true);
  });
});
