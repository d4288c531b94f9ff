import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, TasksAppHarness } from "./tasks-app-harness";

/** The small phone the outside audit used: 375×667, touch. */
const phone = { width: 375, height: 667 };

/** A list title of ordinary words, long enough to wrap over many lines in a narrow column. */
const longTitle = "Renovation of the summer house, the garden shed and the old fence by the lake before the autumn rains of 2031";

/** The page never scrolls sideways. */
async function noSidewaysScroll(page: Page, when: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `scrollWidth <= innerWidth ${when}`).to.be.at.most(innerWidth);
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
});
