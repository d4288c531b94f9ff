import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { trackChild } from "./child-registry";
import { liveHeapBytes } from "./heap-probe";

/** A server the fan-out bench runs in a process of its own. */
export interface ChildServer {
  url: string;
  wsUrl: string;
  pid: number;
  /** Resident memory of the process now, in bytes (Linux /proc; NaN elsewhere). */
  rssBytes(): number;
  /** Its live heap after a full collection, in bytes (see heap-probe.ts). */
  heapBytes(): Promise<number>;
  stop(): Promise<void>;
}

const STARTUP_MS = 30_000;

/**
 * Starts `node <script>` on a free port and waits for its
 * "Listening on http://HOST:PORT" line (the line atmos2-server and the
 * Redis floor both print). `BENCH_CPU_PROF=dir` in the bench's environment
 * profiles every server process into that directory (node --cpu-prof): the
 * profile is written when the process exits on SIGTERM.
 */
export async function startChildServer(script: string, env: Record<string, string>, options: { wsPath?: string; typescript?: boolean } = {}): Promise<ChildServer> {
  const profileDir = process.env.BENCH_CPU_PROF;
  const nodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  // TypeScript sources run through tsx, so the bench measures the code as it stands, with no build.
  if (options.typescript) nodeArgs.push("--require", "tsx/cjs");
  // The inspector, on a free loopback port, only so heapBytes() can ask for a GC and the heap size.
  nodeArgs.push("--inspect=127.0.0.1:0");
  const child: ChildProcess = trackChild(spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, PORT: "0", ATMOS_QUIET: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  }));
  let output = "";
  let inspectorUrl: string | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} printed no "Listening on" line within ${STARTUP_MS / 1000} s:\n${output}`)), STARTUP_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
      const match = /Listening on http:\/\/[^\s:/]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}${options.wsPath ?? ""}`,
    pid: child.pid!,
    rssBytes() {
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : NaN;
      } catch {
        return NaN;
      }
    },
    async heapBytes() {
      if (!inspectorUrl) throw new Error(`${script}: no inspector address in its output:\n${output}`);
      return liveHeapBytes(inspectorUrl);
    },
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      // A profiled process takes a moment to write its profile; past 10 s it is killed.
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    }),
  };
}
