import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { consumerProject, run, type ConsumerProject } from "./support/consumer-project";
import { startInstalledServer, type InstalledServer } from "./support/installed-server";
import { strictLayout } from "./support/strict-layout";

/*
 * atmos.live in Node 20, which has no global WebSocket: the client takes the
 * `ws` package, atmos2's own dependency. It must find it wherever the package
 * manager put it next to atmos2, on every Node the package says it runs on.
 */

type Kind = "cjs" | "mjs";

interface Settled {
  connected?: boolean;
  rejected?: string;
  unhandled?: string;
  stillRunning?: boolean;
}

/**
 * An app's main script, as a file in `dir`: with no global WebSocket (as in
 * Node 20, whatever Node runs the spec), it loads atmos2 and atmos2/live (by
 * require or by import, after `prelude`) and connects atmos.live. Prints how
 * connect() settled, then whether the process was still running afterwards.
 */
function writeApp(dir: string, kind: Kind, wsUrl: string, prelude = ""): string {
  const load =
    kind === "cjs"
      ? `const Atmos = require("atmos2");\nrequire("atmos2/live");`
      : `const { default: Atmos } = await import("atmos2");\nawait import("atmos2/live");`;
  const source = `
${prelude}
delete globalThis.WebSocket;
process.on("unhandledRejection", (error) => { console.log(JSON.stringify({ unhandled: String(error && error.message) })); process.exit(3); });
${load}
const data = new Map();
const storage = {
  getItem: (key) => (data.has(key) ? data.get(key) : null),
  setItem: (key, value) => void data.set(key, String(value)),
  removeItem: (key) => void data.delete(key),
  clear: () => data.clear(),
  key: (i) => [...data.keys()][i] ?? null,
  get length() { return data.size; },
};
const atmos = new Atmos({ storage });
const settled = {};
atmos.live.connect(${JSON.stringify(wsUrl)}, { token: "reader-token" }).then(
  () => { settled.connected = atmos.live.connected; },
  (error) => { settled.rejected = error.message; },
).then(() => {
  atmos.close();
  setTimeout(() => console.log(JSON.stringify({ ...settled, stillRunning: true })), 50);
});
`;
  const file = path.join(dir, `main-${kind}-${fs.readdirSync(dir).length}.${kind}`);
  fs.writeFileSync(file, source);
  return file;
}

/** Runs the app with plain node from its own folder and returns what it printed last. */
async function runApp(file: string): Promise<Settled & { stderr: string }> {
  const result = await run(process.execPath, [file], { cwd: path.dirname(file), timeoutMs: 20_000 });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  let settled: Settled;
  try {
    settled = JSON.parse(last) as Settled;
  } catch {
    throw new Error(`the app printed no result (exit ${result.code}):\n${result.stdout}${result.stderr}`);
  }
  return { ...settled, stderr: result.stderr };
}

describe("atmos.live in Node without a global WebSocket, from the installed package", function () {
  this.timeout(600_000);
  let app: ConsumerProject;
  let server: InstalledServer;
  let wsUrl: string;

  before(async () => {
    app = await consumerProject();
    server = await startInstalledServer(app, { ATMOS_TOKENS: "reader-token:tasks" });
    wsUrl = `${server.url.replace(/^http/, "ws")}/live`;
  });

  after(async () => {
    await server?.stop();
  });

  describe("in a pnpm-style node_modules, where ws is atmos2's dependency and not the app's", () => {
    let dir: string;

    before(() => {
      dir = strictLayout(app, "pnpm-app", { ws: true });
      // What makes the layout strict: ws is found from atmos2's real folder only.
      const atmos2 = fs.realpathSync(path.join(dir, "node_modules", "atmos2"));
      expect(require.resolve("ws", { paths: [atmos2] })).to.contain(path.join(dir, "node_modules", ".pnpm"));
      expect(() => require.resolve("ws", { paths: [dir] })).to.throw(/Cannot find module 'ws'/);
    });

    for (const kind of ["cjs", "mjs"] as const) {
      it(`connects with ${kind === "cjs" ? 'require("atmos2/live")' : 'import("atmos2/live")'}, taking the ws installed next to atmos2`, async () => {
        const settled = await runApp(writeApp(dir, kind, wsUrl));
        expect(settled).to.deep.equal({ connected: true, stillRunning: true, stderr: "" });
      });
    }
  });

  describe("on a Node without process.getBuiltinModule (20.0 to 20.15)", () => {
    let dir: string;

    before(() => {
      dir = path.join(app.dir, "no-get-builtin-module");
      fs.mkdirSync(dir, { recursive: true });
    });

    for (const kind of ["cjs", "mjs"] as const) {
      it(`connects with ${kind === "cjs" ? 'require("atmos2/live")' : 'import("atmos2/live")'}, taking the installed ws`, async () => {
        const settled = await runApp(writeApp(dir, kind, wsUrl, "delete process.getBuiltinModule; // as on Node < 20.16"));
        expect(settled).to.deep.equal({ connected: true, stillRunning: true, stderr: "" });
      });
    }
  });

  describe("where ws is not installed at all", () => {
    let dir: string;

    before(() => {
      dir = strictLayout(app, "no-ws-app", { ws: false });
      expect(() => require.resolve("ws", { paths: [fs.realpathSync(path.join(dir, "node_modules", "atmos2"))] })).to.throw(/Cannot find module 'ws'/);
    });

    for (const kind of ["cjs", "mjs"] as const) {
      it(`rejects connect() (${kind}) naming new Atmos({ WebSocket }) and the ws package, and the process goes on`, async () => {
        const settled = await runApp(writeApp(dir, kind, wsUrl));
        expect(settled.unhandled, "no unhandled rejection").to.equal(undefined);
        expect(settled.rejected).to.contain("atmos.live: no WebSocket here");
        expect(settled.rejected).to.contain("new Atmos({ WebSocket })");
        expect(settled.rejected).to.contain("install the ws package");
        expect(settled).to.deep.include({ stillRunning: true, stderr: "" });
      });
    }
  });
});
