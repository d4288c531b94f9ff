import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, eventually, shownTasks, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * Found from outside: the offline-first app could not be opened offline. A
 * reload with no network showed the browser's "No internet" page, so the
 * data atmos2 kept in the browser, and the changes waiting to be sent, were
 * out of reach until the network came back. The page now keeps its own
 * files (example/src/sw.js) and opens on that data.
 */
describe("Tasks app: opening with no network or no server", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  /** Once the page's files are kept: the service worker controls the page. */
  const kept = (page: Page) => eventually(async () => expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).to.equal(true));

  it("reloads offline on the data of this browser, changes made offline included, and sends them once back", async () => {
    const page = await harness.openDevice();
    await addList(page, "Groceries");
    await addTasks(page, "Milk");
    await synced(page);
    await kept(page);

    await page.context().setOffline(true);
    await addTasks(page, "Bread");
    await page.reload();
    await page.locator(".status .pill").waitFor();
    expect(await page.locator(".lists").innerText()).to.contain("Groceries");
    expect((await shownTasks(page)).open.sort()).to.deep.equal(["Bread", "Milk"]);
    expect(harness.pageErrors(page)).to.deep.equal([]);

    await page.context().setOffline(false);
    await synced(page);
    const list = (await harness.listNamed("Groceries"))!;
    expect((await harness.tasks(list.id)).map((t) => t.title).sort()).to.deep.equal(["Bread", "Milk"]);
  });

  it("opens on its data when the server is gone (last: it stops the server)", async () => {
    const page = await harness.openDevice();
    await addList(page, "Garden");
    await addTasks(page, "Water the roses");
    await synced(page);
    await kept(page);

    await harness.app.close();
    await page.reload();
    await page.locator(".status .pill").waitFor();
    expect(await page.locator(".lists").innerText()).to.contain("Garden");
    expect((await shownTasks(page)).open).to.deep.equal(["Water the roses"]);
    await page.locator(".pill[data-state='offline']").waitFor();
  });
});
