import { ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { trackChild } from "./child-registry";

const SCRIPT = path.join(__dirname, "fanout-clients.js");

type HostMessage = { type: string; id?: string; times?: number[]; message?: string };

/** One event loop holding clients: a worker thread, or a process of its own. */
interface ClientHost {
  post(command: Record<string, unknown>): void;
  onMessage(listener: (message: HostMessage) => void): void;
  stop(): Promise<void>;
}

function workerHost(): ClientHost {
  const worker = new Worker(SCRIPT);
  return {
    post: (command) => worker.postMessage(command),
    onMessage: (listener) => worker.on("message", listener),
    stop: async () => void (await worker.terminate()),
  };
}

function processHost(): ClientHost {
  // Plain JS: no TypeScript loader (execArgv), so it starts fast.
  const child: ChildProcess = trackChild(fork(SCRIPT, [], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  // A command sent after the process died answers nothing; the phase's deadline reports it.
  child.on("error", () => {});
  return {
    post: (command) => {
      if (child.connected) child.send(command);
    },
    onMessage: (listener) => child.on("message", listener),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}

/**
 * The bench's WebSocket clients, spread over `hosts` event loops: one worker
 * thread by default, or `processes` child processes (so 10,000 sockets'
 * receive work is not one thread's). Receipt times are absolute
 * (performance.timeOrigin + now), so they compare across processes.
 */
export class ClientPool {
  private hosts: ClientHost[];
  private arrivals = new Map<string, { left: number; times: number[]; resolve(times: number[]): void }>();
  private answers: Array<(message: HostMessage) => void> = [];

  constructor(options: { processes?: number } = {}) {
    this.hosts = options.processes ? Array.from({ length: options.processes }, processHost) : [workerHost()];
    for (const host of this.hosts) {
      host.onMessage((message) => {
        if (message.type !== "delivered") return this.answers.shift()?.(message);
        const waiting = this.arrivals.get(message.id!);
        if (!waiting) return;
        waiting.times.push(...message.times!);
        if (--waiting.left === 0) {
          this.arrivals.delete(message.id!);
          waiting.resolve(waiting.times);
        }
      });
    }
  }

  /** Sends a command to every host; resolves with their answers. */
  private command(build: (index: number) => Record<string, unknown>): Promise<HostMessage[]> {
    return Promise.all(this.hosts.map((host, index) => new Promise<HostMessage>((resolve) => {
      this.answers.push(resolve);
      host.post(build(index));
    })));
  }

  /**
   * Opens `count` sockets of `group`, round-robin over `urls`, sending `auth`
   * first when given. Changes for this group carry ids "<group>:<n>".
   */
  async connect(group: string, urls: string[], count: number, auth: unknown): Promise<void> {
    const share = (index: number) => Math.floor(count / this.hosts.length) + (index < count % this.hosts.length ? 1 : 0);
    const answers = await this.command((index) => ({ cmd: "connect", group, urls, count: share(index), auth }));
    const failed = answers.find((a) => a.type !== "connected");
    if (failed) throw new Error(`clients could not connect: ${failed.message}`);
  }

  /** Receipt times (absolute ms) of change `id` at every client of its group. */
  delivered(id: string): Promise<number[]> {
    return new Promise((resolve) => this.arrivals.set(id, { left: this.hosts.length, times: [], resolve }));
  }

  async close(): Promise<void> {
    await this.command(() => ({ cmd: "close" }));
    await Promise.all(this.hosts.map((host) => host.stop()));
  }
}
