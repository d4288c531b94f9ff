import { runSeed, type RunResult } from "./simulation";
import { twoDevicesMain } from "./two-devices-cli";

/**
 * `npm run chaos -- --runs 10000 [--from 1]`: many seeded runs, with totals.
 * `npm run chaos -- --seed 42 [--verbose]`: one run, its trace on failure (or always with --verbose).
 * `npm run chaos -- --two-devices ...`: the same for two devices on a real server (two-devices.ts).
 */
function usage(message: string): never {
  console.error(`${message}\nusage: npm run chaos -- [--two-devices] [--runs N] [--from N] | --seed N [--verbose] [--steps N]`);
  process.exit(2);
}

function numberArg(args: string[], name: string): number | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 0) usage(`${name} needs a whole number, got "${args[at + 1] ?? ""}"`);
  return value;
}

function printFailure(result: RunResult, withTrace: boolean): void {
  console.log(`\nFAILED seed ${result.seed} — replay: npm run chaos -- --seed ${result.seed} --verbose`);
  for (const problem of result.problems) console.log(`  - ${problem}`);
  if (withTrace) for (const line of result.trace) console.log(`    ${line}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  for (const arg of args) if (arg.startsWith("--") && !["--runs", "--from", "--seed", "--verbose", "--steps", "--two-devices"].includes(arg)) usage(`unknown option ${arg}`);
  if (args.includes("--two-devices")) return void (await twoDevicesMain(args, (name) => numberArg(args, name)));
  const seed = numberArg(args, "--seed");
  const steps = numberArg(args, "--steps");
  const verbose = args.includes("--verbose");
  if (seed !== undefined) {
    const result = await runSeed(seed, { steps, watch: verbose });
    if (!result.ok) printFailure(result, true);
    else if (verbose) for (const line of result.trace) console.log(`    ${line}`);
    console.log(`seed ${seed}: ${result.ok ? "ok" : "FAILED"} — ${result.steps} steps, ${result.requests} requests, ${result.reloads} reloads, faults ${JSON.stringify(result.faults)}`);
    process.exit(result.ok ? 0 : 1);
  }
  const runs = numberArg(args, "--runs") ?? 1000;
  const from = numberArg(args, "--from") ?? 1;
  const started = Date.now();
  const faults: Record<string, number> = {};
  const failed: number[] = [];
  let requests = 0;
  let reloads = 0;
  for (let i = 0; i < runs; i++) {
    const result = await runSeed(from + i, { steps });
    requests += result.requests;
    reloads += result.reloads;
    for (const [kind, n] of Object.entries(result.faults)) faults[kind] = (faults[kind] ?? 0) + n;
    if (!result.ok) {
      failed.push(result.seed);
      printFailure(result, verbose);
    }
    if ((i + 1) % 1000 === 0) console.log(`… ${i + 1} runs, ${failed.length} failed, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const seconds = (Date.now() - started) / 1000;
  const totalFaults = Object.values(faults).reduce((a, b) => a + b, 0);
  console.log(`\n${runs} runs (seeds ${from}–${from + runs - 1}), ${failed.length} failed, ${seconds.toFixed(1)} s`);
  console.log(`requests: ${requests}; page reloads: ${reloads}; faults injected: ${totalFaults}`);
  for (const [kind, n] of Object.entries(faults).sort()) console.log(`  ${kind.padEnd(14)} ${n}`);
  if (failed.length) console.log(`failing seeds: ${failed.slice(0, 50).join(" ")}${failed.length > 50 ? " …" : ""}`);
  process.exit(failed.length ? 1 : 0);
}

void main();
