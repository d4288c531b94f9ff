import { expect } from "chai";
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

  /** Stops the server only (its sockets too), as when it goes down while pages are open. */
  async stopServerOnly(): Promise<void> {
    await this.stopServer?.();
    this.stopServer = undefined;
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
  async openDevice(viewport = { width: 1280, height: 800 }, options: { touch?: boolean; ready?: string; prepare?: (context: BrowserContext) => Promise<void> } = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport, ...(options.touch ? { hasTouch: true, isMobile: true } : {}) });
    this.contexts.push(context);
    // Before the page loads: e.g. a slow network for its first requests.
    await options.prepare?.(context);
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

  /** Another tab of the browser `page` is in (the same storage), with the app open and its local data shown. */
  async openTab(page: Page): Promise<Page> {
    const tab = await page.context().newPage();
    const errors: string[] = [];
    this.errors.set(tab, errors);
    tab.on("pageerror", (error) => errors.push(error.message));
    tab.on("dialog", (dialog) => void dialog.accept());
    await tab.goto(this.app.url);
    await tab.locator(".status .pill").waitFor();
    return tab;
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

/**
 * The page never scrolls sideways: its content is no wider than the page
 * (clientWidth), and a phone browser did not zoom out to fit wider content
 * (innerWidth grows with it then).
 */
export async function noSidewaysScroll(page: Page, when: string): Promise<void> {
  const { scrollWidth, clientWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `scrollWidth <= clientWidth ${when}`).to.be.at.most(clientWidth);
  expect(innerWidth, `innerWidth is the screen's width ${when}`).to.equal(page.viewportSize()!.width);
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

/** "rgb(30, 142, 62)" or "rgba(0, 0, 0, 0.5)" as [r, g, b, alpha]; anything else is a colour the specs cannot judge. */
export function parseColour(text: string): number[] {
  const match = /^rgba?\(([^)]*)\)$/.exec(text.trim());
  if (!match) throw new Error(`cannot read the colour ${JSON.stringify(text)}`);
  const [r, g, b, alpha = 1] = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
  return [r, g, b, alpha];
}

/** `top` drawn over the opaque `under` (alpha compositing). */
export function over(top: number[], under: number[]): number[] {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1);
}

