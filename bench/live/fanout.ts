/**
 * Fan-out benchmark: one change delivered to N WebSocket clients on loopback.
 *
 *   npx tsx bench/live/fanout.ts [--quick] [--clients N] [--rounds N] [--scale N]
 *
 * Contenders (see fanout-targets.ts): a plain `ws` broadcast loop (the
 * floor), atmos2-server in this process, two plain `ws` processes fed by one
 * Redis PUBLISH (the Redis floor), and two atmos2-server processes sharing a
 * real redis-server (changes posted to one of them with POST /update).
 * Measures p50/p99 delivery latency (publish → client's message handler) over
 * sequential rounds, deliveries per second for a burst, and, for server
 * processes, resident memory per idle socket. Every phase has a deadline, so
 * the bench stops on its own. `BENCH_CPU_PROF=dir` profiles the server
 * processes (see child-server.ts).
 */
import { performance } from "node:perf_hooks";
import { startRedis } from "../../spec/live/support/redis-server";
import { trackPid } from "./child-registry";
import { ClientPool } from "./client-pool";
import { Target, floorTarget, oneProcessTarget, redisFloorTarget, twoProcessTarget } from "./fanout-targets";

export interface FanoutStats {
  /** Rounds measured (fewer than asked when the deadline came first). */
  rounds: number;
  p50Ms: number;
  p99Ms: number;
  messagesPerSecond: number;
  /** Growth of the server processes' resident memory per connected idle socket, in bytes (after a GC). */
  bytesPerSocket?: number;
  /** Growth of their live heap per idle socket, after a full GC, in bytes. */
  heapBytesPerSocket?: number;
}

export interface LiveBenchResult {
  clients: number;
  rounds: number;
  floor: FanoutStats;
  oneProcess: FanoutStats;
  /** Two plain `ws` processes fed by one Redis PUBLISH. Undefined (with `twoProcessesError`) without redis-server. */
  redisFloor?: FanoutStats;
  twoProcesses?: FanoutStats;
  twoProcessesError?: string;
}

export interface LiveScaleResult {
  clients: number;
  rounds: number;
  /** Processes the clients ran in. */
  clientProcesses: number;
  redisFloor?: FanoutStats;
  twoProcesses?: FanoutStats;
  error?: string;
}

