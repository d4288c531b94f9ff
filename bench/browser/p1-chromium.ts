import type { CDPSession, Page } from "playwright-core";
import { timeSaveRounds, type SaveSteps, type SaveTiming, type SaveTimingOptions } from "../contenders/save-rounds";

/** The page's `window.benchP1` (bench/browser/p1-page.ts). */
interface PageSteps {
  names(): string[];
  start(n: number, opts: SaveTimingOptions, index: number): void;
  seed(): Promise<void>;
  prepare(round: number): Promise<void>;
  run(round: number): Promise<number>;
  finish(): Promise<void>;
}
// Functions given to page.evaluate run in the page, as their source: each names the page's global itself.
type PageGlobal = { benchP1: PageSteps };

/** The contenders the P1 page has, in order: open one page for each. */
export function p1ContenderNames(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobal).benchP1.names());
}

/** CPU ms of the page's main thread (CDP Performance metric ThreadTime). */
async function threadMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const thread = metrics.find((m) => m.name === "ThreadTime");
  if (!thread) throw new Error("Chromium reports no ThreadTime metric: the P1 browser rows need it to time the page's main thread");
  return thread.value * 1000;
}

/**
 * P1's rounds in Chromium: contender i lives in `pages[i]`, each step is one
 * `page.evaluate`, and each counted run is timed by the CPU time of its
 * page's main thread, read just before and just after it.
 */
export async function chromiumSaveRounds(pages: Page[], n: number, opts: SaveTimingOptions): Promise<SaveTiming[]> {
  const sessions: CDPSession[] = [];
  try {
    for (const page of pages) {
      const cdp = await page.context().newCDPSession(page);
      sessions.push(cdp);
      await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
    }
    const names = await p1ContenderNames(pages[0]);
    if (names.length !== pages.length) throw new Error(`P1 needs a page per contender: ${names.length} contenders, ${pages.length} pages`);
    for (const [i, page] of pages.entries()) await page.evaluate(([n, o, i]) => (globalThis as unknown as PageGlobal).benchP1.start(n, o, i), [n, opts, i] as const);
    const steps: SaveSteps = {
      names,
      seed: (i) => pages[i].evaluate(() => (globalThis as unknown as PageGlobal).benchP1.seed()),
      prepare: (i, round) => pages[i].evaluate((round) => (globalThis as unknown as PageGlobal).benchP1.prepare(round), round),
      async run(i, round) {
        const before = await threadMs(sessions[i]);
        const saves = await pages[i].evaluate((round) => (globalThis as unknown as PageGlobal).benchP1.run(round), round);
        return ((await threadMs(sessions[i])) - before) / saves;
      },
      finish: (i) => pages[i].evaluate(() => (globalThis as unknown as PageGlobal).benchP1.finish()),
    };
    return await timeSaveRounds(steps, n, opts);
  } finally {
    for (const cdp of sessions) await cdp.detach().catch(() => undefined);
  }
}
