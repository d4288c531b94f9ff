// The page bench/profile/p1-chromium-profile.ts profiles: one contender's P1
// loop on Chromium's real localStorage, exposed as `window.p1Loop`.
import { saveContenders, timeSaves } from "../contenders/save-contenders";
import { taskList } from "../fixtures/task-fixtures";

(globalThis as unknown as { p1Loop: (name: string, n: number, saves: number) => Promise<number[]> }).p1Loop = async (name, n, saves) => {
  const contender = saveContenders().find((c) => c.name === name);
  if (!contender) throw new Error(`no contender "${name}"`);
  const timing = await timeSaves(contender, taskList(n), { runs: 3, ops: saves, warmupOps: saves, runBudgetMs: 60_000, deadline: Date.now() + 600_000 });
  return timing.samples.map((ms) => ms * 1000);
};
