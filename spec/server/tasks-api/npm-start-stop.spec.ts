import { expect } from "chai";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startAppProcess, type AppProcess } from "./support/app-process";

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8"));

/** Polls `check` until it is true or `ms` have passed; gives its last answer. */
async function within(ms: number, check: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });

const groupGone = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
};

/**
 * `npm start` stopped as a test's `child.kill()`, a process manager or
 * `kill` stops it: npm forwards SIGINT and SIGTERM to the shell running the
 * script, and the server must get it too, not outlive the shell holding PORT
 * and DATA_DIR.
 */
describe("npm start, stopped with a signal", function () {
  this.timeout(30000);
  // The builds take minutes: the start script's own command line, with its
  // build steps done already.
  const serveOnly = String(pkg.scripts.start).replace(/npm run build(:[\w-]+)?/g, "true");
  let app: AppProcess | undefined;
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-npm-start-"));
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`closes the server and leaves no process behind when npm passes on ${signal}`, async () => {
      expect(serveOnly, "a build step this spec does not know how to skip").not.to.contain("npm run");
      app = await startAppProcess({ DATA_DIR: dataDir, TASKS_TOKEN: "stop-token" }, serveOnly);
      const { child, port } = app;
      child.kill(signal);
      expect(await within(5000, () => child.exitCode !== null || child.signalCode !== null), `npm start's script still runs after ${signal}`).to.equal(true);
      expect(await within(5000, () => refused(port)), `port ${port} still answers after ${signal}`).to.equal(true);
      expect(await within(5000, () => groupGone(child.pid!)), "a process of npm start outlived it").to.equal(true);
      expect(app.output(), "the server's own shutdown (database closed)").to.contain(`${signal}: closing`);
    });
  }
});
