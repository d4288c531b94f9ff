import { expect } from "chai";
import type { BrowserContext } from "playwright-core";
import { addList, addTasks, synced, TasksAppHarness } from "./tasks-app-harness";

const clientId = "1234-test.apps.googleusercontent.com";
const googleApi = "https://tasks.googleapis.com/tasks/v1";

/**
 * Stands in for Google Identity Services' script: hands out the tokens in
 * order (the first one the API will refuse) and records each request.
 */
const fakeGsiClient = `
  window.gsi = { requests: [], config: null };
  const tokens = ["expired-token", "dev-token"];
  window.google = { accounts: { oauth2: { initTokenClient(config) {
    window.gsi.config = { client_id: config.client_id, scope: config.scope };
    return { requestAccessToken(options) {
      window.gsi.requests.push(options && options.prompt);
      setTimeout(() => config.callback({ access_token: tokens.shift() || "dev-token", expires_in: 3600 }));
    } };
  } } } };
`;

const cors = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
};

/** Google's script and API, played by the fake above and the bundled server. */
async function pretendToBeGoogle(context: BrowserContext, appUrl: string, bodies: Array<Record<string, unknown>> = []): Promise<string[]> {
  const scripts: string[] = [];
  await context.route("https://accounts.google.com/**", (route) => {
    scripts.push(route.request().url());
    return route.fulfill({ contentType: "text/javascript", body: fakeGsiClient });
  });
  await context.route(`${googleApi}/**`, async (route) => {
    if (route.request().method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
    const sent = route.request().postData();
    if (sent && route.request().url().includes("/tasks")) bodies.push(JSON.parse(sent));
    const response = await route.fetch({ url: route.request().url().replace(googleApi, `${appUrl}/tasks/v1`) });
    return route.fulfill({ response, headers: { ...response.headers(), ...cors } });
  });
  return scripts;
}

describe("Tasks app: Google mode", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start({ googleClientId: clientId }));
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("signs in with Google Identity Services, renews a refused token by itself, and syncs", async () => {
    const context = await harness.browser.newContext();
    const bodies: Array<Record<string, unknown>> = [];
    const scripts = await pretendToBeGoogle(context, harness.app.url, bodies);
    const page = await context.newPage();
    await page.goto(harness.app.url);

    // Local-first: usable before signing in; the pill asks for a sign-in.
    await page.locator(".pill[data-state='signin']").waitFor();
    await addList(page, "Before sign-in");
    expect(await harness.lists()).to.deep.equal([]);

    await page.locator(".status").getByRole("button", { name: "Sign in" }).click();
    await synced(page);

    expect(scripts).to.deep.equal(["https://accounts.google.com/gsi/client"]);
    const gsi = await page.evaluate(() => (window as any).gsi);
    expect(gsi.config).to.deep.equal({ client_id: clientId, scope: "https://www.googleapis.com/auth/tasks" });
    // The click asked with consent; the refused token was replaced silently.
    expect(gsi.requests).to.deep.equal(["consent", ""]);
    expect((await harness.lists()).map((l) => l.title)).to.deep.equal(["Before sign-in"]);

    // A task goes to Google with Google's fields only: no list id of ours, nothing the server sets.
    await addTasks(page, "Buy stamps");
    await page.getByLabel("Done: Buy stamps").check();
    await synced(page);
    const taskBodies = bodies.filter((body) => body.title === "Buy stamps");
    expect(taskBodies.length).to.be.greaterThan(0);
    for (const body of taskBodies) expect(Object.keys(body)).to.satisfy((keys: string[]) => keys.every((key) => ["id", "title", "notes", "status", "due", "completed"].includes(key)), JSON.stringify(body));
    await context.close();
  });
});
