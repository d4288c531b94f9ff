import { expect } from "chai";
import { addList, eventually, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * Found by a phone-size review: with the server stopped, a page that had
 * nothing to send kept saying "Synced" ("Everything is saved on the
 * server") for as long as the user did nothing; only the small Live badge
 * changed, and what it means is in a tooltip a phone never shows. A live
 * socket that drops and does not come back is now taken as a reason to ask
 * the server, and the pill says what that finds.
 */
describe("Tasks app: the server goes away while the page is open", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("says Offline, with the banner, without the user doing anything", async () => {
    const page = await harness.openDevice({ width: 360, height: 640 }, { touch: true });
    await addList(page, "Kept here");
    await synced(page);
    await page.locator(".live-badge[data-state='on']").waitFor();

    await harness.stopServerOnly();
    await eventually(async () => expect(await page.locator(".status .pill").innerText()).to.match(/^Offline/), 20_000);
    expect(await page.locator("#offline-banner").innerText()).to.contain("Can't reach the server");
  });
});
