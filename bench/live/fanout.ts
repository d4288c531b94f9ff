/**
 * Fan-out benchmark: one change delivered to N WebSocket clients on loopback.
 *
 *   npx tsx bench/live/fanout.ts [--quick] [--clients N] [--rounds N]
 *
 * Measures, for a plain `ws` broadcast loop (the floor), atmos2-server in this
 * process, and two atmos2-server child processes sharing a real redis-server
 * (changes posted to one of them with POST /update):
 * p50/p99 delivery latency (publish → client's message handler) over
 * sequential rounds, and deliveries per second for a burst of changes.
 * Clients run in a worker thread, for every contender alike. Every phase
 * has a deadline, so the bench stops on its own.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { WebSocketServer } from "ws";
import { createLiveServer } from "../../server/live";
import { startRedis } from "../../spec/live/support/redis-server";
import { startServerProcess } from "../../spec/live/support/server-process";

export interface FanoutStats {
  p50Ms: number;
  p99Ms: number;
  messagesPerSecond: number;
}

export interface LiveBenchResult {
  clients: number;
  rounds: number;
  floor: FanoutStats;
  oneProcess: FanoutStats;
  /** Undefined (with `twoProcessesError`) when redis-server could not be started. */
  twoProcesses?: FanoutStats;
  twoProcessesError?: string;
}

/** A contender: something that can publish one change to every connected client. */
interface Target {
  urls: string[];
  auth?: unknown;
  publish(id: number): Promise<void> | void;
  close(): Promise<void>;
}

const PHASE_DEADLINE_MS = 120_000;
const BURST = 20;

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

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The clients, in a worker thread (see fanout-clients.js). */
class ClientPool {
  private worker = new Worker(path.join(__dirname, "fanout-clients.js"));
  private waiting = new Map<string, (times: number[]) => void>();
  private next: ((message: { type: string; message?: string }) => void) | undefined;

  constructor() {
    this.worker.on("message", (message: { type: string; id?: string; times?: number[]; message?: string }) => {
      if (message.type === "delivered") {
        const resolve = this.waiting.get(message.id!);
        this.waiting.delete(message.id!);
        resolve?.(message.times!);
      } else this.next?.(message);
    });
  }

  private command(cmd: Record<string, unknown>): Promise<{ type: string; message?: string }> {
    return new Promise((resolve) => {
      this.next = resolve;
      this.worker.postMessage(cmd);
    });
  }

  async connect(urls: string[], count: number, auth: unknown): Promise<void> {
    const answer = await this.command({ cmd: "connect", urls, count, auth });
    if (answer.type !== "connected") throw new Error(`clients could not connect: ${answer.message}`);
  }

  /** Receipt times (absolute ms) of change `id` at every client. */
  delivered(id: number): Promise<number[]> {
    return new Promise((resolve) => this.waiting.set(String(id), resolve));
  }

  async close(): Promise<void> {
    await this.command({ cmd: "close" });
    await this.worker.terminate();
  }
}

const now = () => performance.timeOrigin + performance.now();

async function measure(name: string, target: Target, clients: number, rounds: number): Promise<FanoutStats> {
  const pool = new ClientPool();
  try {
    await withDeadline(`${name}: connecting ${clients} clients`, pool.connect(target.urls, clients, target.auth));
    const deliver = async (ids: number[]): Promise<{ sentAt: number; times: number[] }> => {
      const arrivals = Promise.all(ids.map((id) => pool.delivered(id)));
      const sentAt = now();
      for (const id of ids) await target.publish(id);
      return { sentAt, times: (await arrivals).flat() };
    };
    // Warm-up rounds (JIT, socket buffers) are not counted.
    for (let round = 1; round <= 5; round++) await withDeadline(`${name}: warm-up`, deliver([-round]));
    const latencies: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const { sentAt, times } = await withDeadline(`${name}: round ${round}`, deliver([round]));
      for (const t of times) latencies.push(t - sentAt);
    }
    const sorted = latencies.sort((a, b) => a - b);
    const burst = Array.from({ length: BURST }, (_, i) => rounds + 1 + i);
    const { sentAt, times } = await withDeadline(`${name}: burst`, deliver(burst));
    const seconds = (Math.max(...times) - sentAt) / 1000;
    return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), messagesPerSecond: (BURST * clients) / seconds };
  } finally {
    await pool.close();
    await target.close();
  }
}

async function floorTarget(): Promise<Target> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const base = await listen(server);
  return {
    urls: [base],
    publish(id) {
      // The best a plain server can do: encode once, send the same bytes to everyone.
      const frame = Buffer.from(JSON.stringify({ type: "change", channel: "bench", seq: id, change: { type: "updated", collection: "tasks", id: String(id), attrs: { id: String(id), title: "bench" } } }));
      for (const client of wss.clients) client.send(frame, { binary: false });
    },
    close: () => new Promise<void>((resolve) => wss.close(() => server.close(() => resolve()))),
  };
}

