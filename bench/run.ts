// `npm run bench [-- --quick] [-- --only P1,P2] [-- --out dir]`: runs each
// case against its peers in this one process (same machine, same moment),
// prints the ratios and writes bench/results/latest.{md,json,svg}.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BenchCase, Row } from "./bench-types";
import { unavailable } from "./bench-types";
import { cases } from "./cases/all-cases";
import { closeBenchTasksServer } from "./env/bench-tasks-server";
import { closeSpineAjax } from "./env/spine-ajax";
import { ratioChart } from "./ratio-chart";
import { markdownReport, markdownTable, type BenchReport } from "./report";

interface Cli {
  quick: boolean;
  only?: string[];
  out: string;
}

function parseArgs(argv: string[]): Cli {
  const cli: Cli = { quick: false, out: path.join(__dirname, "results") };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (!v) throw new Error(`${arg.split("=")[0]} needs a value`);
      return v;
    };
    if (arg === "--quick") cli.quick = true;
    else if (arg.startsWith("--only")) cli.only = value().split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);
    else if (arg.startsWith("--out")) cli.out = path.resolve(value());
    else throw new Error(`unknown option "${arg}"; use --quick, --only P1,P2 or --out <dir>`);
  }
  const known = cases.map((c) => c.id);
  for (const id of cli.only ?? []) if (!known.includes(id)) throw new Error(`--only: no case "${id}"; cases are ${known.join(", ")}`);
  return cli;
}

/**
 * The whole run stops within this, whatever the cases do. A full run has
 * more room: the 10,000-socket live case alone connects 20,000 sockets.
 */
const totalLimitMs = { quick: 290_000, full: 450_000 };

/**
 * Runs one case within its time limit (its budget, and never past the end of
 * the whole run); a crash or a hang becomes a row saying so.
 */
async function runCase(c: BenchCase, quick: boolean, runEnds: number): Promise<Row[]> {
  const budget = quick ? Math.max(15_000, c.budgetMs / 2) : c.budgetMs;
  const hardLimit = Math.min(budget * 1.5, runEnds - Date.now());
  if (hardLimit < 5_000) return [unavailable(c.id, c.title, "runs", "did not finish: no time left in the run (bench/run.ts totalLimitMs)")];
  const ctx = { quick, runs: quick ? 2 : 5, deadline: Date.now() + Math.min(budget, hardLimit) * 0.8, log: (line: string) => console.log(`  ${line}`) };
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<Row[]>((resolve) => {
    timer = setTimeout(() => resolve([unavailable(c.id, c.title, "completes in time", `did not finish within ${Math.round(hardLimit / 1000)} s`)]), hardLimit);
  });
  try {
    return await Promise.race([c.run(ctx), limit]);
  } catch (error) {
    return [unavailable(c.id, c.title, "runs", `failed: ${(error as Error)?.stack ?? error}`)];
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const rows: Row[] = [];
  for (const c of cases) {
    if (cli.only && !cli.only.includes(c.id)) continue;
    console.log(`\n${c.id}: ${c.title}${cli.quick ? " (quick)" : ""}`);
    const caseStart = Date.now();
    const caseRows = await runCase(c, cli.quick, started + (cli.quick ? totalLimitMs.quick : totalLimitMs.full));
    rows.push(...caseRows);
    console.log(markdownTable(caseRows));
    console.log(`  (${((Date.now() - caseStart) / 1000).toFixed(1)} s)`);
  }
  await closeBenchTasksServer().catch((error) => console.error(`bench: closing the tasks server failed: ${error}`));
  closeSpineAjax();
  const report: BenchReport = { date: new Date().toISOString(), quick: cli.quick, node: process.versions.node, cpus: os.cpus().length, durationMs: Date.now() - started, rows };
  const markdown = markdownReport(report);
  fs.mkdirSync(cli.out, { recursive: true });
  fs.writeFileSync(path.join(cli.out, "latest.md"), markdown);
  fs.writeFileSync(path.join(cli.out, "latest.json"), JSON.stringify(report, null, 2) + "\n");
  fs.writeFileSync(path.join(cli.out, "latest.svg"), ratioChart(rows, `atmos2 vs peers, ratios (log scale)${cli.quick ? ", quick" : ""}`));
  console.log(`\n${markdown}`);
  const missed = rows.filter((r) => !r.met);
  console.log(`${rows.length - missed.length} of ${rows.length} goals met. Results in ${path.relative(process.cwd(), cli.out) || "."}/latest.{md,json,svg}`);
  // Everything is closed by now; if something still holds the process open, say so and leave.
  setTimeout(() => {
    console.error("bench: open handles kept the process alive after the run; exiting");
    process.exit(0);
  }, 5000).unref();
}

main().catch((error) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(2);
});
