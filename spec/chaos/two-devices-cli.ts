import { runTwoDevices, type TwoDeviceResult } from "./two-devices";

/**
 * `npm run chaos -- --two-devices --runs 200 [--from 1]`: many two-device runs.
 * `npm run chaos -- --two-devices --seed 42 [--verbose]`: one run, its trace on failure (or always with --verbose).
 */
export async function twoDevicesMain(args: string[], numberArg: (name: string) => number | undefined): Promise<never> {
  const seed = numberArg("--seed");
  const steps = numberArg("--steps");
  const verbose = args.includes("--verbose");
  const print = (r: TwoDeviceResult, withTrace: boolean) => {
    console.log(`\nFAILED seed ${r.seed} — replay: npm run chaos -- --two-devices --seed ${r.seed} --verbose`);
    for (const problem of r.problems) console.log(`  - ${problem}`);
    if (withTrace) for (const line of r.trace) console.log(`    ${line}`);
  };
  if (seed !== undefined) {
    const result = await runTwoDevices(seed, { steps });
    if (!result.ok) print(result, true);
    else if (verbose) for (const line of result.trace) console.log(`    ${line}`);
    console.log(`seed ${seed}: ${result.ok ? "ok" : "FAILED"} — ${result.steps} steps, ${result.requests} requests, faults ${JSON.stringify(result.faults)}`);
    process.exit(result.ok ? 0 : 1);
  }
  const runs = numberArg("--runs") ?? 100;
  const from = numberArg("--from") ?? 1;
  const started = Date.now();
  const failed: number[] = [];
  let requests = 0;
  for (let i = 0; i < runs; i++) {
    const result = await runTwoDevices(from + i, { steps });
    requests += result.requests;
    if (!result.ok) {
      failed.push(result.seed);
      print(result, verbose);
    }
  }
  console.log(`\n${runs} two-device runs (seeds ${from}–${from + runs - 1}), ${failed.length} failed, ${((Date.now() - started) / 1000).toFixed(1)} s, ${requests} requests`);
  if (failed.length) console.log(`failing seeds: ${failed.join(" ")}`);
  process.exit(failed.length ? 1 : 0);
}
