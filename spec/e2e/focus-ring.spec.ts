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
      // Of a two-colour ring (an inner one against the control, an outer one against the page), the outer.
      const shadows = style.boxShadow === "none" ? [] : style.boxShadow.split(/,(?![^(]*\))/);
      const widest = shadows.sort((a, b) => parseFloat(b.replace(/rgba?\([^)]*\)/, "").trim().split(/\s+/)[3] ?? "0") - parseFloat(a.replace(/rgba?\([^)]*\)/, "").trim().split(/\s+/)[3] ?? "0"))[0];
      const shadow = /rgba?\([^)]*\)/.exec(widest ?? "")?.[0];
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

  // Found by an audit: the skip link moved the focus to the tasks panel, which
  // showed nothing (`.panel:focus { outline: none }`), so where it went was unseen.
  it("shows where the skip link took the focus: a ring of at least 3:1 around the tasks, light and dark", async () => {
    const page = await harness.openDevice();
    await addList(page, "Errands");
    await addTasks(page, "Post the letter");
    await synced(page);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      // Freshly opened, the first Tab reaches the skip link.
      await page.reload();
      await page.locator(".list-title").waitFor();
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).to.equal("Skip to tasks");
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => document.activeElement?.closest("#panel") !== null), "the focus is in the tasks panel").to.equal(true);
      const found = await focusedRing(page);
      expect(found?.ring, `${colorScheme}: ${found?.name} shows a ring`).to.be.a("string");
      const ratio = contrastRatio(over(parseColour(found!.ring!), parseColour(found!.background)), parseColour(found!.background));
      expect(ratio, `${colorScheme}: ${found!.name}'s ring ${found!.ring} on ${found!.background}`).to.be.at.least(3);
    }
  });

  // Found by an audit: on a filled accent button the ring was the button's own
  // colour, so focus only made the button 3 px larger. The ring's inner colour
  // must stand out from the button, its outer one from the page.
  it("shows the ring apart from a filled control's own colour: Add, Create list, Save, a ticked task and Sync now, light and dark", async () => {
    const page = await harness.openDevice();
    await addList(page, "Errands");
    await addTasks(page, "Post the letter");
    await synced(page);
    const buttons = [
      { name: "Add", open: async () => undefined, button: ".add-task .btn-primary" },
      { name: "Create list", open: async () => undefined, button: ".new-list .btn-icon" },
      // Esc on Save closes the rename form (as it does anywhere in it): opened again when closed.
      { name: "Save (rename)", open: async () => (await page.locator(".rename-form").count()) || page.locator(".rename-list").click(), button: ".rename-form .btn-primary" },
      { name: "Save (task)", open: () => page.locator(".task-open").click(), button: ".task-edit .btn-primary" },
      { name: "Done (ticked)", open: () => page.getByLabel("Done: Post the letter").check(), button: ".task-check:checked" },
      { name: "Sync now", open: () => page.locator(".status .pill").click(), button: "#sync-panel .sync-now" },
    ];
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      const low: string[] = [];
      for (const { name, open, button } of buttons) {
        await open();
        // Focus with the keyboard, so :focus-visible applies: the button before it, then Tab.
        await page.locator(button).evaluate((el) => {
          const all = [...document.querySelectorAll<HTMLElement>("button, input, textarea, [href]")].filter((c) => c.checkVisibility() && !c.closest("[inert]"));
          all[all.indexOf(el as HTMLElement) - 1]?.focus();
        });
        await page.keyboard.press("Tab");
        const found = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const style = getComputedStyle(el);
          let under = el.parentElement;
          let background = "rgb(255, 255, 255)";
          for (; under; under = under.parentElement) {
            const colour = getComputedStyle(under).backgroundColor;
            if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") {
              background = colour;
              break;
            }
          }
          // Innermost first: box-shadows by spread; an outline set off from the control shows the page in its gap.
          const rings = (style.boxShadow === "none" ? [] : style.boxShadow.split(/,(?![^(]*\))/))
            .filter((s) => !s.includes("inset"))
            .map((s) => ({ colour: /rgba?\([^)]*\)/.exec(s)![0], spread: parseFloat(s.replace(/rgba?\([^)]*\)/, "").trim().split(/\s+/)[3] ?? "0") }))
            .sort((a, b) => a.spread - b.spread)
            .map((r) => r.colour);
          if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
            if (parseFloat(style.outlineOffset) > 0) rings.push(background);
            rings.push(style.outlineColor);
          }
          return { focused: el.matches(":focus-visible"), fill: style.backgroundColor, background, rings };
        });
        expect(found.focused, `${name} has the keyboard focus`).to.equal(true);
        if (!found.rings.length) {
          low.push(`${name}: no ring`);
          continue;
        }
        const fill = over(parseColour(found.fill), parseColour(found.background));
        const ground = parseColour(found.background);
        const inner = contrastRatio(over(parseColour(found.rings[0]), fill), fill);
        const outer = contrastRatio(over(parseColour(found.rings[found.rings.length - 1]), ground), ground);
        if (inner < 3 || outer < 3) low.push(`${name}: ${found.rings.join(" then ")} on ${found.fill} over ${found.background}: ${inner.toFixed(2)}:1 against the button, ${outer.toFixed(2)}:1 against the page`);
        await page.keyboard.press("Escape");
      }
      expect(low, colorScheme).to.deep.equal([]);
    }
  });
});
