// The page Chromium runs for P1: the same contenders as in Node, on the
// browser's real localStorage. Each contender runs in a page of its own (an
// origin, so a localStorage, of its own); the bench drives the rounds from
// Node (bench/browser/p1-chromium.ts), one `page.evaluate` per step of
// `window.benchP1`, so it can read the main thread's CPU time around each run.
import { saveContenders } from "../contenders/save-contenders";
import { localSteps, type SaveSteps, type SaveTimingOptions } from "../contenders/save-rounds";
import { taskList } from "../fixtures/task-fixtures";

let steps: SaveSteps | undefined;

(globalThis as unknown as { benchP1: unknown }).benchP1 = {
  names: (): string[] => saveContenders().map((c) => c.name),
  /** Makes contender `index` this page's only one, with `n` records. */
  start(n: number, opts: SaveTimingOptions, index: number): void {
    steps = localSteps([saveContenders()[index]], taskList(n), opts);
  },
  seed: () => steps!.seed(0),
  prepare: (round: number) => steps!.prepare(0, round),
  run: (round: number) => steps!.run(0, round),
  finish: () => steps!.finish(0),
};
