import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startAppServer, type AppServer } from "../../example/server/app-server";
import { main as npmStart } from "../../example/server/start";
import { buildExampleIfStale } from "./example-build";

export const token = "dev-token";

const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A Google Tasks list or task as the bundled API returns it. */
export type Resource = Record<string, any> & { id: string; title: string };

/**
 * One spec file's world: the built example served by the real app server on
 * port 0 with its SQLite file in a temp folder, and a headless Chromium.
 * Each "device" is its own browser context, so it has its own localStorage.
 */
export class TasksAppHarness {
  app!: AppServer;
  browser!: Browser;
  private dataDir = "";
  private stopServer?: () => Promise<void>;
  private contexts: BrowserContext[] = [];
  private errors = new WeakMap<Page, string[]>();

  /** Starts the app server (extra options as startAppServer takes them, e.g. google mode) and Chromium. */
  async start(options: Partial<Parameters<typeof startAppServer>[0]> = {}): Promise<void> {
    await buildExampleIfStale();
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tasks-e2e-"));
    this.app = await startAppServer({ port: 0, dataDir: this.dataDir, token, log: () => undefined, ...options });
    this.stopServer = () => this.app.close();
    this.browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  }

  /**
   * Starts the server exactly as `npm start` wires it, `/live` included.
   * `env` replaces the single-user `TASKS_TOKEN`, e.g. `{ TASKS_USERS: "alice:…,bob:…" }`.
   */
  async startLikeNpmStart(env: NodeJS.ProcessEnv = { TASKS_TOKEN: token }): Promise<void> {
    await buildExampleIfStale();
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tasks-e2e-"));
    const started = await npmStart({ PORT: "0", DATA_DIR: this.dataDir, ...env }, () => undefined);
    this.app = started.app;
    this.stopServer = () => started.stop();
    this.browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.stopServer?.();
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /**
   * A new device (fresh storage) with the app open and its local data shown.
   * `touch`: a phone (touch events, `page.tap`); `ready`: what to wait for
   * instead of the status pill (e.g. the sign-in form).
   */
  async openDevice(viewport = { width: 1280, height: 800 }, options: { touch?: boolean; ready?: string } = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport, ...(options.touch ? { hasTouch: true, isMobile: true } : {}) });
    this.contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    this.errors.set(page, errors);
    page.on("pageerror", (error) => errors.push(error.message));
    // Deleting a list asks for confirmation.
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(this.app.url);
    await page.locator(options.ready ?? ".status .pill").waitFor();
    return page;
  }

  /** Uncaught errors the page threw (a working app throws none). */
  pageErrors(page: Page): string[] {
    return this.errors.get(page) ?? [];
  }

  /** Closes every device opened in a test. */
  async closeDevices(): Promise<void> {
    for (const context of this.contexts.splice(0)) await context.close();
  }

  /** Calls the server's Google-compatible REST API directly (the source of truth), as `bearer`'s owner. */
  async api(method: string, apiPath: string, body?: unknown, bearer = token): Promise<any> {
    const response = await fetch(`${this.app.url}/tasks/v1${apiPath}`, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${apiPath} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async lists(): Promise<Resource[]> {
    return (await this.api("GET", "/users/@me/lists")).items ?? [];
  }

  async listNamed(title: string): Promise<Resource | undefined> {
    return (await this.lists()).find((l) => l.title === title);
  }

  /** Tasks of a list as the server has them (cleared ones included with `showHidden`). */
  async tasks(listId: string, query = ""): Promise<Resource[]> {
    return (await this.api("GET", `/lists/${listId}/tasks${query}`)).items ?? [];
  }
}

/**
 * Retries `check` until it stops throwing, for up to `patienceMs` (then its
 * last error is thrown). Sync is asynchronous by design, so the specs wait
 * for an outcome; how long it took is never asserted.
 */
export async function eventually<T>(check: () => Promise<T> | T, patienceMs = 30000): Promise<T> {
  const giveUp = Date.now() + patienceMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > giveUp) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Adds a list through the sidebar form and waits until it is shown. */
export async function addList(page: Page, title: string): Promise<void> {
  await page.getByLabel("New list").fill(title);
  await page.getByLabel("New list").press("Enter");
  await page.locator(".list-title", { hasText: title }).waitFor();
}

/** Adds tasks to the selected list with the keyboard. */
export async function addTasks(page: Page, ...titles: string[]): Promise<void> {
  const input = page.getByLabel("New task");
  for (const title of titles) {
    await input.fill(title);
    await input.press("Enter");
    // first(): with live on, the task's own echo may show a twin until the POST answer lands.
    await page.locator(".task-title", { hasText: title }).first().waitFor();
  }
}

/** Waits until the status pill says everything reached the server. */
export async function synced(page: Page): Promise<void> {
  await page.locator(".pill[data-state='synced']").waitFor();
}

/** The task titles shown, open ones then completed ones. */
export async function shownTasks(page: Page): Promise<{ open: string[]; done: string[] }> {
  return {
    open: await page.locator(".open-tasks .task-title").allTextContents(),
    done: await page.locator(".done-tasks .task-title").allTextContents(),
  };
}

/** The smallest hit area a finger can count on (WCAG 2.5.5, Apple's and Google's guidelines), in CSS px. */
export const minTarget = 44;

/**
 * The controls shown inside `scope` whose hit area is smaller than 44×44, as
 * "name: width×height". The hit area is measured, not the drawn box: from the
 * control's centre, the span of points (across and down) where a tap lands on
 * the control, a child of it or its label. So a small drawn control with a
 * larger invisible hit area passes. `measured` (if given) receives every
 * control's figures, small or not.
 */
export async function smallTargets(page: Page, scope: string, measured: string[] = []): Promise<string[]> {
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
    const figure = `${found.name}: ${found.width}×${found.height}`;
    measured.push(figure);
    if (found.width < minTarget || found.height < minTarget) small.push(figure);
  }
  return small;
}
