import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface ServerProcess {
  url: string;
  wsUrl: string;
  output(): string;
  stop(): Promise<void>;
}

// The CLI's source through tsx, so these specs need no build; the compiled
// bin itself is proven from the packed package (spec/package).
const CLI = path.resolve(__dirname, "../../../server/live/cli.ts");

/** Runs the `atmos2-server` CLI as a child process on a free port. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--require", "tsx/cjs", CLI], {
    env: { ...process.env, PORT: "0", ATMOS_QUIET: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`atmos2-server exited (${code}) before listening:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/live`,
    output: () => output,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}
