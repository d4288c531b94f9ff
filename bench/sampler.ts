import { performance } from "perf_hooks";

/** Milliseconds taken by `fn` (awaited). */
export async function timed(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
