import { expect } from "chai";
import type { Page, Route } from "playwright-core";
import { addTasks, shownTexts, synced, TasksAppHarness, type ShownText } from "./tasks-app-harness";

/**
 * WCAG 2 AA (1.4.3) for every text of the example app as Chromium paints it:
 * 4.5:1 for normal text, 3:1 for large text (24 px, or 18.66 px bold).
 * Placeholders are text. Text inside a disabled control is not measured:
 * WCAG exempts "text that is part of an inactive user interface component".
 * Each state is shown on a touch phone (375×667) and on a desktop
 * (1280×800), each in the light and the dark colour scheme.
 */
const normalText = 4.5;
const largeText = 3;

const devices = [
  { name: "phone 375×667", viewport: { width: 375, height: 667 }, touch: true },
  { name: "desktop 1280×800", viewport: { width: 1280, height: 800 }, touch: false },
];

/** The lowest ratio met in each state, printed at the end with CONTRAST_FIGURES=1. */
const lowest = new Map<string, ShownText>();

const describeText = (t: ShownText) =>
  `${t.where}${t.kind === "text" ? "" : ` (${t.kind})`} "${t.text}": ${t.colour} on ${t.background} = ${t.ratio.toFixed(2)}:1${t.large ? " (large)" : ""}`;

/**
 * Measures every shown text of `page` in both colour schemes. Returns the
 * texts below AA, one line each; `expected` are words that must be among
 * the measured texts (so a state that failed to show passes for nothing).
 */
