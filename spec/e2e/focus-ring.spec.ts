import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, contrastRatio, over, parseColour, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * WCAG 2.2 (2.4.7, 1.4.11): every control reached with Tab shows where the
 * focus is, with a ring of at least 3:1 against what it is drawn on. Found
 * from outside: the ring was a 45 % transparent blue, 1.97:1 on a white card.
 */
describe("Tasks app: the keyboard focus ring", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  /** The ring of the focused element (box-shadow, else outline) and the colour under it; null when it shows none. */
  const focusedRing = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const shadow = /rgba?\([^)]*\)/.exec(style.boxShadow === "none" ? "" : style.boxShadow)?.[0];
      const ring = shadow ?? (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 ? style.outlineColor : undefined);
      let under = el.parentElement;
      let background = "rgb(255, 255, 255)";
      while (under) {
        const colour = getComputedStyle(under).backgroundColor;
        if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") {
          background = colour;
          break;
        }
        under = under.parentElement;
      }
      const name = el.getAttribute("aria-label") || el.getAttribute("placeholder") || el.textContent?.trim().slice(0, 30) || el.tagName;
      return { name: `${el.tagName.toLowerCase()} "${name}"`, ring: ring ?? null, background };
    });

  it("shows a ring of at least 3:1 on every control Tab reaches, in the light and the dark scheme", async () => {
    const page = await harness.openDevice();
    await addList(page, "Errands");
    await addTasks(page, "Post the letter");
    await synced(page);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await page.locator("body").click({ position: { x: 1, y: 1 } });
      const measured: string[] = [];
      const low: string[] = [];
      for (let i = 0; i < 14; i++) {
        await page.keyboard.press("Tab");
        const found = await focusedRing(page);
        if (!found) continue;
        if (!found.ring) {
          low.push(`${found.name}: no ring`);
          continue;
        }
        const ratio = contrastRatio(over(parseColour(found.ring), parseColour(found.background)), parseColour(found.background));
        const line = `${found.name}: ${found.ring} on ${found.background} = ${ratio.toFixed(2)}:1`;
        measured.push(line);
        if (ratio < 3) low.push(line);
      }
      expect(measured.length, `controls measured in ${colorScheme}`).to.be.at.least(6);
      expect(low, `${colorScheme}: rings below 3:1 (all measured: ${measured.join(" | ")})`).to.deep.equal([]);
    }
  });
});
