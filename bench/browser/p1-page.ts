// The page Chromium runs for P1: the same contenders as in Node, on the
// browser's real localStorage. Each contender runs in a page of its own (an
// origin, so a localStorage, and its own JIT state, as an app has one
// storage library); the bench drives the rounds from Node
// (bench/browser/p1-chromium.ts), one `page.evaluate` per step of
// `window.benchP1`, so it can read the main thread's CPU time around each run.
import { saveContenders, type SaveContender } from "../contenders/save-contenders";
import { editPool, localSteps, runSaves, type SaveSteps, type SaveTimingOptions } from "../contenders/save-rounds";
import { taskList, type TaskAttrs } from "../fixtures/task-fixtures";

let current: { contender: SaveContender; pool: TaskAttrs[]; opts: SaveTimingOptions; steps: SaveSteps } | undefined;

(globalThis as unknown as { benchP1: unknown }).benchP1 = {
  names: (): string[] => saveContenders().map((c) => c.name),
  /** Makes contender `index` this page's only one, with `n` records. */
  start(n: number, opts: SaveTimingOptions, index: number): void {
    const contender = saveContenders()[index];
    const records = taskList(n);
    current = { contender, pool: editPool(records, opts.pool), opts, steps: localSteps([contender], records, opts, { cpuMs: () => performance.now() }) };
  },
  seed: () => current!.steps.seed(0),
  prepare: (round: number) => current!.steps.prepare(0, round),
  /** The counted run; returns the number of saves (the bench reads the CPU time around it). */
  run: (round: number) => runSaves(current!.contender, current!.pool, String(round), current!.opts.ops, current!.opts.runBudgetMs),
  finish: () => current!.steps.finish(0),
};
