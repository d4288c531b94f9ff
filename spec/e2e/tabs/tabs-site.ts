import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import webpack from "webpack";
import { listen, shutdown } from "../../servers/listen";

const root = path.resolve(__dirname, "../../..");

/** How the API answers one request, decided by the spec before it is made. */
export type Answer = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };

export interface TabsSite {
  url: string;
  /** Every request the API got, as `METHOD /path`, in order. */
  requests: string[];
  /** Records the API holds, by collection ("lists", "tasks"). */
  rows: Record<string, Array<Record<string, unknown>>>;
  /** Answers the next requests matching `METHOD /path-prefix` get instead of the normal one, in order. */
  answerNext(match: string, ...answers: Answer[]): void;
  /** Every answer is sent this long after the request arrived. */
  delayMs: number;
  /** Empties the API and forgets requests and planned answers (before each test). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Builds dist/atmos2.js and dist/atmos2-indexeddb.js from the current
 * sources (as `npm run build` does, into a temp folder) once per process;
 * resolves with that folder.
 */
let built: Promise<string> | undefined;
export function buildUmd(): Promise<string> {
  return (built ??= new Promise((resolve, reject) => {
    const configs = require(path.join(root, "webpack.config.js"))({}, { mode: "production" });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-tabs-"));
    process.once("exit", () => fs.rmSync(out, { recursive: true, force: true }));
    const wanted = configs
      .filter((c: { name: string }) => c.name === "umd" || c.name === "umd-indexeddb")
      .map((c: webpack.Configuration) => ({ ...c, output: { ...c.output, path: out }, devtool: false }));
    webpack(wanted, (error, stats) => {
      if (error || stats?.hasErrors()) return reject(error ?? new Error(stats!.toString("errors-only")));
      resolve(out);
    });
  }));
}

/**
 * An app's site for pages opened in several tabs of one browser: `/` is
 * `page`, `/spine.js`, `/atmos2.js` and `/atmos2-indexeddb.js` the scripts
 * it may load, and `/api/…` a
 * json-server-like API (server-assigned numeric ids) whose answers a spec
 * can replace, to refuse, delay or throttle a request.
 */
export async function startTabsSite(page: string): Promise<TabsSite> {
  const dist = await buildUmd();
  const scripts: Record<string, string> = {
    "/spine.js": path.join(root, "node_modules/spine/lib/spine.js"),
    "/atmos2.js": path.join(dist, "atmos2.js"),
    "/atmos2-indexeddb.js": path.join(dist, "atmos2-indexeddb.js"),
  };
  const planned: Array<{ match: string; answer: Answer }> = [];
  let nextId = 1;
  const site: TabsSite = {
    url: "",
    requests: [],
    rows: { lists: [], tasks: [] },
    delayMs: 0,
    answerNext: (match, ...answers) => planned.push(...answers.map((answer) => ({ match, answer }))),
    reset: () => {
      site.rows = { lists: [], tasks: [] };
      site.requests.length = 0;
      site.delayMs = 0;
      planned.length = 0;
    },
    close: () => shutdown(server),
  };

  function normal(method: string, collection: string, id: string | undefined, body: Record<string, unknown>): Answer {
    const rows = (site.rows[collection] ??= []);
    const index = rows.findIndex((row) => String(row.id) === id);
    if (method === "GET" && !id) return { status: 200, body: rows };
    if (method === "POST" && !id) {
      const row = { ...body, id: nextId++ };
      rows.push(row);
      return { status: 201, body: row };
    }
    if (index < 0) return { status: 404, body: {} };
    if (method === "PUT") return { status: 200, body: (rows[index] = { ...body, id: rows[index].id }) };
    if (method === "DELETE") return { status: 200, body: rows.splice(index, 1)[0] };
    return { status: 200, body: rows[index] };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://tabs.test");
    if (url.pathname === "/") {
      res.writeHead(200, { "Content-Type": "text/html" });
      return void res.end(page);
    }
    if (Object.hasOwn(scripts, url.pathname)) {
      res.writeHead(200, { "Content-Type": "text/javascript" });
      return void fs.createReadStream(scripts[url.pathname]).pipe(res);
    }
    const api = /^\/api\/(\w+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!api) {
      res.writeHead(404);
      return void res.end();
    }
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", () => {
      const method = req.method ?? "GET";
      site.requests.push(`${method} ${url.pathname}`);
      const at = planned.findIndex((p) => `${method} ${url.pathname}`.startsWith(p.match));
      const answer = at >= 0 ? planned.splice(at, 1)[0].answer : normal(method, api[1], api[2], text ? JSON.parse(text) : {});
      setTimeout(() => {
        res.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers });
        res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
      }, answer.delayMs ?? site.delayMs);
    });
  });
  site.url = await listen(server);
  return site;
}

export const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Two tabs of the site's page in a new browser context, each once its
 * `loaded` Promise resolved: the first holds the sending lock, the second
 * waits in line for it. `query` is added to the page's address.
 */
export async function openTwoTabs(browser: Browser, site: TabsSite, query: string): Promise<{ context: BrowserContext; sender: Page; other: Page }> {
  const context = await browser.newContext();
  // The specs' page functions are compiled by tsx, which names functions through a helper the page lacks.
  await context.addInitScript("window.__name = function (fn) { return fn; };");
  const sender = await context.newPage();
  await sender.goto(`${site.url}/?${query}`);
  await sender.evaluate("loaded");
  await sender.waitForFunction(() => navigator.locks.query().then((s) => (s.held ?? []).length > 0));
  const other = await context.newPage();
  await other.goto(`${site.url}/?${query}`);
  await other.evaluate("loaded");
  await other.waitForFunction(() => navigator.locks.query().then((s) => (s.pending ?? []).length > 0));
  return { context, sender, other };
}

/** Two tabs of a site's page, as `openTwoTabs` opens them, for each test of a suite (see `twoTabsSuite`). */
export interface TwoTabs {
  site: TabsSite;
  context: BrowserContext;
  sender: Page;
  other: Page;
}

/**
 * Registers a suite's hooks: the site of `page` and one Chromium for the
 * suite, and two fresh tabs (`openTwoTabs` with `query`) for each test. The
 * object returned holds them once the hooks have run.
 */
export function twoTabsSuite(page: string, query: string): TwoTabs {
  const tabs = {} as TwoTabs;
  let browser: Browser | undefined;
  before(async function () {
    // Builds dist/atmos2.js from the sources first.
    this.timeout(180_000);
    tabs.site = await startTabsSite(page);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  });
  after(async () => {
    await browser?.close();
    await tabs.site?.close();
  });
  beforeEach(async () => {
    tabs.site.reset();
    Object.assign(tabs, await openTwoTabs(browser!, tabs.site, query));
  });
  afterEach(async () => {
    await tabs.context?.close();
  });
  return tabs;
}
