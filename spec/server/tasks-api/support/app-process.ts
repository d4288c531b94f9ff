import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../../../..");
const START = path.join(ROOT, "example/server/start.ts");

/** `npm start`'s server running as a process of its own. */
export interface AppProcess {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** The process the spec started: the server itself, or the shell running `command`. */
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM, then waits for it to exit (and, for a command, kills whatever of it is left). */
  stop(): Promise<void>;
}

/**
 * Starts `npm start`'s server on a free port (PORT=0) and resolves once it
 * prints its Listening line: its entry through tsx, or, given `command`, that
 * command line run by `sh -c` in the project folder with node_modules/.bin on
 * PATH, the way npm runs a script. A command runs in a process group of its
 * own, so nothing it started outlives the spec.
 */
export function startAppProcess(env: Record<string, string>, command?: string): Promise<AppProcess> {
  const stdio: StdioOptions = ["ignore", "pipe", "pipe"];
  const child: ChildProcess = command
    ? spawn("sh", ["-c", command], {
        cwd: ROOT,
        env: { ...process.env, PATH: `${path.join(ROOT, "node_modules/.bin")}${path.delimiter}${process.env.PATH}`, PORT: "0", ...env },
        stdio,
        detached: true,
      })
    : spawn(process.execPath, ["--import", "tsx", START], { env: { ...process.env, PORT: "0", ...env }, stdio });
  const leftovers = () => {
    if (!command) return;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // The group is gone already.
    }
  };
  let output = "";
  let listening = false;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on http:\/\/localhost:(\d+)/.exec(output);
      if (!match || listening) return;
      listening = true;
      const port = Number(match[1]);
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        child,
        output: () => output,
        stop: () =>
          new Promise<void>((done) => {
            const finish = () => (leftovers(), done());
            if (child.exitCode !== null || child.signalCode !== null) return finish();
            child.once("exit", finish);
            child.kill("SIGTERM");
          }),
      });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      if (listening) return;
      leftovers();
      reject(new Error(`the app server exited (${code}) before listening:\n${output}`));
    });
  });
}
