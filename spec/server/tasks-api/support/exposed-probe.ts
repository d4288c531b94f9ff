/**
 * Run inside an empty network namespace (`unshare -n`, see exposed-server.spec.ts)
 * where 10.77.0.1 is this machine's only non-loopback address: starts
 * `npm start`'s main() with the environment given as JSON in argv[2], looks
 * at it as a neighbour on the network would and at the address it printed,
 * and prints what it saw as one JSON line. The spec makes the assertions.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../../example/server/start";

const NEIGHBOUR_VIEW = "10.77.0.1";

async function probe(): Promise<void> {
  const env = JSON.parse(process.argv[2]) as Record<string, string>;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-exposed-"));
  const lines: string[] = [];
  const started = await main({ PORT: "0", DATA_DIR: dataDir, ...env }, (line) => lines.push(line));
  try {
    const origin = `http://${NEIGHBOUR_VIEW}:${started.app.port}`;
    const get = async (target: string, headers: Record<string, string> = {}, from = origin) => {
      const res = await fetch(`${from}${target}`, { headers });
      return { status: res.status, body: await res.text() };
    };
    const printed = lines.map((line) => /^Listening on (\S+)$/.exec(line)?.[1]).find(Boolean);
    const token = env.TASKS_TOKEN ?? env.TASKS_USERS?.split(",")[0].split(":")[1];
    const report = {
      lines,
      address: started.app.server.address(),
      config: await get("/app-config.json"),
      listsWithoutToken: (await get("/tasks/v1/users/@me/lists")).status,
      listsWithToken: (await get("/tasks/v1/users/@me/lists", { Authorization: `Bearer ${token}` })).status,
      atPrinted: printed === undefined ? undefined : (await get("/app-config.json", {}, printed)).status,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await started.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

probe().catch((err: Error) => {
  process.stdout.write(`${JSON.stringify({ error: err.message })}\n`);
  process.exitCode = 1;
});
