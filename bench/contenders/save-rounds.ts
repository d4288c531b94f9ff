import type { TaskAttrs } from "../fixtures/task-fixtures";
import type { SaveContender } from "./save-contenders";

/**
 * How P1 times the save contenders. Each is seeded once, in a storage of
 * its own (a polyfill instance of its own in Node, a page on an origin of
 * its own in Chromium); then they take turns in rounds, each round warming
 * each up and timing one run of its saves, so load that comes and goes on
 * this shared machine lands on all of them alike.
 *
 * Runs are timed in CPU time, not wall time: the process's in Node, the
 * page's main thread's in Chromium (CDP's ThreadTime). A save's cost is the
 * work it makes its thread do; waiting for a core another process holds is
 * not part of it, and on a 2-core machine shared with test runs it is most
 * of the wall time. (No forced garbage collection between runs: V8 ages
 * out the compiled code of functions a full collection finds idle, and
 * with six contenders taking turns each would start its runs cold.)
 */

export interface SaveTiming {
  contender: string;
  n: number;
  /** CPU ms per save, one value per round. */
  samples: number[];
}

export interface SaveTimingOptions {
  /** Counted rounds (a run of every contender in each), after one that only warms up. */
  runs: number;
  /** Saves per run (fewer when a run passes `runBudgetMs` of wall time, at least 3). */
  ops: number;
  runBudgetMs: number;
  /** No new round starts after this (Date.now()), once two are counted. */
  deadline: number;
  /** Records edited in turn (default 50). */
  pool?: number;
  /** Saves of each warm-up in round 0, for the JIT (later rounds warm up with two rounds of the pool). */
  warmupOps?: number;
}

/**
 * The steps of the contenders, run where they live: in this process, or in
 * their pages (each step then one `page.evaluate`).
 */
export interface SaveSteps {
  names: string[];
  /** Seeds contender `i` (once). */
  seed(i: number): Promise<void>;
  /** Warms contender `i` up before its run in round `round`. */
  prepare(i: number, round: number): Promise<void>;
  /** The counted run: returns the number of saves made. */
  run(i: number, round: number): Promise<number>;
  /** Tears contender `i` down (once, at the end). */
  finish(i: number): Promise<void>;
}

const wallNow = () => (globalThis as unknown as { performance: Performance }).performance.now();

/** The records saves go round: `pool` of them spread over the collection, as a user edits a few records at a time. */
export function editPool(records: TaskAttrs[], pool = 50): TaskAttrs[] {
  const size = Math.min(records.length, pool);
  const step = Math.floor(records.length / size);
  return Array.from({ length: size }, (_, i) => records[i * step]);
}

/** Saves round `pool` until `ops` are done or `budgetMs` of wall time is spent (at least 3); returns the saves made. */
export async function runSaves(contender: SaveContender, pool: TaskAttrs[], label: string, ops: number, budgetMs: number): Promise<number> {
  let done = 0;
  const start = wallNow();
  while (done < ops && (done < 3 || wallNow() - start < budgetMs)) {
    await contender.save(pool[done % pool.length].id, `Edited ${label}.${done}`);
    done++;
  }
  return done;
}

/**
 * The steps of contenders living in this realm (Node, or the page itself).
 * `use(i)` makes contender `i`'s storage the current one (Node).
 */
export function localSteps(contenders: SaveContender[], records: TaskAttrs[], opts: SaveTimingOptions, env: { use?: (i: number) => void } = {}): SaveSteps {
  const pool = editPool(records, opts.pool);
  return {
    names: contenders.map((c) => c.name),
    async seed(i) {
      env.use?.(i);
      await contenders[i].seed(records);
    },
    async prepare(i, round) {
      env.use?.(i);
      await runSaves(contenders[i], pool, `w${round}`, round === 0 ? (opts.warmupOps ?? opts.ops) : pool.length * 2, round === 0 ? opts.runBudgetMs * 2 : opts.runBudgetMs / 2);
    },
    run: (i, round) => runSaves(contenders[i], pool, String(round), opts.ops, opts.runBudgetMs),
    async finish(i) {
      env.use?.(i);
      contenders[i].teardown();
    },
  };
}

/**
 * CPU ms this Node process has used (user and system, every thread). The
 * per-thread clocks Linux offers tick in 4 ms steps on this machine, too
 * coarse for a run of a tenth of a second.
 */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Times every contender in rounds (see the top of this file); `cpuMs` reads the CPU clock of the thread that saves. */
export async function timeSaveRounds(steps: SaveSteps, n: number, cpuMs: () => number | Promise<number>, opts: SaveTimingOptions): Promise<SaveTiming[]> {
  const timings = steps.names.map((name) => ({ contender: name, n, samples: [] as number[] }));
  const seeded: number[] = [];
  try {
    for (let i = 0; i < steps.names.length; i++) {
      await steps.seed(i);
      seeded.push(i);
    }
    // Round 0 only warms up: a contender's first few thousand saves run code the JIT has not optimised yet.
    for (let round = 0; round <= opts.runs; round++) {
      if (round > 2 && Date.now() > opts.deadline) break;
      for (let i = 0; i < steps.names.length; i++) {
        await steps.prepare(i, round);
        const before = await cpuMs();
        const saves = await steps.run(i, round);
        if (round > 0) timings[i].samples.push(((await cpuMs()) - before) / saves);
      }
    }
  } finally {
    for (const i of seeded) await steps.finish(i);
  }
  return timings;
}
