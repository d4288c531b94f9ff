import { execFile } from "child_process";
import * as path from "path";
import type { BenchCase } from "../bench-types";
import { compareRow } from "../compare-row";
import { atMost } from "../goal";

/** Runs the memory child for one contender; resolves with bytes per record. */
function weigh(which: string, n: number): Promise<number> {
  const child = path.join(__dirname, "m1-memory-child.ts");
  const args = ["--expose-gc", "--require", require.resolve("tsx/cjs"), child, which, String(n)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: path.resolve(__dirname, "../.."), timeout: 60_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`M1 ${which}: ${stderr.trim() || error.message}`));
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line).bytesPerRecord);
      } catch {
        reject(new Error(`M1 ${which}: unexpected output ${JSON.stringify(line.slice(0, 200))}`));
      }
    });
  });
}

/**
 * M1: heap per record after loading N stored records on a fresh start, each
 * contender in its own `node --expose-gc` process. The floor is the parsed
 * JSON of the records and nothing else.
 */
export const m1Memory: BenchCase = {
  id: "M1",
  title: "memory per loaded record",
  budgetMs: 40_000,
  async run(ctx) {
    const n = ctx.quick ? 1000 : 10_000;
    const runs = ctx.quick ? 1 : Math.min(ctx.runs, 3);
    const samples: Record<string, number[]> = { atmos2: [], spine: [], floor: [] };
    for (let run = 0; run < runs; run++) {
      if (run >= 1 && Date.now() > ctx.deadline) break;
      for (const which of Object.keys(samples)) samples[which].push(await weigh(which, n));
      ctx.log(`M1 run ${run + 1}: ${Object.entries(samples).map(([w, s]) => `${w} ${Math.round(s.at(-1)!)} B`).join(", ")}`);
    }
    return [
      compareRow({
        id: "M1",
        name: `heap per record after loading ${n} stored records (~200 B of JSON each)`,
        unit: "B/record",
        ours: samples.atmos2,
        peer: samples.spine,
        peerName: "Spine Local",
        floor: samples.floor,
        goal: "≤ 1.2× Spine's in-memory records",
        judge: (m) => atMost(m.ratio, 1.2, "ours/Spine"),
      }),
    ];
  },
};
