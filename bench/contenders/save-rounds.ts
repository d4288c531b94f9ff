import type { TaskAttrs } from "../fixtures/task-fixtures";
import type { SaveContender } from "./save-contenders";

/**
 * How P1 times the save contenders. Each lives on its own, as an app has
 * one storage library: a Node process of its own, or a Chromium page on an
 * origin of its own (its own localStorage, heap and JIT state). Each is
 * seeded once; then they take turns in rounds, each round warming each up
 * and timing one run of its saves, so load that comes and goes on this
 * shared machine lands on all of them alike. Round 0 only warms up.
 *
 * Runs are timed in CPU time, not wall time: the contender's process's in
 * Node, its page's main thread's in Chromium (CDP's ThreadTime). A save's
 * cost is the work it makes its thread do; waiting for a core another
 * process holds is not part of it, and on a 2-core machine shared with
 * test runs it is most of the wall time.
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
  /** The counted run: returns the CPU ms per save, read where the contender lives. */
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

/** The steps of contenders living in this realm; `cpuMs` is its CPU clock (default: this Node process's). */
export function localSteps(contenders: SaveContender[], records: TaskAttrs[], opts: SaveTimingOptions, env: { cpuMs?: () => number } = {}): SaveSteps {
  const cpuMs = env.cpuMs ?? processCpuMs;
  const pool = editPool(records, opts.pool);
  return {
    names: contenders.map((c) => c.name),
    seed: (i) => contenders[i].seed(records),
    async prepare(i, round) {
      await runSaves(contenders[i], pool, `w${round}`, round === 0 ? (opts.warmupOps ?? opts.ops) : pool.length * 2, round === 0 ? Math.max(500, opts.runBudgetMs * 2) : opts.runBudgetMs / 2);
    },
    async run(i, round) {
      const before = cpuMs();
      const saves = await runSaves(contenders[i], pool, String(round), opts.ops, opts.runBudgetMs);
      return (cpuMs() - before) / saves;
    },
    async finish(i) {
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

/** Times every contender in rounds (see the top of this file). */
export async function timeSaveRounds(steps: SaveSteps, n: number, opts: SaveTimingOptions): Promise<SaveTiming[]> {
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
        const perSave = await steps.run(i, round);
        if (round > 0) timings[i].samples.push(perSave);
      }
    }
  } finally {
    for (const i of seeded) await steps.finish(i);
  }
  return timings;
}
