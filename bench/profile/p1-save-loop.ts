// A P1 loop for profilers: `node --cpu-prof -r tsx/cjs bench/profile/p1-save-loop.ts [contender] [n] [saves]`
// seeds one contender with n records, then saves round a pool of 50 of them,
// the way bench/cases/p1-save-cost.ts times it, and prints µs per save.
import { saveContenders, timeSaves } from "../contenders/save-contenders";
import { installNodeWebStorage } from "../env/node-web-storage";
import { taskList } from "../fixtures/task-fixtures";

async function main(): Promise<void> {
  const [name = "atmos2", n = "1000", saves = "20000"] = process.argv.slice(2);
  installNodeWebStorage();
  const contender = saveContenders().find((c) => c.name === name);
  if (!contender) throw new Error(`no contender "${name}"; contenders are ${saveContenders().map((c) => c.name).join(", ")}`);
  const ops = Number(saves);
  const timing = await timeSaves(contender, taskList(Number(n)), { runs: 5, ops, warmupOps: ops, runBudgetMs: 60_000, deadline: Date.now() + 600_000 });
  console.log(`${name}, ${n} stored: ${timing.samples.map((ms) => (ms * 1000).toFixed(2)).join(" ")} µs per save`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
