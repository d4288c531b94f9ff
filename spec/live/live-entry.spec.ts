import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Atmos } from "../../lib";
import { LiveClient } from "../../lib/live";
import { MemoryStorage } from "../fakes/memory-storage";
import { startLive, type LiveFixture } from "./support/live-fixture";

const root = path.resolve(__dirname, "../..");

/** Runs a CommonJS script (TypeScript sources through tsx) in a directory where `ws` cannot be found. */
function runIsolated(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-no-ws-"));
  const file = path.join(dir, "main.cjs");
  fs.writeFileSync(file, script);
  return new Promise((resolve) => {
    execFile(process.execPath, ["-r", require.resolve("tsx/cjs"), file], { cwd: dir, timeout: 20000 }, (error, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code: error ? (error.code as number | null) ?? 1 : 0, stdout, stderr });
    });
  });
}

describe('the "atmos2/live" entry', () => {
  let atmos: Atmos | undefined;
  afterEach(() => {
    atmos?.close();
    atmos = undefined;
  });

  it('makes atmos.live throw an error naming import "atmos2/live" when it was not loaded', () => {
    const installed = Atmos.LiveClient;
    Atmos.LiveClient = undefined;
    try {
      atmos = new Atmos({ storage: new MemoryStorage() });
      expect(() => atmos!.live).to.throw('import "atmos2/live"');
      expect(() => atmos!.live).to.throw("dist/atmos2-live.js");
    } finally {
      Atmos.LiveClient = installed;
    }
  });

  it("gives every Atmos instance one live client of its own, made on first use", () => {
    expect(Atmos.LiveClient).to.equal(LiveClient);
    atmos = new Atmos({ storage: new MemoryStorage() });
    const other = new Atmos({ storage: new MemoryStorage() });
    try {
      expect(atmos.live).to.be.an.instanceOf(LiveClient);
      expect(atmos.live).to.equal(atmos.live);
      expect(other.live).to.not.equal(atmos.live);
    } finally {
      other.close();
    }
  });

  describe("with a live server", () => {
    let fixture: LiveFixture;
    beforeEach(async () => {
      fixture = await startLive({ authenticate: (token) => (token === "good" ? ["user:me"] : null) });
    });
    afterEach(() => fixture.close());

    it("connects through atmos.live, emits live:connected on atmos, and atmos.close() disconnects it", async () => {
      atmos = new Atmos({ storage: new MemoryStorage() });
      const seen: string[][] = [];
      atmos.on("live:connected", ({ channels }) => seen.push(channels));
      await atmos.live.connect(fixture.wsUrl, { token: "good" });
      expect(atmos.live.connected).to.equal(true);
      expect(seen).to.deep.equal([["user:me"]]);
      const live = atmos.live;
      atmos.close();
      atmos = undefined;
      expect(live.connected).to.equal(false);
    });
  });

  it("rejects connect() in Node without any WebSocket, naming new Atmos({ WebSocket }), and the process goes on", async function () {
    this.timeout(30000);
    const lib = JSON.stringify(path.join(root, "lib/index.ts"));
    const live = JSON.stringify(path.join(root, "lib/live/index.ts"));
    const storage = JSON.stringify(path.join(root, "spec/fakes/memory-storage.ts"));
    const result = await runIsolated(`
      delete globalThis.WebSocket;
      process.on("unhandledRejection", (error) => { console.log("UNHANDLED " + error.message); process.exit(3); });
      const { Atmos } = require(${lib});
      require(${live});
      const { MemoryStorage } = require(${storage});
      const atmos = new Atmos({ storage: new MemoryStorage() });
      atmos.live.connect("ws://127.0.0.1:9/live", { token: "t" }).then(
        () => console.log("RESOLVED"),
        (error) => console.log("REJECTED " + error.message),
      );
      setTimeout(() => { atmos.close(); console.log("STILL RUNNING"); }, 300);
    `);
    expect(result.stderr).to.equal("");
    expect(result.stdout).to.contain("REJECTED atmos.live: no WebSocket here");
    expect(result.stdout).to.contain("new Atmos({ WebSocket })");
    expect(result.stdout).to.contain("STILL RUNNING");
    expect(result.code).to.equal(0);
  });
});
