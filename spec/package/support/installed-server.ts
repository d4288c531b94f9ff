import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { ConsumerProject } from "./consumer-project";

export interface InstalledServer {
  /** The origin the server printed as bound, e.g. http://127.0.0.1:54321. */
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `atmos2-server` from the consumer project's node_modules/.bin, as a
 * user's `npx atmos2-server` would, with PORT=0, and waits for the address it
 * prints. Plain node, no loaders: only the package's runtime dependencies.
 */
export function startInstalledServer(app: ConsumerProject, env: Record<string, string>): Promise<InstalledServer> {
  const bin = path.join(app.dir, "node_modules", ".bin", "atmos2-server");
  const { NODE_OPTIONS: _loaders, ...inherited } = process.env;
  const child: ChildProcess = spawn(bin, [], {
    cwd: app.dir,
    env: { ...inherited, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`atmos2-server printed no address within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        output: () => output,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
      });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`atmos2-server exited (${code}) before listening:\n${output}`));
    });
  });
}
