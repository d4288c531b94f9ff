import type { BenchCase, Row } from "../bench-types";
import { unavailable } from "../bench-types";
import { compareRow } from "../compare-row";
import { all, atMost } from "../goal";
import { runLiveBench, type FanoutStats } from "../live/fanout";

const QUANTILES = [["p50", 50, "p50Ms"], ["p99", 200, "p99Ms"]] as const;

/** Two rows (p50, p99) for a contender against its floor. */
function latencyRows(name: string, who: string, stats: FanoutStats, floor: FanoutStats, floorName: string, note?: string): Row[] {
  return QUANTILES.map(([q, limit, key]) =>
    compareRow({
      id: "P6",
      name: `${name}, ${q} (${who})`,
      unit: "ms",
      ours: [stats[key]],
      floor: [floor[key]],
      goal: `${q} ≤ ${limit} ms, ≤ 1.5× ${floorName}`,
      judge: (m) => all(atMost(m.ours, limit, `${q} ms`), atMost(m.floorRatio, 1.5, "ours/floor")),
      note: q === "p50" ? note : undefined,
    }),
  );
}

/**
 * P6: one change fanned out to 1,000 WebSocket clients by atmos2-server (one
 * process, against a plain `ws` broadcast loop in one process; and two
 * processes sharing Redis, against two plain `ws` broadcast loops fed by one
 * Redis PUBLISH). Each pair runs side by side, rounds alternating. The
 * measuring is bench/live/fanout.ts's; this turns it into rows.
 */
export const p6LiveFanout: BenchCase = {
  id: "P6",
  title: "live fan-out to WebSocket clients",
  budgetMs: 70_000,
  async run(ctx) {
    // Quick: more than atmos2-server's 256 connections per address on each of
    // the two processes, so a cap the bench's clients hit shows here too.
    const clients = ctx.quick ? 600 : 1000;
    const name = `one change to ${clients} WebSocket clients`;
    // As many rounds as the case's time allows (p99 needs many), up to 150.
    const r = await runLiveBench({ clients, rounds: ctx.quick ? 5 : 150, deadline: ctx.deadline });
    const throughput = (s: FanoutStats, floor: FanoutStats) =>
      `${s.rounds} rounds, alternating with the floor; burst throughput ${Math.round(s.messagesPerSecond)} msgs/s vs floor ${Math.round(floor.messagesPerSecond)} msgs/s.`;
    const rows = latencyRows(name, "atmos2-server", r.oneProcess, r.floor, "ws loop", `${throughput(r.oneProcess, r.floor)} Floor: a plain ws broadcast loop in one process, encoding once and sending the same bytes to every client.`);
    if (r.twoProcesses && r.redisFloor) {
      rows.push(...latencyRows(name, "2 atmos2-servers over Redis", r.twoProcesses, r.redisFloor, "ws over Redis",
        `${throughput(r.twoProcesses, r.redisFloor)} Floor: two processes, each a plain ws broadcast loop subscribed to Redis, fed by one PUBLISH of the encoded frame; atmos2 gets each change by POST /update to one process and numbers it in Redis.`));
    } else {
      rows.push(unavailable("P6", `${name} (2 atmos2-servers over Redis)`, "≤ 1.5× ws over Redis", `not measured: ${r.twoProcessesError ?? "no result"}`));
    }
    return rows;
  },
};
