import { spawn } from "child_process";
import * as path from "path";

export interface ScriptResult {
  /** Exit code (null when killed). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from start to exit. */
  ms: number;
}

/**
 * Runs a CommonJS script in a Node process of its own (TypeScript sources
 * load through tsx; `require("./lib")` is the library), from the repository
 * root, and resolves when it exits. For what only a whole process shows:
 * whether it exits, and when. Killed after `timeoutMs`.
 */
export function runNodeScript(script: string, options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ScriptResult> {
  const root = path.resolve(__dirname, "../..");
  const started = Date.now();
  const child = spawn(process.execPath, ["--require", "tsx/cjs", "-e", script], {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill(), options.timeoutMs ?? 15000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
