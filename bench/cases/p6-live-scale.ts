import type { BenchCase, Row } from "../bench-types";
import { unavailable } from "../bench-types";
import { compareRow } from "../compare-row";
import { atMost } from "../goal";
import { runLiveScaleBench } from "../live/fanout";

const CLIENTS = 10_000;

/**
 * P6 at scale: one change to 10,000 WebSocket clients on two atmos2-server
 * processes sharing Redis, the clients in two processes of their own, side
 * by side with the Redis floor (two plain `ws` loops fed by one PUBLISH).
 * Also reports what an idle socket costs a server process in memory.
 */
export const p6LiveScale: BenchCase = {
  id: "P6",
  title: `live fan-out to ${CLIENTS.toLocaleString("en")} WebSocket clients over Redis`,
  budgetMs: 100_000,
  async run(ctx) {
    const name = `one change to ${CLIENTS.toLocaleString("en")} WebSocket clients, 2 processes over Redis`;
    if (ctx.quick) {
      const why = `skipped in --quick mode: connecting ${CLIENTS.toLocaleString("en")} sockets twice takes about a minute; run npm run bench for it`;
      ctx.log(`P6 scale: ${why}`);
      return [unavailable("P6", name, "p99 ≤ 500 ms", why)];
    }
    const r = await runLiveScaleBench({ clients: CLIENTS, rounds: 30, clientProcesses: 2, deadline: ctx.deadline });
    const ours = r.twoProcesses;
    const floor = r.redisFloor;
    if (!ours || !floor) return [unavailable("P6", name, "p99 ≤ 500 ms", `not measured: ${r.error ?? "no result"}`)];
    const rows: Row[] = [
      compareRow({
        id: "P6",
        name: `${name}, p99`,
        unit: "ms",
        ours: [ours.p99Ms],
        floor: [floor.p99Ms],
        goal: "p99 ≤ 500 ms",
        judge: (m) => atMost(m.ours, 500, "p99 ms"),
        note: `${r.rounds} rounds alternating with the floor, clients in ${r.clientProcesses} processes; p50 ${ours.p50Ms.toFixed(1)} ms vs floor ${floor.p50Ms.toFixed(1)} ms; burst ${Math.round(ours.messagesPerSecond)} msgs/s vs floor ${Math.round(floor.messagesPerSecond)} msgs/s.`,
      }),
      ...([["resident memory", "bytesPerSocket", "Growth of the server processes' resident memory (VmRSS, read after a full GC) from before the sockets connected to a second after the last one did, per socket: what the OS pays, heap space V8 keeps reserved after collecting included."],
        ["live heap", "heapBytesPerSocket", "Growth of the server processes' live V8 heap after a full GC (read through the inspector), per socket: what the server keeps for each idle socket."]] as const).map(([what, key, note]) =>
        compareRow({
          id: "P6",
          name: `${what} per idle socket, ${CLIENTS.toLocaleString("en")} sockets on 2 atmos2-servers`,
          unit: "KB",
          ours: [(ours[key] ?? NaN) / 1024],
          floor: [(floor[key] ?? NaN) / 1024],
          goal: "reported (floor: plain ws processes)",
          judge: (m) => (Number.isFinite(m.ours) ? { met: true } : { met: false, missedBy: "not measured" }),
          note,
        })),
    ];
    return rows;
  },
};
