import type { BenchCase, Row } from "../bench-types";
import { openChromiumPages } from "../browser/chromium-page";
import { buildPageBundle } from "../browser/page-bundle";
import { compareRow } from "../compare-row";
import { chromiumSaveRounds } from "../browser/p1-chromium";
import { nodeContenderSteps } from "../contenders/node-contenders";
import { saveContenderMakers } from "../contenders/save-contenders";
import { timeSaveRounds, type SaveTiming } from "../contenders/save-rounds";
import { taskList } from "../fixtures/task-fixtures";
import { all, atLeast, atMost } from "../goal";
import { median } from "../stats";
import * as fs from "fs";
import * as path from "path";

/**
 * P1: what one `save()` costs with N records stored, in Node (with a Web
 * Storage object) and in Chromium (real localStorage), next to
 * Backbone.localStorage, Spine Local (rewrites all N), and the irreducible
 * cost of any Spine storage extension: Spine's own in-memory save plus one
 * setItem of the record. The contenders run in interleaved rounds.
 */
export const p1SaveCost: BenchCase = {
  id: "P1",
  title: "save() cost with N records stored",
  budgetMs: 90_000,
  async run(ctx) {
    const sizes = ctx.quick ? [100, 1000] : [1000, 10000];
    const runs = ctx.quick ? 2 : 7;
    // Round 0 only warms each contender up: warmupOps saves, within half a second.
    // A run is ended by its time budget (ops is only a cap): long enough that a
    // garbage collection lands in it as often as the saves make one.
    const opts = (deadline: number) => ({ runs, ops: ctx.quick ? 2000 : 50_000, warmupOps: ctx.quick ? 300 : 5000, runBudgetMs: ctx.quick ? 60 : 150, deadline });
    const rows: Row[] = [];
    // The larger size gets the rest of its environment's share of the time.
    const sizeDeadline = (i: number, end: number) => (i < sizes.length - 1 ? Date.now() + (end - Date.now()) * 0.4 : end);

    const node: SaveTiming[] = [];
    const nodeEnd = Date.now() + (ctx.deadline - Date.now()) * 0.4;
    for (const [i, n] of sizes.entries()) {
      const o = opts(sizeDeadline(i, nodeEnd));
      const steps = await nodeContenderSteps(saveContenderMakers.length, n, o);
      try {
        node.push(...(await timeSaveRounds(steps, n, o)));
      } finally {
        steps.stop();
      }
      ctx.log(`P1 Node N=${n} done`);
    }
    rows.push(...toRows("Node, localstorage-polyfill", node, sizes));

    try {
      const bundle = await buildPageBundle(path.join(__dirname, "../browser/p1-page.ts"));
      const chromium = await openChromiumPages(bundle, saveContenderMakers.length).finally(() => fs.rmSync(path.dirname(bundle), { recursive: true, force: true }));
      try {
        const browser: SaveTiming[] = [];
        for (const [i, n] of sizes.entries()) {
          browser.push(...(await chromiumSaveRounds(chromium.pages, n, opts(sizeDeadline(i, ctx.deadline)))));
          ctx.log(`P1 Chromium N=${n} done`);
        }
        rows.push(...toRows("Chromium, localStorage", browser, sizes));
      } finally {
        await chromium.close();
      }
    } catch (error) {
      rows.push({ id: "P1", name: "save() in Chromium", ours: NaN, unit: "ms", goal: "measured", met: false, missedBy: "not measured", note: `Chromium run failed: ${(error as Error).message}` });
    }
    return rows;
  },
};

/** The median over rounds of a[i] / b[i] (sample i of both is from round i). */
function pairedRatio(a: number[], b: number[]): number {
  return median(a.map((x, i) => x / b[i]).filter(Number.isFinite));
}

function toRows(env: string, timings: SaveTiming[], sizes: number[]): Row[] {
  const of = (name: string, n: number) => timings.find((t) => t.contender === name && t.n === n)?.samples ?? [];
  const rows: Row[] = [];
  const large = sizes[sizes.length - 1];
  for (const n of sizes) {
    const isLarge = n === large;
    const ours = of("atmos2", n);
    const backbone = of("Backbone.localStorage", n);
    const floor = of("Spine + one setItem", n);
    const spineLocal = median(of("Spine Local", n));
    // Ratios of the same round: its contenders ran back to back, under the same load.
    const vsBackbone = pairedRatio(ours, backbone);
    const vsFloor = pairedRatio(ours, floor);
    const row = compareRow({
      id: "P1",
      name: `save(), ${n} stored (${env})`,
      unit: "ms",
      ours,
      peer: backbone,
      peerName: "Backbone.localStorage",
      floor,
      others: { "Spine Local": of("Spine Local", n), "setItem only": of("setItem only", n), "Spine, no storage": of("Spine, no storage", n) },
      goal: `below Backbone.localStorage; ≤ 1.5× floor (Spine + one setItem)${isLarge ? "; ≥ 100× faster than Spine Local" : ""}`,
      judge: (m) =>
        all(
          atMost(vsBackbone, 1, "ours/Backbone.localStorage"),
          atMost(vsFloor, 1.5, "ours/floor"),
          isLarge ? atLeast(spineLocal / m.ours, 100, "speed-up over Spine Local") : { met: true },
        ),
      note: "CPU time per save; ours/peer and ours/floor are medians of the ratios within each round",
    });
    rows.push({ ...row, ratio: vsBackbone, floorRatio: vsFloor });
  }
  // O(1) in N: the cost at the large size over the cost at the small one.
  const growth = (name: string) => median(of(name, large)) / median(of(name, sizes[0]));
  const ours = growth("atmos2");
  const verdict = atMost(ours, 2, `cost growth ${sizes[0]}→${large}`);
  rows.push({
    id: "P1",
    name: `save() cost growth ${sizes[0]} → ${large} stored (${env})`,
    ours,
    peer: growth("Spine Local"),
    peerName: "Spine Local",
    floor: growth("Spine + one setItem"),
    unit: "×",
    goal: "O(1) in N: ≤ 2× for 10× the records",
    met: verdict.met,
    missedBy: verdict.missedBy,
    others: { "Backbone.localStorage": growth("Backbone.localStorage") },
  });
  return rows;
}
