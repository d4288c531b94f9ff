// The page Chromium runs for P1: the same contenders as in Node, on the
// browser's real localStorage. The bench calls `window.benchP1(n, opts)`.
import { saveContenders, timeSaves, type SaveTiming } from "../contenders/save-contenders";
import { taskList } from "../fixtures/task-fixtures";

type Opts = Parameters<typeof timeSaves>[2];

(globalThis as unknown as { benchP1: (n: number, opts: Opts) => Promise<SaveTiming[]> }).benchP1 = async (n, opts) => {
  const records = taskList(n);
  const out: SaveTiming[] = [];
  for (const contender of saveContenders()) out.push(await timeSaves(contender, records, opts));
  return out;
};
