import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface ServerProcess {
  url: string;
  wsUrl: string;
  output(): string;
  stop(): Promise<void>;
}

const BIN = path.resolve(__dirname, "../../../bin/atmos2-server.js");

/** Runs `atmos2-server` (bin/atmos2-server.js) as a child process on a free port. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN], {
    env: { ...process.env, PORT: "0", ATMOS_QUIET: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on http:\/\/localhost:(\d+)/.exec(output);
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
