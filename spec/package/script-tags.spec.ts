import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { consumerProject, type ConsumerProject } from "./support/consumer-project";
import { startConsumerPageServer, type ConsumerPageServer } from "./support/consumer-page-server";
import { startInstalledServer, type InstalledServer } from "./support/installed-server";

const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** The README's classic-script app: a model, the Atmos instance, a first sync. */
const appScript = `<script>
  var Task = Spine.Model.sub();
  Task.configure("Task", "title", "done");
  Task.extend(Spine.Model.Atmosphere);

  var atmos = new Atmos();
  atmos.resourceClient.base = location.origin;
  var loaded = Task.sync();
</script>
`;

// The README's classic-script set-up: globals only, no bundler, no modules.
const page = `<!doctype html>
<meta charset="utf-8">
<title>atmos2 from script tags</title>
<script src="/node_modules/jquery/dist/jquery.js"></script>
<script src="/node_modules/spine/lib/spine.js"></script>
<script src="/node_modules/atmos2/dist/atmos2.js"></script>
<script src="/node_modules/atmos2/dist/atmos2-live.js"></script>
${appScript}`;

// A browser from before 2020, as far as atmos2 can tell: the newer built-ins
// the README lists are taken away, then the two polyfills it names give them
// back, then Spine and the ES5 build (what Hem and other old tools load).
const legacyPage = `<!doctype html>
<meta charset="utf-8">
<title>atmos2 ES5 build with the README's polyfills</title>
<script>
  var removed = [];
  function drop(owner, name, label) {
    if (owner && name in owner && delete owner[name]) removed.push(label);
  }
  ["Promise", "fetch", "Map", "Set", "WeakMap", "queueMicrotask", "AbortController", "WeakRef", "BroadcastChannel"].forEach(function (name) { drop(window, name, name); });
  drop(Object, "assign", "Object.assign");
  drop(Object, "entries", "Object.entries");
  drop(Array, "from", "Array.from");
  ["find", "includes", "flatMap"].forEach(function (name) { drop(Array.prototype, name, "Array.prototype." + name); });
  ["startsWith", "includes"].forEach(function (name) { drop(String.prototype, name, "String.prototype." + name); });
  ["isInteger", "isFinite", "isNaN"].forEach(function (name) { drop(Number, name, "Number." + name); });
  drop(window.crypto, "randomUUID", "crypto.randomUUID");
  drop(Navigator.prototype, "locks", "navigator.locks");
  drop(window, "globalThis", "globalThis");
</script>
<script src="/node_modules/core-js-bundle/minified.js"></script>
<script src="/node_modules/whatwg-fetch/dist/fetch.umd.js"></script>
<script src="/node_modules/spine/lib/spine.js"></script>
<script src="/node_modules/atmos2/dist/atmos2.es5.js"></script>
${appScript}`;

declare const removed: string[];

declare const Task: {
  all(): { id: string; title: string; syncState(): string }[];
  exists(id: string): boolean;
  find(id: string): { title: string };
  new (attrs: Record<string, unknown>): { id: string; save(options: object): unknown; syncState(): string };
};
declare const atmos: { whenSynced(): Promise<void>; live: { connect(url: string, options: object): Promise<unknown> } };
declare const loaded: Promise<unknown>;

describe("a page that loads the installed package with plain script tags", function () {
  this.timeout(600_000);
  let app: ConsumerProject;
  let site: ConsumerPageServer;
  let browser: Browser;
  let tab: Page;
  let errors: string[];

  before(async () => {
    app = await consumerProject();
    site = await startConsumerPageServer(app.dir, page, { "/legacy": legacyPage });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
    tab = await (await browser.newContext()).newPage();
    errors = [];
    tab.on("pageerror", (error) => errors.push(error.message));
    // A missing script shows as its URL (the console only says "404").
    tab.on("response", (response) => {
      if (response.status() >= 400) errors.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    tab.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
    });
  });

  /** Every test ends here: a page error or a missing script fails it. */
  function expectNoPageErrors(): void {
    const seen = errors.splice(0);
    expect(seen, "errors in the page").to.deep.equal([]);
  }

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it("saves a record to the server and still has it after a reload", async () => {
    await tab.goto(site.url);
    const saved = await tab.evaluate(async () => {
      await loaded;
      const task = new Task({ title: "Milk", done: false });
      task.save({ remote: true });
      await atmos.whenSynced();
      return { id: task.id, state: task.syncState() };
    });
    expect(saved.state).to.equal("synced");
    expect(site.created.map((t) => t.title)).to.deep.equal(["Milk"]);

    await tab.reload();
    const after = await tab.evaluate(async () => {
      await loaded;
      return Task.all().map((t) => ({ id: t.id, title: t.title, state: t.syncState() }));
    });
    expect(after).to.deep.equal([{ id: saved.id, title: "Milk", state: "synced" }]);
    expectNoPageErrors();
  });

  it("saves and reloads with the ES5 build in a page without the newer built-ins, given core-js and whatwg-fetch", async () => {
    await tab.goto(`${site.url}/legacy`);
    const gone = await tab.evaluate(() => removed);
    // Every built-in the README lists that Chromium lets go of was gone before the polyfills loaded.
    expect(gone).to.include.members(["Promise", "fetch", "Map", "Set", "WeakMap", "queueMicrotask", "Object.assign", "Array.from", "Array.prototype.includes", "String.prototype.startsWith", "globalThis"]);
    const saved = await tab.evaluate(async () => {
      await loaded;
      const task = new Task({ title: "Bread", done: false });
      task.save({ remote: true });
      await atmos.whenSynced();
      return { id: task.id, state: task.syncState() };
    });
    expect(saved.state).to.equal("synced");
    expect(site.created.map((t) => t.title)).to.include("Bread");

    await tab.reload();
    const after = await tab.evaluate(async () => {
      await loaded;
      return Task.all().map((t) => ({ id: t.id, title: t.title, state: t.syncState() }));
    });
    expect(after).to.deep.include({ id: saved.id, title: "Bread", state: "synced" });
    expectNoPageErrors();
  });

  describe("with the live client, against the installed atmos2-server", () => {
    let live: InstalledServer;

    before(async () => {
      live = await startInstalledServer(app, { ATMOS_TOKENS: "page-token:tasks-feed", ATMOS_SECRET: "backend-secret", ATMOS_QUIET: "1" });
    });

    after(async () => {
      await live?.stop();
    });

    it("shows a record a backend published, without a reload", async () => {
      await tab.goto(site.url);
      const wsUrl = `${live.url.replace(/^http/, "ws")}/live`;
      await tab.evaluate(async (url) => {
        await loaded;
        if (!atmos.live) throw new Error("atmos.live is missing: dist/atmos2-live.js did not attach the live client to the global Atmos");
        await atmos.live.connect(url, { token: "page-token" });
      }, wsUrl);
      const res = await fetch(`${live.url}/update`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Atmos-Secret": "backend-secret" },
        body: JSON.stringify({ channel: "tasks-feed", changes: [{ type: "created", collection: "tasks", id: "from-backend", attrs: { id: "from-backend", title: "Bread", done: false } }] }),
      });
      expect(res.status).to.equal(202);
      await tab.waitForFunction(() => Task.exists("from-backend"), undefined, { timeout: 10_000 });
      expect(await tab.evaluate(() => Task.find("from-backend").title)).to.equal("Bread");
      expectNoPageErrors();
    });
  });
});