async function belowAA(page: Page, state: string, expected: string[]): Promise<string[]> {
  const low: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const texts = await shownTexts(page);
    for (const word of expected) {
      expect(texts.some((t) => t.text.includes(word)), `"${word}" among the texts measured in ${state}, ${colorScheme}`).to.equal(true);
    }
    const judged = texts.filter((t) => !t.disabled);
    const key = `${state}, ${colorScheme}`;
    const least = judged.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    lowest.set(key, least);
    for (const t of judged) if (t.ratio < (t.large ? largeText : normalText)) low.push(`${key}: ${describeText(t)}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
  return low;
}

/** Fails with every low text listed, one a line (a deep-equal diff of a long array is cut short). */
function expectNoneBelowAA(low: string[]): void {
  expect(low.length, `${low.length} texts below WCAG AA:\n      ${low.join("\n      ")}\n     `).to.equal(0);
}

after(() => {
  if (!process.env.CONTRAST_FIGURES) return;
  for (const [state, t] of lowest) console.log(`  ${t.ratio.toFixed(2)}:1  ${state}  (${describeText(t)})`);
});

/** A route handler that holds each request until `release()`: a change stays "on its way". */
function holdRequests(): { handler: (route: Route) => Promise<void>; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { handler: async (route) => { await released; await route.continue().catch(() => undefined); }, release };
}

describe("Tasks app: every text has WCAG AA contrast, light and dark, phone and desktop", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  /** The server holds exactly these lists and tasks (`done`: completed). */
  async function serverHas(lists: { title: string; tasks: { title: string; notes?: string; due?: string; done?: boolean }[] }[]): Promise<void> {
    for (const list of await harness.lists()) await harness.api("DELETE", `/users/@me/lists/${list.id}`);
    for (const { title, tasks } of lists) {
      const list = await harness.api("POST", "/users/@me/lists", { title });
      for (const task of tasks) {
        await harness.api("POST", `/lists/${list.id}/tasks`, {
          title: task.title,
          notes: task.notes,
          due: task.due,
          status: task.done ? "completed" : "needsAction",
        });
      }
    }
  }

  /** Three lists, one of them empty; Errands has open and completed tasks with notes and due dates (one overdue). */
  const everyday = () =>
    serverHas([
      { title: "Home", tasks: [{ title: "Fix the dripping tap" }] },
      {
        title: "Errands",
        tasks: [
          { title: "Buy stamps", notes: "Second class, a book of twelve", due: "2020-03-02T00:00:00.000Z" },
          { title: "Call the plumber", due: "2099-06-01T00:00:00.000Z" },
          { title: "Post the letter", done: true },
          { title: "Return the library books", notes: "Two of them are late", done: true },
        ],
      },
      { title: "Garden", tasks: [] },
    ]);

  async function openList(page: Page, title: string): Promise<void> {
    await page.locator(".list-select", { hasText: title }).click();
    await page.locator(".list-title", { hasText: title }).waitFor();
  }

  /** Opens Errands with its four tasks shown. */
  async function openErrands(page: Page): Promise<void> {
    await openList(page, "Errands");
    await page.locator(".done-tasks .task-title", { hasText: "Return the library books" }).waitFor();
    await page.locator(".open-tasks .task-title", { hasText: "Call the plumber" }).waitFor();
  }

  it("a new user with no lists yet", async () => {
    const low: string[] = [];
    for (const device of devices) {
      await serverHas([]);
      const page = await harness.openDevice(device.viewport, { touch: device.touch });
      await page.locator(".no-list").waitFor();
      low.push(...(await belowAA(page, `no lists (${device.name})`, ["Welcome to Tasks", "No lists yet", "New list", "Saved on this device first"])));
    }
    expectNoneBelowAA(low);
  });

  it("lists and tasks: a list selected, open and completed tasks with notes and due dates, an empty list, the pointer on a completed task", async () => {
    const low: string[] = [];
    for (const device of devices) {
      await everyday();
      const page = await harness.openDevice(device.viewport, { touch: device.touch });
      await openErrands(page);
      await synced(page);
      low.push(...(await belowAA(page, `Errands selected (${device.name})`, ["Errands", "Home", "Add a task", "Buy stamps", "Second class", "Completed", "Post the letter", "Two of them are late", "Clear completed"])));
      if (!device.touch) {
        await page.locator(".done-tasks .task", { hasText: "Post the letter" }).hover();
        low.push(...(await belowAA(page, `the pointer on a completed task (${device.name})`, ["×"])));
        await page.mouse.move(0, 0);
      }
      await openList(page, "Garden");
      await page.locator(".tasks-empty").waitFor();
      low.push(...(await belowAA(page, `an empty list (${device.name})`, ["No tasks yet"])));
    }
    expectNoneBelowAA(low);
  });

  it("a task open for editing", async () => {
    const low: string[] = [];
    for (const device of devices) {
      await everyday();
      const page = await harness.openDevice(device.viewport, { touch: device.touch });
      await openErrands(page);
      await page.getByRole("button", { name: "Edit Call the plumber" }).click();
      await page.locator(".task-edit").waitFor();
      low.push(...(await belowAA(page, `editing a task (${device.name})`, ["Call the plumber", "Notes", "Add details", "Due", "Cancel", "Save"])));
    }
    expectNoneBelowAA(low);
  });

  it("a change on its way to the server (the Saving… pill)", async () => {
    const low: string[] = [];
    for (const device of devices) {
      await everyday();
      const page = await harness.openDevice(device.viewport, { touch: device.touch });
      await openErrands(page);
      await synced(page);
      const held = holdRequests();
      await page.context().route("**/tasks/v1/lists/*/tasks/*", held.handler);
      await page.getByLabel("Done: Buy stamps").check();
      await page.locator(".pill[data-state='saving']").waitFor();
      low.push(...(await belowAA(page, `saving (${device.name})`, ["Saving 1…", "Errands"])));
      held.release();
      await synced(page);
    }
    expectNoneBelowAA(low);
  });

  it("offline with a change waiting: the banner, then the Sync panel", async () => {
    const low: string[] = [];
    for (const device of devices) {
      await everyday();
      const page = await harness.openDevice(device.viewport, { touch: device.touch });
      await openErrands(page);
      await synced(page);
      await page.context().setOffline(true);
      await addTasks(page, "Bakery");
      await page.locator(".pill[data-state='offline']").waitFor();
      await page.locator(".offline-banner").waitFor();
      low.push(...(await belowAA(page, `offline (${device.name})`, ["You're offline", "Offline · 1 waiting", "Try now", "Bakery"])));
      await page.locator(".status .pill").click();
      await page.locator("#sync-panel .outbox-row").waitFor();
      low.push(...(await belowAA(page, `the Sync panel offline (${device.name})`, ["Bakery"])));
      await page.context().setOffline(false);
    }
    expectNoneBelowAA(low);
  });

  it("a change the server refused: Retry and Undo, then the Sync panel", async () => {
    const low: string[] = [];
    for (const device of devices) {
      await everyday();
      const page = await harness.openDevice(device.viewport, { touch: device.touch });
      await openErrands(page);
      await synced(page);
      await page.context().route("**/tasks/v1/lists/*/tasks/*", (route) =>
        route.request().method() === "PUT"
          ? route.fulfill({ status: 400, contentType: "application/json", body: JSON.stringify({ error: { code: 400, message: "Invalid task" } }) })
          : route.continue(),
      );
      await page.getByLabel("Done: Buy stamps").check();
      await page.locator(".task.is-failed").waitFor();
      await page.locator(".pill[data-state='failed']").waitFor();
      low.push(...(await belowAA(page, `a refused change (${device.name})`, ["Retry", "Undo", "1 change not saved"])));
      await page.locator(".status .pill").click();
      await page.locator("#sync-panel .outbox-row[data-state='parked']").waitFor();
      low.push(...(await belowAA(page, `the Sync panel with a refused change (${device.name})`, ["Buy stamps", "Invalid task"])));
    }
    expectNoneBelowAA(low);
  });

  it("the Sync panel with everything synced", async () => {
    const low: string[] = [];
    for (const device of devices) {
      await everyday();
      const page = await harness.openDevice(device.viewport, { touch: device.touch });
      await openErrands(page);
      await synced(page);
      await page.locator(".status .pill").click();
      await page.locator("#sync-panel[open]").waitFor();
      low.push(...(await belowAA(page, `the Sync panel synced (${device.name})`, ["Sync"])));
    }
    expectNoneBelowAA(low);
  });
});

describe("Tasks app with accounts: the sign-in form has WCAG AA contrast, light and dark, phone and desktop", function () {
  const alice = "alice-token-0123456789abcdef";
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart({ TASKS_USERS: `alice:${alice}` }));
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("the sign-in form, its error, and the signed-in header with Sign out", async () => {
    const low: string[] = [];
    for (const device of devices) {
      const page = await harness.openDevice(device.viewport, { touch: device.touch, ready: "#sign-in-token" });
      low.push(...(await belowAA(page, `the sign-in form (${device.name})`, ["Access token", "Show token", "Sign in", "The token stays in this browser"])));
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator(".sign-in-error").waitFor();
      low.push(...(await belowAA(page, `the sign-in form with its error (${device.name})`, ["Enter your access token"])));
      await page.getByLabel("Access token").fill(alice);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator(".status .pill").waitFor();
      await page.locator(".no-list").waitFor();
      low.push(...(await belowAA(page, `signed in (${device.name})`, ["Sign out", "Welcome to Tasks"])));
    }
    expectNoneBelowAA(low);
  });
});

describe("Tasks app in Google mode: the signed-out page has WCAG AA contrast, light and dark, phone and desktop", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start({ googleClientId: "1234-test.apps.googleusercontent.com" }));
  after(() => harness.stop());

  it("signed out: the pill asks to sign in", async () => {
    const low: string[] = [];
    for (const device of devices) {
      const context = await harness.browser.newContext({ viewport: device.viewport, ...(device.touch ? { hasTouch: true, isMobile: true } : {}) });
      try {
        // Google's script, standing in: it loads, and nobody signs in.
        await context.route("https://accounts.google.com/**", (route) =>
          route.fulfill({ contentType: "text/javascript", body: "window.google = { accounts: { oauth2: { initTokenClient() { return { requestAccessToken() {} }; } } } };" }),
        );
        const page = await context.newPage();
        await page.goto(harness.app.url);
        await page.locator(".pill[data-state='signin']").waitFor();
        low.push(...(await belowAA(page, `Google mode signed out (${device.name})`, ["Signed out", "Sign in", "Welcome to Tasks"])));
      } finally {
        await context.close();
      }
    }
    expectNoneBelowAA(low);
  });
});
