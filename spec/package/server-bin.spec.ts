import path from "node:path";
import { expect } from "chai";
import WebSocket from "ws";
import { consumerProject, type ConsumerProject } from "./support/consumer-project";
import { startInstalledServer, type InstalledServer } from "./support/installed-server";

/** The first message the server sends on a socket that sent `auth`. */
function authenticate(url: string, token: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => ws.send(JSON.stringify({ type: "auth", token })));
    ws.once("message", (data) => {
      resolve(JSON.parse(data.toString()) as Record<string, unknown>);
      ws.close();
    });
    ws.once("error", reject);
  });
}

describe("the atmos2-server bin of the installed package", function () {
  this.timeout(600_000);
  let app: ConsumerProject;
  let bin: string;

  before(async () => {
    app = await consumerProject();
    bin = path.join(app.dir, "node_modules", ".bin", "atmos2-server");
  });

  it("lists every setting it reads on --help and exits 0", async () => {
    const result = await app.run(bin, ["--help"]);
    expect(result.code).to.equal(0);
    for (const name of ["HOST", "PORT", "ATMOS_TOKENS", "ATMOS_SECRET", "REDIS_URL", "ATMOS_QUIET"]) {
      expect(result.stdout).to.match(new RegExp(`^\\s+${name}\\s`, "m"));
    }
  });

  it("refuses a bad PORT with one line naming it, and a non-zero exit", async () => {
    const result = await app.run(bin, [], { env: { PORT: "abc" } });
    expect(result.code).to.not.equal(0);
    expect(result.stdout).to.equal("");
    expect(result.stderr.trim().split("\n")).to.deep.equal(['[atmos2-server] PORT must be a whole number from 0 to 65535 (got "abc")']);
  });

  it("names the optional package to install when REDIS_URL needs it, in one line", async () => {
    const result = await app.run(bin, [], { env: { PORT: "0", REDIS_URL: "redis://127.0.0.1:6379" } });
    expect(result.code).to.not.equal(0);
    expect(result.stderr.trim().split("\n")).to.deep.equal([
      '[atmos2-server] redisUrl (REDIS_URL) is set but the optional package "redis" is not installed; run npm install redis',
    ]);
  });

  describe("started with PORT=0", () => {
    let server: InstalledServer;

    before(async () => {
      server = await startInstalledServer(app, { ATMOS_TOKENS: "reader-token:tasks", ATMOS_SECRET: "backend-secret" });
    });

    after(async () => {
      await server?.stop();
    });

    it("prints the address it actually bound", () => {
      expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.url).to.not.match(/:0$/);
    });

    it("answers /health", async () => {
      const res = await fetch(`${server.url}/health`);
      expect(res.status).to.equal(200);
      // No socket yet, and no channel written to: nothing held.
      expect(await res.json()).to.deep.equal({ ok: true, connections: 0, trackedChannels: 0 });
    });

    it("accepts a WebSocket auth with a listed token, and refuses another one", async () => {
      const wsUrl = `${server.url.replace(/^http/, "ws")}/live`;
      const ready = await authenticate(wsUrl, "reader-token");
      expect(ready).to.deep.include({ type: "ready", channels: ["tasks"], seq: { tasks: 0 } });
      expect(await authenticate(wsUrl, "someone-else")).to.include({ type: "error" });
    });
  });
});
