import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, eventually, smallTargets, synced, TasksAppHarness } from "./tasks-app-harness";

const alice = "alice-token-0123456789abcdef";
const bob = "bob-token-0123456789abcdef0";

/** The small phone the outside audit used. */
const phone = { width: 375, height: 667 };

/** Issue 13, item 2: a server with accounts hands out no token; the page asks for it and forgets it on sign-out. */
describe("Tasks app: signing in to a server with accounts", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart({ TASKS_USERS: `alice:${alice},bob:${bob}` }));
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  const openSignIn = () => harness.openDevice(undefined, { ready: "#sign-in-token" });

  async function signIn(page: Page, token: string): Promise<void> {
    await page.getByLabel("Access token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator(".status .pill").waitFor();
  }

  /** Storage keys of the page, minus the app config (which holds no secret here). */
  const storedKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k !== "tasks-example:app-config").sort());

  it("is told to sign in by app-config.json, which carries no token", async () => {
    const response = await fetch(`${harness.app.url}/app-config.json`);
    const config = await response.json();
    expect(config).to.include({ signIn: true });
    expect(config).not.to.have.property("token");
  });

  it("shows only the sign-in form, refuses a wrong token, and opens the person's own lists with the right one", async () => {
    await harness.api("POST", "/users/@me/lists", { title: "Bob's list" }, bob);
    const page = await openSignIn();
    expect(await page.locator("#app").isHidden(), "no app behind the form").to.equal(true);
    expect(await page.locator(".status .pill").count()).to.equal(0);
    // The field is focused: the person can type at once.
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("sign-in-token");

    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.locator(".sign-in-error").innerText()).to.contain("Enter your access token");
    await page.getByLabel("Access token").fill("not-a-real-token-at-all");
    await page.getByLabel("Access token").press("Enter");
    await page.locator(".sign-in-error", { hasText: "not accepted" }).waitFor();
    expect(await page.getByLabel("Access token").getAttribute("aria-invalid")).to.equal("true");
    expect(await storedKeys(page)).to.deep.equal([]);

    await signIn(page, alice);
    expect(await page.locator(".list-select").count(), "Bob's list is not Alice's").to.equal(0);
    await addList(page, "Alice's list");
    await addTasks(page, "Alice's task");
    await synced(page);
    const asAlice = (await harness.api("GET", "/users/@me/lists", undefined, alice)).items.map((l: any) => l.title);
    const asBob = (await harness.api("GET", "/users/@me/lists", undefined, bob)).items.map((l: any) => l.title);
    expect(asAlice).to.deep.equal(["Alice's list"]);
    expect(asBob).to.deep.equal(["Bob's list"]);
    expect(await page.evaluate(() => localStorage.getItem("tasks-example:session"))).to.equal(alice);
    expect(harness.pageErrors(page)).to.deep.equal([]);
  });

  it("stays signed in across a reload, and follows the person's changes live with their token", async () => {
    const page = await openSignIn();
    await signIn(page, alice);
    await addList(page, "Groceries");
    await synced(page);
    await page.reload();
    await page.locator(".list-title", { hasText: "Groceries" }).waitFor();
    expect(await page.locator("#sign-in-token").count()).to.equal(0);
    // The live socket authenticated with the stored token (a wrong one is refused with 4401).
    await page.locator(".live-badge[data-state='on']").waitFor({ state: "attached" });

    const list = (await harness.api("GET", "/users/@me/lists", undefined, alice)).items.find((l: any) => l.title === "Groceries");
    await harness.api("POST", `/lists/${list.id}/tasks`, { title: "Added elsewhere" }, alice);
    await page.locator(".task-title", { hasText: "Added elsewhere" }).waitFor();
    // Bob's changes never reach Alice's page.
    const bobs = await harness.api("POST", "/users/@me/lists", { title: "Bob only" }, bob);
    await harness.api("POST", `/lists/${bobs.id}/tasks`, { title: "Bob's secret" }, bob);
    await page.getByRole("button", { name: "Sync now" }).click();
    await synced(page);
    expect(await page.locator(".list-select", { hasText: "Bob only" }).count()).to.equal(0);
  });

  it("signs out: the token and the person's local data are forgotten, and the next person starts clean", async () => {
    const page = await openSignIn();
    await signIn(page, alice);
    await addList(page, "Private plans");
    await synced(page);
    expect((await storedKeys(page)).some((k) => k.startsWith("atmos2:rec:"))).to.equal(true);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#sign-in-token").waitFor();
    expect(await storedKeys(page)).to.deep.equal([]);
    expect(await page.locator("#account").isHidden()).to.equal(true);

    await signIn(page, bob);
    await synced(page);
    expect(await page.locator(".list-select", { hasText: "Private plans" }).count()).to.equal(0);
    await page.reload();
    await page.locator(".status .pill").waitFor();
    expect(await page.locator(".list-select", { hasText: "Private plans" }).count()).to.equal(0);
  });

  it("asks before signing out when changes have not reached the server", async () => {
    const page = await openSignIn();
    await signIn(page, alice);
    await addList(page, "Almost saved");
    await synced(page);
    await page.context().route("**/tasks/v1/**", (route) => route.abort());
    await addTasks(page, "Never sent");
    const questions: string[] = [];
    page.on("dialog", (dialog) => questions.push(dialog.message()));
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#sign-in-token").waitFor();
    expect(questions).to.have.length(1);
    expect(questions[0]).to.match(/1 change has not reached the server and will be lost/);
    expect(await storedKeys(page)).to.deep.equal([]);
  });

  it("fits a phone: the form never scrolls sideways and signs in by touch", async () => {
    const page = await harness.openDevice({ width: 390, height: 844 }, { touch: true, ready: "#sign-in-token" });
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth && innerWidth === 390);
    expect(await fits()).to.equal(true);
    await page.getByLabel("Access token").fill(alice);
    await page.getByLabel("Show token").tap();
    expect(await page.getByLabel("Access token").getAttribute("type")).to.equal("text");
    await page.getByRole("button", { name: "Sign in" }).tap();
    await page.locator(".status .pill").waitFor();
    expect(await fits()).to.equal(true);
    const signOut = (await page.getByRole("button", { name: "Sign out" }).boundingBox())!;
    expect(signOut.x + signOut.width).to.be.at.most(390);
    await page.getByRole("button", { name: "Sign out" }).tap();
    await page.locator("#sign-in-token").waitFor();
  });

  it("gives every control of the sign-in form, and Sign out, a hit area of at least 44×44 px on a small phone", async () => {
    const page = await harness.openDevice(phone, { touch: true, ready: "#sign-in-token" });
    const measured: string[] = [];
    expect(await smallTargets(page, "#sign-in", measured), `controls of the sign-in form (all: ${measured.join(" | ")})`).to.deep.equal([]);
    await page.getByRole("button", { name: "Sign in" }).tap();
    await page.locator(".sign-in-error").waitFor();
    expect(await smallTargets(page, "#sign-in"), "controls of the sign-in form with its error shown").to.deep.equal([]);
    await page.getByLabel("Access token").fill(alice);
    await page.getByRole("button", { name: "Sign in" }).tap();
    await page.locator(".status .pill").waitFor();
    await synced(page);
    const header: string[] = [];
    expect(await smallTargets(page, ".app-bar", header), `controls of the header with Sign out (all: ${header.join(" | ")})`).to.deep.equal([]);
  });

  it("on a small phone keeps the header's height whatever the status says, Sign out beside the brand and the status on a row of its own", async () => {
    const page = await harness.openDevice(phone, { touch: true, ready: "#sign-in-token" });
    await signIn(page, alice);
    await addList(page, "Errands");
    await synced(page);
    const header = page.locator(".app-bar");
    const shown = () =>
      page.evaluate(() => {
        const text = document.querySelector<HTMLElement>(".status .pill-text")!;
        return { words: text.textContent, whole: text.scrollWidth <= text.clientWidth, header: document.querySelector(".app-bar")!.getBoundingClientRect().height };
      });
    const calm = await shown();
    expect(calm, "the header when synced").to.include({ words: "Synced", whole: true });
    const brand = (await header.locator(".brand").boundingBox())!;
    const signOut = (await page.getByRole("button", { name: "Sign out" }).boundingBox())!;
    const pill = (await header.locator(".pill").boundingBox())!;
    expect(Math.abs(signOut.y + signOut.height / 2 - (brand.y + brand.height / 2)), "Sign out beside the brand (px between their middles)").to.be.at.most(4);
    expect(pill.y, "the status below the brand's row (px)").to.be.at.least(Math.max(brand.y + brand.height, signOut.y + signOut.height));

    await page.context().setOffline(true);
    await addTasks(page, ...Array.from({ length: 12 }, (_, i) => `Errand ${i + 1}`));
    await eventually(async () => expect((await shown()).words).to.equal("Offline · 12 waiting"));
    expect((await shown()).header, `the header's height (px) offline with 12 waiting, against ${calm.header} px synced`).to.equal(calm.header);
    const tryNow = (await page.getByRole("button", { name: "Try now" }).boundingBox())!;
    expect(tryNow.x + tryNow.width, "Try now's right edge (px)").to.be.at.most(phone.width);
    await page.context().setOffline(false);
    await synced(page);
  });

  it("a token the server stops accepting: the pill says so, and Sign in leads back to the form", async () => {
    const page = await openSignIn();
    await signIn(page, alice);
    await synced(page);
    // As if the server's TASKS_USERS changed: the kept token is refused from now on.
    await page.evaluate(() => localStorage.setItem("tasks-example:session", "revoked-token-0123456789"));
    await page.reload();
    await page.locator(".pill[data-state='signin']").waitFor();
    await page.locator(".status").getByRole("button", { name: "Sign in" }).click();
    await page.locator("#sign-in-token").waitFor();
    await signIn(page, alice);
    await eventually(async () => expect(await page.evaluate(() => localStorage.getItem("tasks-example:session"))).to.equal(alice));
    await synced(page);
  });

  // Found by a new user: with a change waiting, Sign in first asked to sign
  // out, saying the change would be lost, and it was, though the person
  // then signed in again as themselves.
  /**
   * Alice's list `list` is on the server; then the server stops accepting the
   * token her page keeps, a task `task` is added (it waits: 401), and Sign in
   * brings the form back. Dialogs are answered with `answer` and collected.
   */
  async function changeWaitingOnARefusedToken(list: string, task: string, answer: "accept" | "dismiss"): Promise<{ page: Page; questions: string[] }> {
    const page = await openSignIn();
    await signIn(page, alice);
    await addList(page, list);
    await synced(page);
    await page.evaluate(() => localStorage.setItem("tasks-example:session", "revoked-token-0123456789"));
    await page.reload();
    await page.locator(".status .pill").waitFor();
    await addTasks(page, task);
    await page.locator(".pill[data-state='signin']").waitFor();
    const questions: string[] = [];
    page.on("dialog", (dialog) => (questions.push(dialog.message()), void dialog[answer]()));
    await page.locator(".status").getByRole("button", { name: "Sign in" }).click();
    await page.locator("#sign-in-token").waitFor();
    return { page, questions };
  }

  it("keeps the changes waiting when the person signs in again as themselves, and sends them", async () => {
    const { page, questions } = await changeWaitingOnARefusedToken("Kept across sign-in", "Made before signing in again", "dismiss");
    await signIn(page, alice);
    await synced(page);
    expect(questions, "nothing to confirm: nothing is lost").to.deep.equal([]);
    const list = ((await harness.api("GET", "/users/@me/lists", undefined, alice)).items as Array<{ id: string; title: string }>).find((l) => l.title === "Kept across sign-in")!;
    const tasks = (await harness.api("GET", `/lists/${list.id}/tasks`, undefined, alice)).items as Array<{ title: string }>;
    expect(tasks.map((t) => t.title)).to.deep.equal(["Made before signing in again"]);
    expect(await page.evaluate(() => localStorage.getItem("tasks-example:session"))).to.equal(alice);
  });

  it("asks before dropping the changes waiting when the token given is another account's", async () => {
    const { page, questions } = await changeWaitingOnARefusedToken("Alice's only", "Alice's unsent", "accept");
    await page.getByLabel("Access token").fill(bob);
    await page.getByRole("button", { name: "Sign in" }).click();
    await eventually(() => expect(questions).to.have.length(1));
    expect(questions[0]).to.match(/another account.*1 change has not reached the server and will be lost/);
    await page.locator(".status .pill").waitFor();
    await eventually(async () => expect(await page.evaluate(() => localStorage.getItem("tasks-example:session"))).to.equal(bob));
    expect(await page.locator(".list-select", { hasText: "Alice's only" }).count()).to.equal(0);
  });

  it("puts the keyboard focus on the person's list once signed in with the keyboard (it fell to the page's body)", async () => {
    await harness.api("POST", "/users/@me/lists", { title: "Bob's errands" }, bob);
    const page = await openSignIn();
    await page.getByLabel("Access token").fill(bob);
    await page.getByLabel("Access token").press("Enter");
    await page.locator(".list-select", { hasText: "Bob's errands" }).waitFor();
    const shown = (await page.locator(".list-title").innerText()).trim();
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName}.${document.activeElement?.className} ${(document.activeElement as HTMLElement | null)?.innerText?.trim()}`);
    // The list shown (the first of Bob's), whose chip is the selected one.
    await eventually(async () => expect(await focused()).to.match(new RegExp(`^BUTTON\\.list-select is-selected ${shown}`)));
    const made = ((await harness.api("GET", "/users/@me/lists", undefined, bob)).items as Array<{ id: string; title: string }>).find((l) => l.title === "Bob's errands")!;
    await harness.api("DELETE", `/users/@me/lists/${made.id}`, undefined, bob);
  });
});

describe("Tasks app: Google mode before signing in, on a small phone", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start({ googleClientId: "1234-test.apps.googleusercontent.com" }));
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("gives every control, Sign in among them, a hit area of at least 44×44 px", async () => {
    const page = await harness.openDevice(phone, { touch: true });
    // Nothing leaves for Google: no token, so no request should, and none may.
    await page.context().route(/^https:\/\/([a-z]+\.)*google(apis)?\.com\//, (route) => route.abort());
    await page.locator(".pill[data-state='signin']").waitFor();
    const measured: string[] = [];
    expect(await smallTargets(page, "body", measured), `controls of the signed-out page (all: ${measured.join(" | ")})`).to.deep.equal([]);
    expect(measured.some((m) => m.startsWith("Sign in:")), `Sign in is measured (${measured.join(" | ")})`).to.equal(true);
  });

});
