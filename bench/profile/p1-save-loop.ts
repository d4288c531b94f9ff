// A P1 loop for profilers: `node --cpu-prof -r tsx/cjs bench/profile/p1-save-loop.ts [contender] [n] [saves] [runs]`
// seeds one contender with n records, then saves round a pool of 50 of them
// as bench/cases/p1-save-cost.ts does, and prints CPU µs per save for each run.
import { saveContenders } from "../contenders/save-contenders";
import { editPool, processCpuMs, runSaves } from "../contenders/save-rounds";
import { installNodeWebStorage } from "../env/node-web-storage";
import { taskList } from "../fixtures/task-fixtures";

async function main(): Promise<void> {
  const [name = "atmos2", n = "1000", saves = "20000", runs = "5"] = process.argv.slice(2);
  installNodeWebStorage();
  const contender = saveContenders().find((c) => c.name === name);
  if (!contender) throw new Error(`no contender "${name}"; contenders are ${saveContenders().map((c) => c.name).join(", ")}`);
  const records = taskList(Number(n));
  const pool = editPool(records);
  await contender.seed(records);
  try {
    const perSave: string[] = [];
    for (let run = 0; run <= Number(runs); run++) {
      const before = processCpuMs();
      const done = await runSaves(contender, pool, String(run), Number(saves), 60_000);
      if (run > 0) perSave.push((((processCpuMs() - before) / done) * 1000).toFixed(2)); // run 0 warms the JIT up
    }
    console.log(`${name}, ${n} stored: ${perSave.join(" ")} CPU µs per save`);
  } finally {
    contender.teardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
