import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { startSpecServer, type SpecServer } from "./spec-server";
import { spineVersions } from "./spine-versions";
import { buildUmdIfStale } from "./umd-build";

/**
 * Issue 11, item 6: script tags in the wrong order. dist/atmos2.js loaded
 * before spine.js must fail at once, saying what to fix, instead of leaving
 * `Spine.Model.Atmosphere` undefined for Spine's `extend(obj) requires obj`
 * to report far from the cause. In the right order a model extends, saves
 * and syncs. Real Chromium, the UMD build and Spine's published files from
 * the spec server the Spine spec runs use.
 */
const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** A page with the given script files, logging uncaught errors and a mark after each file, in order. */
function pageHtml(scripts: string[]): string {
  const tags = scripts.map((src) => `<script src="${src}"></script>\n<script>log.push("ran ${src}")</script>`).join("\n");
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script>
  window.log = [];
  window.addEventListener("error", (event) => log.push("error: " + event.message));
</script>
${tags}
</head><body></body></html>`;
}

describe("loading dist/atmos2.js and spine.js in a page (issue 11 item 6)", function () {
  this.timeout(120_000);
  let server: SpecServer;
  let browser: Browser;

  before(async () => {
    await buildUmdIfStale(() => undefined);
    server = await startSpecServer(spineVersions);
    browser = await chromium.launch({ executablePath: process.env.CHROME_BIN || "/usr/bin/chromium", args: flags });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens a page of the spec server's origin (localStorage needs one) whose HTML is `html`. */
  async function open(name: string, html: string): Promise<{ tab: Page; pageErrors: string[] }> {
    const tab = await (await browser.newContext()).newPage();
    const pageErrors: string[] = [];
    tab.on("pageerror", (error) => pageErrors.push(error.message));
    const url = `http://127.0.0.1:${server.port}/load-order/${name}.html`;
    await tab.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
    await tab.goto(url);
    return { tab, pageErrors };
  }

  for (const version of spineVersions) {
    const spineJs = `/node_modules/${version.packageDir}/lib/spine.js`;

    it(`throws while dist/atmos2.js loads before Spine ${version.version}'s spine.js, saying to load spine.js first`, async () => {
      const { tab, pageErrors } = await open(`wrong-${version.version}`, pageHtml(["/dist/atmos2.js", spineJs]));
      try {
        const log: string[] = await tab.evaluate(() => (window as any).log);
        // The error comes from atmos2.js itself, before the next script runs.
        expect(log[0]).to.match(/^error: .*load spine\.js before atmos2\.js/);
        expect(log.slice(1)).to.deep.equal(["ran /dist/atmos2.js", `ran ${spineJs}`]);
        expect(pageErrors).to.have.length(1);
        expect(pageErrors[0]).to.contain("load spine.js before atmos2.js");
      } finally {
        await tab.context().close();
      }
    });

    it(`works when Spine ${version.version}'s spine.js comes first: a model extends, saves with a UUID and syncs`, async () => {
      const { tab, pageErrors } = await open(`right-${version.version}`, pageHtml([spineJs, "/dist/atmos2.js"]));
      try {
        const outcome = await tab.evaluate(async () => {
          const w = window as any;
          const Task = w.Spine.Model.sub();
          Task.configure("Task", "title");
          Task.extend(w.Spine.Model.Atmosphere);
          new w.Atmos();
          const task = Task.create({ title: "milk" });
          const synced = await Task.sync();
          return { log: w.log, id: task.id, titles: synced.map((t: any) => t.title), stored: Object.keys(localStorage).filter((k) => k.startsWith("atmos2:rec:Task:")).length };
        });
        expect(outcome.log).to.deep.equal([`ran ${spineJs}`, "ran /dist/atmos2.js"]);
        expect(outcome.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(outcome.titles).to.deep.equal(["milk"]);
        expect(outcome.stored).to.equal(1);
        expect(pageErrors).to.deep.equal([]);
      } finally {
        await tab.context().close();
      }
    });
  }
});
