import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, synced, TasksAppHarness } from "./tasks-app-harness";

/** The small phone the outside audit used: 375×667, touch. */
const phone = { width: 375, height: 667 };

/** A list title of ordinary words, long enough to wrap over many lines in a narrow column. */
const longTitle = "Renovation of the summer house, the garden shed and the old fence by the lake before the autumn rains of 2031";

/** The page never scrolls sideways. */
async function noSidewaysScroll(page: Page, when: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `scrollWidth <= innerWidth ${when}`).to.be.at.most(innerWidth);
}

/** The smallest hit area a finger can count on (WCAG 2.5.5, Apple's and Google's guidelines), in CSS px. */
const minTarget = 44;

/**
 * The controls shown whose hit area is smaller than 44×44. The hit area is
 * measured, not the drawn box: from the control's centre, the span of points
 * (across and down) where a tap lands on the control, a child of it or its
 * label. So a small drawn control with a larger invisible hit area passes.
 */
async function smallTargets(page: Page, scope: string): Promise<string[]> {
  const controls = page.locator(`${scope} :is(button, input, textarea, select, a[href])`);
  const small: string[] = [];
  for (const control of await controls.all()) {
    // The skip link waits above the page until it gets focus.
    if (!(await control.isVisible()) || (await control.evaluate((el) => el.matches(".skip-link")))) continue;
    await control.evaluate((el) => el.scrollIntoView({ block: "center", inline: "center" }));
    // No named helpers inside: tsx would wrap them in a __name() the page lacks.
    const found = await control.evaluate((el, max) => {
      const r = el.getBoundingClientRect();
      const cx = r.left + r.width / 2;
      const cy = r.top + r.height / 2;
      // Steps of 1 px from the centre, each way, that still land on the control (at most max); the centre itself first.
      const reach: number[] = [];
      for (const [dx, dy, limit] of [[0, 0, 0], [-1, 0, max], [1, 0, max], [0, -1, max], [0, 1, max]]) {
        let n = 0;
        for (; n <= limit; n++) {
          const hit = document.elementFromPoint(cx + dx * n, cy + dy * n);
          if (!hit || !(hit === el || el.contains(hit) || (hit.closest("label") as HTMLLabelElement | null)?.control === el)) break;
        }
        reach.push(n - 1);
      }
      const name = (el.getAttribute("aria-label") || (el as HTMLInputElement).labels?.[0]?.textContent || el.textContent || el.className).trim().replace(/\s+/g, " ");
      if (reach[0] < 0) return { name, width: 0, height: 0 };
      return { name, width: reach[1] + 1 + reach[2], height: reach[3] + 1 + reach[4] };
    }, minTarget);
    if (found.width < minTarget || found.height < minTarget) small.push(`${found.name}: ${found.width}×${found.height}`);
  }
  return small;
}

describe(`Tasks app on a small phone (${phone.width}×${phone.height}, touch)`, function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  const open = () => harness.openDevice(phone, { touch: true });

  it("gives a long list title most of the width and keeps the task field on the first screen", async () => {
    const page = await open();
    await addList(page, longTitle);
    await page.evaluate(() => window.scrollTo(0, 0));
    const title = (await page.locator(".list-title").boundingBox())!;
    expect(title.width, "the title's width (px)").to.be.at.least(0.6 * phone.width);
    const field = (await page.getByLabel("New task").boundingBox())!;
    expect(field.y + field.height, "the bottom of the New task field (px from the top)").to.be.at.most(phone.height);
    await noSidewaysScroll(page, "with a long list title");
  });

  it("tells a new user where to start in words that are true whether the lists are beside the panel or above it", async () => {
    // A new user: no lists on the server (an earlier test made one).
    for (const list of await harness.lists()) await harness.api("DELETE", `/users/@me/lists/${list.id}`);
    for (const size of [phone, { width: 1280, height: 800 }]) {
      const page = await open();
      await page.setViewportSize(size);
      const text = await page.locator(".no-list").innerText();
      expect(text, `the empty state at ${size.width} px`).not.to.match(/\b(left|right|above|below|beside|under)\b/i);
      expect(text, `the empty state at ${size.width} px names the field to use`).to.include("New list");
    }
  });

  it("labels the live indicator with words a touch user can read (a tooltip never shows on touch)", async () => {
    const page = await open();
    const badge = page.locator(".live-badge[data-state='on']");
    await badge.waitFor();
    const shown = await badge.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect();
      return { text: (el as HTMLElement).innerText.trim(), width: text.width, fontSize: parseFloat(getComputedStyle(el).fontSize) };
    });
    expect(shown.text, "the indicator's words").to.match(/live/i);
    expect(shown.fontSize, "the indicator's font size (px)").to.be.at.least(11);
    expect(shown.width, "the width of the indicator's words (px)").to.be.at.least(20);
    const box = (await badge.boundingBox())!;
    expect(box.x + box.width, "the indicator's right edge (px)").to.be.at.most(phone.width);
    await noSidewaysScroll(page, "with the live indicator labelled");
  });

  it("gives every control a hit area of at least 44×44 px: lists, tasks, the task form, Retry and Undo, the Sync panel", async () => {
    const page = await open();
    await addList(page, "Home");
    await addList(page, "Errands");
    await addTasks(page, "Post the letter", "Buy stamps");
    await page.getByLabel("Done: Buy stamps").check();
    await synced(page);
    expect(await smallTargets(page, "body"), "controls on the list screen").to.deep.equal([]);

    await page.getByRole("button", { name: "Edit Post the letter" }).tap();
    await page.locator(".task-edit").waitFor();
    expect(await smallTargets(page, ".task-edit"), "controls of the task form").to.deep.equal([]);
    await page.getByRole("button", { name: "Cancel" }).tap();

    await page.context().route("**/tasks/v1/lists/*/tasks/*", (route) =>
      route.request().method() === "PUT"
        ? route.fulfill({ status: 400, contentType: "application/json", body: JSON.stringify({ error: { code: 400, message: "Invalid task" } }) })
        : route.continue(),
    );
    await page.getByLabel("Done: Post the letter").check();
    await page.locator(".task.is-failed").waitFor();
    expect(await smallTargets(page, ".task.is-failed"), "Retry and Undo of a refused change").to.deep.equal([]);
    expect(await smallTargets(page, ".app-bar"), "the header with a refused change").to.deep.equal([]);

    await page.locator(".status .pill").tap();
    await page.locator("#sync-panel .outbox-row").waitFor();
    expect(await smallTargets(page, "#sync-panel"), "controls of the Sync panel").to.deep.equal([]);
    await noSidewaysScroll(page, "with the Sync panel open");
  });
});
