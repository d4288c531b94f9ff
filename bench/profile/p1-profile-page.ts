// The page bench/profile/p1-chromium-profile.ts profiles: one contender's P1
// loop on Chromium's real localStorage, exposed as `window.p1Loop`; returns
// wall µs per save of each run (run 0 warms the JIT up and is left out).
import { saveContenders } from "../contenders/save-contenders";
import { editPool, runSaves } from "../contenders/save-rounds";
import { taskList } from "../fixtures/task-fixtures";

(globalThis as unknown as { p1Loop: (name: string, n: number, saves: number) => Promise<number[]> }).p1Loop = async (name, n, saves) => {
  const contender = saveContenders().find((c) => c.name === name);
  if (!contender) throw new Error(`no contender "${name}"`);
  const records = taskList(n);
  const pool = editPool(records);
  await contender.seed(records);
  try {
    const perSave: number[] = [];
    for (let run = 0; run <= 3; run++) {
      const start = performance.now();
      const done = await runSaves(contender, pool, String(run), saves, 60_000);
      if (run > 0) perSave.push(((performance.now() - start) / done) * 1000);
    }
    return perSave;
  } finally {
    contender.teardown();
  }
};
