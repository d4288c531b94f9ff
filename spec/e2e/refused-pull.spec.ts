import { expect } from "chai";
import { addList, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * Found from outside: when the page's pull was refused (429 after someone on
 * the same network tried wrong tokens, or a 500), the pill said a green
 * "Synced" over an empty account: "No lists yet", while the server held
 * nine. Only the Sync panel told the truth.
 */
describe("Tasks app: a pull the server refuses", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  for (const status of [429, 500]) {
    it(`says the lists are not up to date after a ${status}, not Synced, and Try again brings them`, async () => {
      const first = await harness.openDevice();
      await addList(first, `Made elsewhere ${status}`);
      await synced(first);

      const page = await harness.openDevice();
      let refuse = true;
      await page.route("**/tasks/v1/users/@me/lists*", (route) =>
        refuse && route.request().method() === "GET"
          ? route.fulfill({ status, contentType: "application/json", headers: { "Retry-After": "1" }, body: JSON.stringify({ error: { code: status, message: "Not now" } }) })
          : route.continue(),
      );
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      // Read at once, as the pill shows it: with Retry-After 1, the page pulls
      // again a second on, and a loaded machine can take that long between two reads.
      const stale = await page
        .locator(".status .pill[data-state='stale']")
        .evaluate((pill: HTMLElement) => ({ text: pill.innerText.trim(), title: pill.getAttribute("title") }));
      expect(stale.text).to.equal("Not up to date");
      expect(stale.title).to.match(/^Could not fetch the server's changes/);

      refuse = false;
      await page.getByRole("button", { name: "Try again" }).click();
      await synced(page);
      await page.locator(".list-select", { hasText: `Made elsewhere ${status}` }).waitFor();
    });
  }
});
