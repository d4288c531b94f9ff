import { expect } from "chai";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { notesPage, saveBehindLargeWrite, showsNote } from "./notes-page";
import { chromiumArgs, startTabsSite, type TabsSite } from "./tabs-site";

const page = notesPage("save, then leave", "save-then-leave");

declare const Note: any;

/**
 * With the IndexedDB store, a save is written a little after `save()`
 * returns, in a transaction the browser aborts if the page goes away before
 * it completes. A user who saves and then leaves (a reload, the tab closed)
 * must find the save when they come back, even when a large write (a pull
 * of many records) was still under way as they left.
 */
describe("a save made just before the page goes away (IndexedDB store, Chromium)", function () {
  this.timeout(90_000);
  let site: TabsSite;
  let browser: Browser;
  let context: BrowserContext;

  before(async function () {
    // Builds dist/atmos2.js from the sources first.
    this.timeout(180_000);
    site = await startTabsSite(page);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    await context.addInitScript("window.__name = function (fn) { return fn; };");
  });
  afterEach(async () => {
    await context?.close();
  });

  /** A new tab of the site, once its notes are loaded. */
  async function openTab(): Promise<Page> {
    const tab = await context.newPage();
    await tab.goto(site.url);
    await tab.evaluate("loaded");
    return tab;
  }

  /** Whether `tab` shows a note titled `title` within 5 s. */
  const shows = (tab: Page, title: string) => showsNote(tab, title, 5000);

  for (const leave of ["reload", "close"] as const) {
    it(`is there after the page is ${leave === "reload" ? "reloaded" : "closed and opened again"} while a large write was under way`, async () => {
      let tab = await openTab();
      const lost: string[] = [];
      for (let round = 0; round < 4; round++) {
        const title = `small ${round}`;
        await saveBehindLargeWrite(tab, title, [{ title }]);
        if (leave === "reload") await tab.reload();
        else {
          await tab.close();
          tab = await context.newPage();
          await tab.goto(site.url);
        }
        await tab.evaluate("loaded");
        const titles: string[] = await tab.evaluate(() => Note.all().map((n: any) => n.title));
        if (!titles.includes(title)) lost.push(title);
        expect(titles.filter((t) => t.startsWith("many")), "the 3,000 notes").to.have.length(3000);
      }
      expect(lost, "saves missing after the page came back").to.deep.equal([]);
    });
  }

  // The tab that stays cannot wait for a page that is alone to open: it
  // would have shown (and maybe changed) the records meanwhile.
  it("is a new note shown in the tabs that stay open, and there after one of them reloads", async () => {
    // Open throughout: the tab that reloads is never alone.
    const witness = await openTab();
    const stay = await openTab();
    const lost: string[] = [];
    const unseen: string[] = [];
    for (let round = 0; round < 4; round++) {
      const title = `small ${round}`;
      const leave = await openTab();
      await saveBehindLargeWrite(leave, title, [{ title }]);
      await leave.close();
      const shown = await shows(stay, title);
      const witnessed = await shows(witness, title);
      if (!shown || !witnessed) unseen.push(title);
      await stay.reload();
      await stay.evaluate("loaded");
      const titles: string[] = await stay.evaluate(() => Note.all().map((n: any) => n.title));
      if (!titles.includes(title)) lost.push(title);
      // Their edits were written, or lost with the tab (the tab that stays held them): created in round 0, they are there.
      expect(titles.filter((t) => t.startsWith("many ")), "the 3,000 notes").to.have.length(3000);
    }
    expect({ lost, unseen }, "saves lost, and saves the open tab did not show").to.deep.equal({ lost: [], unseen: [] });
  });

  for (const when of ["once it is shown there", "at once"] as const) {
    it(`does not undo what the tab that stays does next (${when}), nor bring back what it deletes`, async () => {
      const stay = await openTab();
      await stay.evaluate(() => {
        new Note({ id: "edited", title: "first" }).save();
        new Note({ id: "deleted", title: "first" }).save();
      });
      const undone: string[] = [];
      for (let round = 0; round < 3; round++) {
        const leave = await openTab();
        await saveBehindLargeWrite(leave, String(round), [
          { id: "edited", title: "left " + round },
          { id: "deleted", title: "left " + round },
        ]);
        await leave.close();
        // The tab that left edited notes the one that stays holds: its edits are written, or lost with it.
        if (when === "once it is shown there") {
          await stay.waitForFunction((r) => Note.exists("edited") && Note.find("edited").title === "left " + r, round, { timeout: 3000 }).catch(() => undefined);
        }
        await stay.evaluate((r) => {
          Note.find("edited").updateAttributes({ title: "stayed " + r });
          if (Note.exists("deleted")) Note.find("deleted").destroy();
        }, round);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const opened = await openTab();
        for (const [name, tab] of [["opened", opened], ["stay", stay]] as const) {
          const seen = await tab.evaluate(() => ({ title: Note.exists("edited") && Note.find("edited").title, deleted: !Note.exists("deleted") }));
          if (seen.title !== `stayed ${round}` || !seen.deleted) undone.push(`round ${round}, ${name}: ${JSON.stringify(seen)}`);
        }
        await opened.close();
        // Deleted for good: the next round makes it again.
        await stay.evaluate(() => new Note({ id: "deleted", title: "again" }).save());
      }
      expect(undone, "edits and deletes undone").to.deep.equal([]);
    });
  }
});
