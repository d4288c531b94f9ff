// The page Chromium runs for P1: the same contenders as in Node, on the
// browser's real localStorage. The bench calls `window.benchP1(n, opts)`.
import { saveContenders, timeSaveRounds, type SaveTiming, type SaveTimingOptions } from "../contenders/save-contenders";
import { taskList } from "../fixtures/task-fixtures";

(globalThis as unknown as { benchP1: (n: number, opts: SaveTimingOptions) => Promise<SaveTiming[]> }).benchP1 = (n, opts) => timeSaveRounds(saveContenders(), taskList(n), opts);