async function oneProcessTarget(): Promise<Target> {
  const server = http.createServer();
  const live = createLiveServer({ server, authenticate: () => ["bench"], heartbeatMs: 0 });
  await live.ready;
  const url = `${await listen(server)}/live`;
  return {
    urls: [url],
    auth: { type: "auth", token: "bench", channels: ["bench"] },
    async publish(id) {
      await live.hub.publish("bench", { type: "updated", collection: "tasks", id: String(id), attrs: { id: String(id), title: "bench" } });
    },
    async close() {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Two atmos2-server processes (the CLI) sharing Redis; changes come in by POST /update. */
async function twoProcessTarget(redisUrl: string): Promise<Target> {
  const env = { REDIS_URL: redisUrl, ATMOS_SECRET: "bench-secret", ATMOS_TOKENS: "bench:bench" };
  const servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  return {
    urls: servers.map((s) => s.wsUrl),
    auth: { type: "auth", token: "bench", channels: ["bench"] },
    async publish(id) {
      const res = await fetch(`${servers[0].url}/update`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Atmos-Secret": "bench-secret" },
        body: JSON.stringify({ channel: "bench", changes: [{ type: "updated", collection: "tasks", id: String(id), attrs: { id: String(id), title: "bench" } }] }),
      });
      if (res.status !== 202) throw new Error(`POST /update answered ${res.status}`);
    },
    async close() {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

/** Runs every contender and returns the figures (the bench runner calls this). */
export async function runLiveBench(options: { clients?: number; rounds?: number } = {}): Promise<LiveBenchResult> {
  const clients = options.clients ?? 1000;
  const rounds = options.rounds ?? 30;
  const floor = await measure("ws broadcast", await floorTarget(), clients, rounds);
  const oneProcess = await measure("atmos2 (1 process)", await oneProcessTarget(), clients, rounds);
  let twoProcesses: FanoutStats | undefined;
  let twoProcessesError: string | undefined;
  let redis;
  try {
    redis = await startRedis();
    twoProcesses = await measure("atmos2 (2 processes over Redis)", await twoProcessTarget(redis.url), clients, rounds);
  } catch (error) {
    twoProcessesError = (error as Error).message;
  } finally {
    await redis?.stop();
  }
  return { clients, rounds, floor, oneProcess, twoProcesses, twoProcessesError };
}

function printTable(result: LiveBenchResult): void {
  const rows: Array<[string, FanoutStats | undefined]> = [
    ["ws broadcast loop (floor)", result.floor],
    ["atmos2-server, 1 process", result.oneProcess],
    ["atmos2-server, 2 procs+Redis", result.twoProcesses],
  ];
  const f = (n: number) => n.toFixed(1);
  console.log(`\nFan-out of one change to ${result.clients} WebSocket clients (${result.rounds} rounds; burst of ${BURST})\n`);
  console.log("| contender                    | p50 ms | p99 ms | msgs/s   | p50 × floor | p99 × floor | msgs/s ÷ floor |");
  console.log("|------------------------------|--------|--------|----------|-------------|-------------|----------------|");
  for (const [name, s] of rows) {
    if (!s) {
      console.log(`| ${name.padEnd(28)} | n/a: ${result.twoProcessesError ?? "not run"}`);
      continue;
    }
    console.log(
      `| ${name.padEnd(28)} | ${f(s.p50Ms).padStart(6)} | ${f(s.p99Ms).padStart(6)} | ${Math.round(s.messagesPerSecond).toString().padStart(8)} | ` +
      `${(s.p50Ms / result.floor.p50Ms).toFixed(2).padStart(11)} | ${(s.p99Ms / result.floor.p99Ms).toFixed(2).padStart(11)} | ` +
      `${(s.messagesPerSecond / result.floor.messagesPerSecond).toFixed(2).padStart(14)} |`,
    );
  }
  const goal = (s?: FanoutStats) => (s ? (s.p50Ms <= 50 && s.p99Ms <= 200 ? "met" : "MISSED") : "n/a");
  console.log(`\nGoal p50 ≤ 50 ms, p99 ≤ 200 ms: 1 process ${goal(result.oneProcess)}, 2 over Redis ${goal(result.twoProcesses)}`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const quick = args.includes("--quick");
  runLiveBench({ clients: value("--clients") ?? (quick ? 200 : 1000), rounds: value("--rounds") ?? (quick ? 10 : 30) })
    .then((result) => {
      printTable(result);
      process.exit(0);
    })
    .catch((error: Error) => {
      console.error(`fanout bench failed: ${error.message}`);
      process.exit(1);
    });
}