const PHASE_DEADLINE_MS = 120_000;
const BURST = 20;
/** Time for a server's memory to settle after the last socket connected. */
const SETTLE_MS = 1000;
/** Rounds measured even past the deadline: fewer say little about a p99. */
const MIN_ROUNDS = 20;
/** Quiet time between two rounds. */
const ROUND_GAP_MS = 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function withDeadline<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${PHASE_DEADLINE_MS / 1000} s`)), PHASE_DEADLINE_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const now = () => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

interface MeasureOptions {
  clients: number;
  rounds: number;
  /** Date.now() past which no new round starts, once MIN_ROUNDS are measured. */
  deadline?: number;
  /** Run the clients in this many processes instead of one worker thread. */
  clientProcesses?: number;
}

/** A contender, started when its turn to connect comes. */
interface Contender {
  name: string;
  start(): Promise<Target>;
}

/** Delivers change(s) `ids` through `target`; resolves with when it started and every receipt time. */
async function deliver(pool: ClientPool, target: Target, ids: string[]): Promise<{ sentAt: number; times: number[] }> {
  const arrivals = Promise.all(ids.map((id) => pool.delivered(id)));
  const sentAt = now();
  for (const id of ids) await target.publish(id);
  return { sentAt, times: (await arrivals).flat() };
}

/**
 * Measures contenders side by side: each has its own `clients` sockets, all
 * connected at once, and the rounds alternate between them (in turn first),
 * so a burst of load from elsewhere on this shared machine lands on all of
 * them alike and the ratios hold even when the absolute times do not.
 */
async function measureSideBySide(contenders: Contender[], options: MeasureOptions): Promise<FanoutStats[]> {
  const { clients, rounds } = options;
  const pool = new ClientPool({ processes: options.clientProcesses });
  const targets: Target[] = [];
  const started = now();
  try {
    const memory: Array<{ rss: number; heap: number } | undefined> = [];
    for (const [index, contender] of contenders.entries()) {
      const target = await withDeadline(`${contender.name}: starting`, contender.start());
      targets.push(target);
      // Heap first: reading it collects garbage, so the RSS after it is the steadier figure.
      const footprint = async () => (target.heapBytes ? { heap: sum(await target.heapBytes()), rss: sum(target.rssBytes!()) } : undefined);
      const before = await footprint();
      const connectStart = now();
      await withDeadline(`${contender.name}: connecting ${clients} clients`, pool.connect(String(index), target.urls, clients, target.auth));
      if (process.env.BENCH_VERBOSE) console.log(`  ${contender.name}: ${clients} clients connected in ${((now() - connectStart) / 1000).toFixed(1)} s`);
      if (before) await pause(SETTLE_MS);
      const after = await footprint();
      memory.push(before && after ? { rss: (after.rss - before.rss) / clients, heap: (after.heap - before.heap) / clients } : undefined);
    }
    const latencies: number[][] = contenders.map(() => []);
    const roundWorst: number[][] = contenders.map(() => []);
    // Warm-up rounds (JIT, socket buffers) are not counted.
    let measured = 0;
    for (let round = -5; round <= rounds; round++) {
      if (round > MIN_ROUNDS && options.deadline !== undefined && Date.now() > options.deadline) break;
      measured = Math.max(0, round);
      const order = contenders.map((_, i) => i);
      if (round % 2 !== 0) order.reverse();
      for (const i of order) {
        const { sentAt, times } = await withDeadline(`${contenders[i].name}: round ${round}`, deliver(pool, targets[i], [`${i}:${round}`]));
        if (round > 0) for (const t of times) latencies[i].push(t - sentAt);
        if (round > 0 && process.env.BENCH_VERBOSE) roundWorst[i].push(Math.round(times.reduce((a, b) => Math.max(a, b), 0) - sentAt));
        // Changes come one at a time: the server is done with the last before the next.
        await pause(ROUND_GAP_MS);
      }
    }
    const throughput: number[] = [];
    for (const [i, target] of targets.entries()) {
      const burst = Array.from({ length: BURST }, (_, n) => `${i}:burst${n}`);
      const { sentAt, times } = await withDeadline(`${contenders[i].name}: burst`, deliver(pool, target, burst));
      throughput.push((BURST * clients) / ((times.reduce((a, b) => Math.max(a, b), 0) - sentAt) / 1000));
    }
    if (process.env.BENCH_VERBOSE) {
      console.log(`  ${contenders.map((c) => c.name).join(" vs ")}: ${clients} clients each, ${measured} rounds in ${((now() - started) / 1000).toFixed(1)} s`);
      for (const [i, c] of contenders.entries()) console.log(`    ${c.name}: last delivery per round (ms) ${roundWorst[i].join(" ")}`);
    }
    return contenders.map((_, i) => {
      const sorted = latencies[i].sort((a, b) => a - b);
      return { rounds: measured, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), messagesPerSecond: throughput[i], bytesPerSocket: memory[i]?.rss, heapBytesPerSocket: memory[i]?.heap };
    });
  } finally {
    await pool.close();
    for (const target of targets) await target.close();
  }
}

/** Runs every contender at `clients` sockets and returns the figures (the bench runner calls this). */
export async function runLiveBench(options: { clients?: number; rounds?: number; deadline?: number } = {}): Promise<LiveBenchResult> {
  const m: MeasureOptions = { clients: options.clients ?? 1000, rounds: options.rounds ?? 30, deadline: options.deadline };
  // The first pair may use half the time left; the pair over Redis the rest.
  const half = options.deadline === undefined ? undefined : Date.now() + (options.deadline - Date.now()) / 2;
  const [floor, oneProcess] = await measureSideBySide([
    { name: "ws broadcast", start: floorTarget },
    { name: "atmos2 (1 process)", start: oneProcessTarget },
  ], { ...m, deadline: half });
  const result: LiveBenchResult = { clients: m.clients, rounds: oneProcess.rounds, floor, oneProcess };
  let redis;
  let untrack = () => {};
  try {
    redis = await startRedis();
    untrack = trackPid(redis.pid);
    const url = redis.url;
    [result.redisFloor, result.twoProcesses] = await measureSideBySide([
      { name: "ws broadcast over Redis (2 processes)", start: () => redisFloorTarget(url) },
      { name: "atmos2 (2 processes over Redis)", start: () => twoProcessTarget(url) },
    ], m);
  } catch (error) {
    result.twoProcessesError = (error as Error).message;
  } finally {
    await redis?.stop();
    untrack();
  }
  return result;
}

/**
 * The scale case: `clients` sockets (10,000 by default) on two server
 * processes sharing Redis, the clients in `clientProcesses` processes of
 * their own; the Redis floor is measured side by side, the same way.
 */
export async function runLiveScaleBench(options: { clients?: number; rounds?: number; clientProcesses?: number; deadline?: number } = {}): Promise<LiveScaleResult> {
  const m: MeasureOptions = { clients: options.clients ?? 10_000, rounds: options.rounds ?? 20, clientProcesses: options.clientProcesses ?? 2, deadline: options.deadline };
  const result: LiveScaleResult = { clients: m.clients, rounds: 0, clientProcesses: m.clientProcesses! };
  let redis;
  let untrack = () => {};
  try {
    redis = await startRedis();
    untrack = trackPid(redis.pid);
    const url = redis.url;
    [result.redisFloor, result.twoProcesses] = await measureSideBySide([
      { name: "ws broadcast over Redis (2 processes)", start: () => redisFloorTarget(url) },
      { name: "atmos2 (2 processes over Redis)", start: () => twoProcessTarget(url) },
    ], m);
    result.rounds = result.twoProcesses.rounds;
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    await redis?.stop();
    untrack();
  }
  return result;
}

type TableRow = [string, FanoutStats | undefined, FanoutStats | undefined];

function printTable(title: string, rows: TableRow[], missing: string): void {
  const f = (n: number) => n.toFixed(1);
  const kb = (s: FanoutStats) => (s.bytesPerSocket === undefined ? "" : `${(s.bytesPerSocket / 1024).toFixed(1)}/${(s.heapBytesPerSocket! / 1024).toFixed(1)}`);
  console.log(`\n${title}\n`);
  console.log("| contender                      | p50 ms | p99 ms | msgs/s   | KB/socket rss/heap | p50 × floor | p99 × floor | msgs/s ÷ floor |");
  console.log("|--------------------------------|--------|--------|----------|--------------------|-------------|-------------|----------------|");
  for (const [name, s, floor] of rows) {
    if (!s) {
      console.log(`| ${name.padEnd(30)} | n/a: ${missing}`);
      continue;
    }
    const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : "");
    console.log(
      `| ${name.padEnd(30)} | ${f(s.p50Ms).padStart(6)} | ${f(s.p99Ms).padStart(6)} | ${Math.round(s.messagesPerSecond).toString().padStart(8)} | ${kb(s).padStart(18)} | ` +
      `${ratio(s.p50Ms, floor?.p50Ms).padStart(11)} | ${ratio(s.p99Ms, floor?.p99Ms).padStart(11)} | ${ratio(s.messagesPerSecond, floor?.messagesPerSecond).padStart(14)} |`,
    );
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const quick = args.includes("--quick");
  const scale = value("--scale");
  const main = async () => {
    if (!scale) {
      const r = await runLiveBench({ clients: value("--clients") ?? (quick ? 200 : 1000), rounds: value("--rounds") ?? (quick ? 10 : 30) });
      printTable(`Fan-out of one change to ${r.clients} WebSocket clients (${r.rounds} rounds; burst of ${BURST}); ratios against the floor of the same shape`, [
        ["ws broadcast loop (floor)", r.floor, r.floor],
        ["atmos2-server, 1 process", r.oneProcess, r.floor],
        ["ws over Redis, 2 procs (floor)", r.redisFloor, r.redisFloor],
        ["atmos2-server, 2 procs+Redis", r.twoProcesses, r.redisFloor],
      ], r.twoProcessesError ?? "not run");
    } else {
      const r = await runLiveScaleBench({ clients: scale, rounds: value("--rounds") });
      printTable(`Fan-out of one change to ${r.clients} WebSocket clients in ${r.clientProcesses} processes (${r.rounds} rounds; burst of ${BURST})`, [
        ["ws over Redis, 2 procs (floor)", r.redisFloor, r.redisFloor],
        ["atmos2-server, 2 procs+Redis", r.twoProcesses, r.redisFloor],
      ], r.error ?? "not run");
    }
  };
  main()
    .then(() => process.exit(0))
    .catch((error: Error) => {
      console.error(`fanout bench failed: ${error.message}`);
      process.exit(1);
    });
}
