import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { listen, shutdown } from "./listen";

const root = path.resolve(__dirname, "../..");

/** The README's json-server middleware, as a user copies it. */
function readmeMiddleware(): string {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const block = /```js\n(\/\/ idempotency\.cjs[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error("README.md has no ```js block starting with // idempotency.cjs");
  return block[1];
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  const url = await listen(probe);
  await shutdown(probe);
  return Number(new URL(url).port);
}

export type JsonServer = { url: string; rows: () => Promise<any[]>; restart: () => Promise<void>; stop: () => Promise<void> };

/** json-server 0.17's own CLI on `db.json` in a temp dir, with the README's command line. */
export async function startJsonServer(middleware: boolean, options: { fillerRows?: number } = {}): Promise<JsonServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-json-server-"));
  // Rows of another collection make each write of db.json slow (a big database on a slow disk).
  const filler = Array.from({ length: options.fillerRows ?? 0 }, (_, id) => ({ id, text: "filler ".repeat(20) }));
  fs.writeFileSync(path.join(dir, "db.json"), JSON.stringify({ todos: [], ...(filler.length ? { filler } : {}) }));
  fs.writeFileSync(path.join(dir, "idempotency.cjs"), readmeMiddleware());
  const port = await freePort();
  const args = [path.join(root, "node_modules/json-server/lib/cli/bin.js"), "db.json", "--port", String(port), "--quiet"];
  if (middleware) args.push("--middlewares", "idempotency.cjs");
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  const start = async () => {
    child = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        if ((await fetch(`${url}/todos`)).ok) break;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`json-server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const kill = async () => {
    child.kill();
    await new Promise((resolve) => child.once("exit", resolve));
  };
  await start();
  return {
    url,
    // As json-server holds them (it writes db.json after it answers).
    rows: async () => (await fetch(`${url}/todos`)).json(),
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

