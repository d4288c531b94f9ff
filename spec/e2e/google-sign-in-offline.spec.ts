import { expect } from "chai";
import { TasksAppHarness } from "./tasks-app-harness";

/**
 * Found by a new user: in Google mode with Google's sign-in script out of
 * reach (offline, or blocked), clicking "Sign in" did nothing visible; the
 * error ("Could not load …; are you online?") was thrown away. The pill now
 * says the sign-in failed and why, and offers to try again.
 */
describe("Tasks app: signing in to Google when Google's script cannot load", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart({ GOOGLE_CLIENT_ID: "1234-test.example" }));
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("says the sign-in failed, and why, and offers to try again", async () => {
    const page = await harness.openDevice({ width: 390, height: 844 });
    // Nothing but the app's own server is reachable.
    await page.context().route((url) => !url.href.startsWith(harness.app.url), (route) => route.abort("internetdisconnected"));
    const pill = page.locator(".status .pill");
    await page.locator('.status .pill-action[data-action="sign-in"]').waitFor();
    expect(await pill.innerText()).to.contain("Signed out");
    await page.locator('.status .pill-action[data-action="sign-in"]').click();
    await page.locator(".status .pill", { hasText: "Sign-in failed" }).waitFor({ timeout: 10_000 });
    expect(await pill.getAttribute("title")).to.match(/Could not sign in: Could not load .*; are you online\?/);
    expect(await page.locator(".status .pill-action").innerText()).to.equal("Try again");
    expect(harness.pageErrors(page)).to.deep.equal([]);
  });
});
