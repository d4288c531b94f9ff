import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { buildHemApp, type HemApp } from "./support/hem-app";
import { TasksServer } from "./support/tasks-server";

const root = path.resolve(__dirname, "../..");
const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

type TaskRow = { id: string; title: string; state: string };
// What the page holds (public/index.html makes `app` from the CoffeeScript App class).
type PageWindow = {
  app: {
    atmos: { whenSynced(): Promise<void>; live?: { connect?: unknown } };
    loaded: Promise<unknown>;
    addTask(title: string): unknown;
    rename(id: string, title: string): unknown;
    tasks(): TaskRow[];
  };
  require(name: string): { Model: { Atmosphere?: unknown }; $?: unknown };
  jQuery?: unknown;
};

describe("a CoffeeScript Spine app built by Hem 1.0.10 with atmos2", function () {
  this.timeout(600_000);
  let app: HemApp;
  let server: TasksServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    app = await buildHemApp();
    console.log(app.output.trim().split("\n").map((line) => `      hem build: ${line}`).join("\n"));
    server = new TasksServer(path.join(app.dir, "public"));
    await server.start();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
    page = await browser.newPage();
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    page.on("response", (response) => {
      if (response.status() >= 400) errors.push(`${response.status()} for ${response.url()}`);
    });
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(load: () => Promise<unknown>): Promise<void> {
    await load();
    await page.waitForFunction(() => (window as unknown as PageWindow).app !== undefined);
    await page.evaluate(() => (window as unknown as PageWindow).app.loaded);
  }

  it("is built with the slug.json the README shows (and the repository's own slug.json)", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Hem (`slug.json`)"));
    const shown = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    const used = JSON.parse(fs.readFileSync(path.join(__dirname, "tasks-app", "slug.json"), "utf8"));
    expect(JSON.parse(shown ?? "null")).to.deep.equal(used);
    expect(JSON.parse(fs.readFileSync(path.join(root, "slug.json"), "utf8"))).to.deep.equal(used);
  });

  it("bundles atmos2 under the name require('atmos2') looks for, from the files npm packs", () => {
    expect(app.packed).to.include("index.js");
    for (const name of ["atmos2/index", "atmos2/dist/atmos2.es5", "atmos2/dist/atmos2-live.es5", "spine/index", "index", "models/task"]) {
      expect(app.bundle, name).to.include(`${JSON.stringify(name)}: function(exports, require, module)`);
    }
  });

  it("loads the page without errors: Spine.Model.Atmosphere on the app's Spine, atmos.live, jQuery as Spine.$", async () => {
    await open(() => page.goto(`${server.url}/`));
    const seen = await page.evaluate(() => {
      const w = window as unknown as PageWindow;
      const Spine = w.require("spine");
      return { mixin: typeof Spine.Model.Atmosphere, live: typeof w.app.atmos.live?.connect, jquery: typeof w.jQuery, spine$: Spine.$ === w.jQuery };
    });
    expect(seen).to.deep.equal({ mixin: "object", live: "function", jquery: "function", spine$: true });
    expect(errors).to.deep.equal([]);
    expect(server.requests).to.deep.equal([]);
  });

  it("sends task.save(remote: true) to the server, and the task takes the server's id", async () => {
    const tasks = await page.evaluate(async () => {
      const { app } = window as unknown as PageWindow;
      app.addTask("Buy milk");
      await app.atmos.whenSynced();
      return app.tasks();
    });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal(["POST /tasks"]);
    expect(server.requests[0].body).to.include({ title: "Buy milk", done: false });
    expect(server.requests[0].authorization).to.equal("Bearer hem-spec-token");
    expect(tasks).to.deep.equal([{ id: "srv-1", title: "Buy milk", state: "synced" }]);
    expect(errors).to.deep.equal([]);
  });

  it("has the task back after a reload, from local storage, with no request", async () => {
    const before = server.requests.length;
    await open(() => page.reload());
    const tasks = await page.evaluate(() => (window as unknown as PageWindow).app.tasks());
    expect(tasks).to.deep.equal([{ id: "srv-1", title: "Buy milk", state: "synced" }]);
    expect(server.requests.length).to.equal(before);
    expect(errors).to.deep.equal([]);
  });

  it("sends an update as a PUT to the task's server id", async () => {
    const tasks = await page.evaluate(async () => {
      const { app } = window as unknown as PageWindow;
      app.rename("srv-1", "Buy oat milk");
      await app.atmos.whenSynced();
      return app.tasks();
    });
    const last = server.requests[server.requests.length - 1];
    expect(`${last.method} ${last.url}`).to.equal("PUT /tasks/srv-1");
    expect(last.body).to.include({ title: "Buy oat milk" });
    expect(tasks).to.deep.equal([{ id: "srv-1", title: "Buy oat milk", state: "synced" }]);
    expect(errors).to.deep.equal([]);
  });
});
