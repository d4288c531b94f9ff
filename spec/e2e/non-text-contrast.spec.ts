import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, contrastRatio, over, parseColour, TasksAppHarness } from "./tasks-app-harness";

/**
 * WCAG 2.2 (1.4.11): a mark that tells something (here: "not yet saved")
 * keeps 3:1 against what it is drawn on. Found by an audit: the pending dot
 * pulsed down to 35 % opacity, 1.7:1 on white, for half of every beat.
 */
describe("Tasks app: the marks that tell a change is not saved yet keep 3:1, light and dark", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  /**
   * Each shown pending dot at the faintest point of its pulse (the lowest
   * opacity of its animation's keyframes), over the first background under it.
   */
  const faintestDots = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>(".sync-mark.is-pending")]
        .filter((el) => el.checkVisibility())
        .map((el) => {
          const opacities = el
            .getAnimations()
            .flatMap((a) => (a.effect as KeyframeEffect).getKeyframes())
            .map((frame) => frame.opacity)
            .filter((value) => typeof value === "string" && value !== "")
            .map(Number);
          let background = "rgb(255, 255, 255)";
          for (let under = el.parentElement; under; under = under.parentElement) {
            const colour = getComputedStyle(under).backgroundColor;
            if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") {
              background = colour;
              break;
            }
          }
          const where = el.parentElement!.className || el.parentElement!.tagName;
          return { where, colour: getComputedStyle(el).backgroundColor, lowest: Math.min(1, ...opacities), background };
        }),
    );

  for (const device of [
    { name: "desktop", viewport: { width: 1280, height: 800 }, touch: false },
    { name: "phone", viewport: { width: 375, height: 667 }, touch: true },
  ]) {
    it(`keeps the pending dot at 3:1 or more all through its pulse: on a list, the selected list, the heading and a task (${device.name})`, async () => {
      const page = await harness.openDevice(device.viewport, { touch: device.touch });
      // Offline, every change waits: each list and task shows its dot.
      await page.context().setOffline(true);
      await addList(page, "Home");
      await addList(page, "Errands");
      await addTasks(page, "Bakery");
      await page.locator(".task .sync-mark.is-pending").waitFor();
      for (const colorScheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme });
        const dots = await faintestDots(page);
        expect(dots.length, `pending dots shown in ${colorScheme}`).to.be.at.least(4);
        const low = dots
          .map((dot) => {
            const ground = over(parseColour(dot.background), parseColour(colorScheme === "dark" ? "rgb(18, 18, 18)" : "rgb(255, 255, 255)"));
            const [r, g, b, alpha] = parseColour(dot.colour);
            const ratio = contrastRatio(over([r, g, b, alpha * dot.lowest], ground), ground);
            return { ...dot, ratio };
          })
          .filter((dot) => dot.ratio < 3)
          .map((dot) => `${dot.where}: ${dot.colour} at opacity ${dot.lowest} on ${dot.background} = ${dot.ratio.toFixed(2)}:1`);
        expect(low, colorScheme).to.deep.equal([]);
      }
      await page.context().setOffline(false);
    });
  }
});
