import { performance } from "perf_hooks";

/**
 * Runs `sample` up to `runs` times, stopping early (after at least `min`
 * samples) once `deadline` has passed, so a slow machine shortens the case
 * instead of blowing the whole run's time limit.
 */
export async function collect(runs: number, deadline: number, sample: (run: number) => Promise<number>, min = 1): Promise<number[]> {
  const values: number[] = [];
  for (let run = 0; run < runs; run++) {
    if (values.length >= min && Date.now() > deadline) break;
    values.push(await sample(run));
  }
  return values;
}

/** Milliseconds taken by `fn` (awaited). */
export async function timed(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