/** WCAG 2 relative luminance and contrast ratio of two opaque sRGB colours. */
export function contrastRatio(a: number[], b: number[]): number {
  const luminance = (c: number[]) =>
    [0.2126, 0.7152, 0.0722].reduce((sum, weight, i) => {
      const v = c[i] / 255;
      return sum + weight * (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    }, 0);
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** One piece of text a person sees, with the colours Chromium paints it in. */
export type ShownText = {
  /** Where it is, as a short selector: `li.task.is-done > button.task-open > span.task-title`. */
  where: string;
  text: string;
  /** "text", an input's "value", or its "placeholder" (text too, for WCAG). */
  kind: "text" | "value" | "placeholder";
  /** The text's colour and the background under it, both as painted (opaque). */
  colour: string;
  background: string;
  ratio: number;
  /** WCAG "large text": at least 24 px, or 18.66 px (14 pt) and bold. */
  large: boolean;
  /** Inside a disabled control: WCAG 1.4.3 exempts "text that is part of an inactive user interface component". */
  disabled: boolean;
};

/**
 * Every text shown on the page (inside the open modal dialog when there is
 * one: the rest is inert behind its backdrop), input values and placeholders
 * included, with its contrast as painted: the computed colour over the
 * backgrounds of the element and its ancestors, each group faded by its
 * opacity, from the page's canvas up. Hidden text (display none, opacity 0,
 * visibility hidden, clipped to a pixel like `.visually-hidden`, placed off
 * the page like the skip link before it has focus) is left out.
 */
export async function shownTexts(page: Page): Promise<ShownText[]> {
  // Transitions (a button's background after a colour-scheme switch) end first: mid-way colours are nobody's.
  await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => undefined))));
  // In the page: no named helpers (tsx would wrap them in a __name() the page lacks).
  const raw = await page.evaluate(() => {
    const root = document.querySelector("dialog:modal") ?? document.body;
    const entries: [Element, string, "text" | "value" | "placeholder", string | null][] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? "").replace(/\s+/g, " ").trim();
      if (!text || !node.parentElement) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      if (![...range.getClientRects()].some((r) => r.width > 1 && r.height > 1)) continue;
      entries.push([node.parentElement, text, "text", null]);
    }
    for (const field of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")) {
      if (["checkbox", "radio", "hidden", "range", "color"].includes(field.type)) continue;
      if (field.value) entries.push([field, field.type === "password" ? "•".repeat(field.value.length) : field.value, "value", null]);
      else if (field.placeholder) entries.push([field, field.placeholder, "placeholder", getComputedStyle(field, "::placeholder").color]);
    }
    const found = [];
    for (const [el, text, kind, placeholderColour] of entries) {
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const box = el.getBoundingClientRect();
      if (box.bottom + scrollY <= 0 || box.right + scrollX <= 0) continue;
      let clipped = false;
      const layers: { background: string; opacity: string; image: string }[] = [];
      for (let at: Element | null = el; at; at = at.parentElement) {
        const style = getComputedStyle(at);
        const r = at.getBoundingClientRect();
        if ((r.width <= 1 || r.height <= 1) && (style.overflow !== "visible" || style.clip !== "auto")) clipped = true;
        layers.push({ background: style.backgroundColor, opacity: style.opacity, image: style.backgroundImage });
      }
      if (clipped) continue;
      const path: string[] = [];
      for (let at: Element | null = el; at && at !== document.body && path.length < 3; at = at.parentElement) {
        path.unshift(at.tagName.toLowerCase() + (at.id ? `#${at.id}` : "") + [...at.classList].map((c) => `.${c}`).join(""));
      }
      const style = getComputedStyle(el);
      found.push({
        where: path.join(" > "),
        text: text.length > 60 ? `${text.slice(0, 57)}...` : text,
        kind,
        colour: placeholderColour ?? style.color,
        fontSize: parseFloat(style.fontSize),
        fontWeight: Number(style.fontWeight),
        disabled: el.closest(":disabled") !== null,
        layers,
      });
    }
    return { found, canvas: matchMedia("(prefers-color-scheme: dark)").matches ? "rgb(18, 18, 18)" : "rgb(255, 255, 255)" };
  });
  const rgb = (c: number[]) => `rgb(${c.slice(0, 3).map(Math.round).join(", ")})`;
  return raw.found.map((item) => {
    // Painted from the canvas up: each element's background over what is under it, its content over that, and the
    // whole group faded by the element's opacity over what was under it. `textColour` null paints the background alone.
    const rootFirst = [...item.layers].reverse();
    const images = rootFirst.filter((l) => l.image !== "none");
    if (images.length) throw new Error(`cannot judge "${item.text}" (${item.where}): drawn over a background image`);
    const paint = (at: number, under: number[], textColour: number[] | null): number[] => {
      if (at === rootFirst.length) return textColour ? over(textColour, under) : under;
      const layer = rootFirst[at];
      const inside = paint(at + 1, over(parseColour(layer.background), under), textColour);
      const opacity = Number(layer.opacity);
      return [0, 1, 2].map((i) => inside[i] * opacity + under[i] * (1 - opacity)).concat(1);
    };
    const canvas = parseColour(raw.canvas);
    const background = paint(0, canvas, null);
    const colour = paint(0, canvas, parseColour(item.colour));
    return {
      where: item.where,
      text: item.text,
      kind: item.kind,
      colour: rgb(colour),
      background: rgb(background),
      ratio: contrastRatio(colour, background),
      large: item.fontSize >= 24 || (item.fontSize >= 18.66 && item.fontWeight >= 700),
      disabled: item.disabled,
    };
  });
}
