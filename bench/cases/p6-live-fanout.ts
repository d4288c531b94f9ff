import * as fs from "fs";
import * as path from "path";
import type { BenchCase, Row } from "../bench-types";
import { unavailable } from "../bench-types";
import { compareRow } from "../compare-row";
import { all, atMost } from "../goal";

interface FanoutStats {
  p50Ms: number;
  p99Ms: number;
  messagesPerSecond: number;
}

interface LiveBenchResult {
  clients: number;
  rounds: number;
  floor: FanoutStats;
  oneProcess: FanoutStats;
  twoProcesses?: FanoutStats;
  twoProcessesError?: string;
}

type RunLiveBench = (options: { clients: number; rounds: number }) => Promise<LiveBenchResult>;

const goal = "p50 ≤ 50 ms, p99 ≤ 200 ms, ≤ 1.5× the floor";

/** The live engineer's fan-out bench (bench/live/fanout.ts), if it is there. */
function liveBench(): RunLiveBench | undefined {
  const file = path.join(__dirname, "../live/fanout.ts");
  if (!fs.existsSync(file)) return undefined;
  const mod = require(file) as { runLiveBench?: unknown };
  return typeof mod.runLiveBench === "function" ? (mod.runLiveBench as RunLiveBench) : undefined;
}

/**
 * P6: one change fanned out to 1,000 WebSocket clients by atmos2-server (one
 * process, and two processes sharing Redis), next to a plain `ws` broadcast
 * loop. The measuring is bench/live/fanout.ts's; this turns it into rows.
 */
export const p6LiveFanout: BenchCase = {
  id: "P6",
  title: "live fan-out to WebSocket clients",
  budgetMs: 70_000,
  async run(ctx) {
    const run = liveBench();
    const clients = ctx.quick ? 100 : 1000;
    const name = `one change to ${clients} WebSocket clients`;
    if (!run) return [unavailable("P6", name, goal, "not available: bench/live/fanout.ts does not export runLiveBench({ clients, rounds })")];
    const result = await run({ clients, rounds: ctx.quick ? 5 : 30 });
    const rows: Row[] = [];
    const contenders: Array<[string, FanoutStats | undefined]> = [
      ["atmos2-server", result.oneProcess],
      ["2 atmos2-servers over Redis", result.twoProcesses],
    ];
    for (const [who, stats] of contenders) {
      if (!stats) {
        rows.push(unavailable("P6", `${name}, ${who}`, goal, `not measured: ${result.twoProcessesError ?? "no result"}`));
        continue;
      }
      for (const [q, limit, key] of [["p50", 50, "p50Ms"], ["p99", 200, "p99Ms"]] as const) {
        rows.push(
          compareRow({
            id: "P6",
            name: `${name}, ${q} (${who})`,
            unit: "ms",
            ours: [stats[key]],
            floor: [result.floor[key]],
            goal: `${q} ≤ ${limit} ms, ≤ 1.5× floor`,
            judge: (m) => all(atMost(m.ours, limit, `${q} ms`), atMost(m.floorRatio, 1.5, "ours/floor")),
            note: q === "p50" ? `${result.rounds} rounds; burst throughput ${Math.round(stats.messagesPerSecond)} msgs/s vs floor ${Math.round(result.floor.messagesPerSecond)} msgs/s; floor = a plain ws broadcast loop sending one encoded frame to every client.` : undefined,
          }),
        );
      }
    }
    return rows;
  },
};
