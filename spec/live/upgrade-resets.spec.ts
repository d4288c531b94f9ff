import { expect } from "chai";
import * as fs from "node:fs";
import net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { startAppServer, type AppServer } from "../../example/server/app-server";
import { startLive, type LiveFixture } from "./support/live-fixture";

/**
 * An upgrade a server answers itself without a WebSocket (a path that is
 * not /live), from a client that resets the connection at once. Its TCP
 * socket had no `error` listener, so the reset was an uncaught ECONNRESET: a
 * crash of the whole server process, met first as a flaky spec by a client
 * retrying a wrong URL. (The live server's 429/503 answers end their socket
 * the same way, through refuseUpgrade; a reset there did not crash it even
 * before, so no case here claims to show it.)
 */
const upgradeRequest = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

describe("an upgrade a server answers without a WebSocket (live server, example server), from a client that resets the connection", () => {
  let fixture: LiveFixture | undefined;
  let app: AppServer | undefined;
  const uncaught: Error[] = [];
  const onUncaught = (error: Error) => uncaught.push(error);
  let mochaHandlers: NodeJS.UncaughtExceptionListener[] = [];

  beforeEach(async () => {
    uncaught.length = 0;
    // Caught here, not by mocha: the spec says what happened instead of failing some other test.
    mochaHandlers = process.listeners("uncaughtException");
    process.removeAllListeners("uncaughtException");
    process.on("uncaughtException", onUncaught);
  });
  afterEach(async () => {
    process.removeListener("uncaughtException", onUncaught);
    for (const handler of mochaHandlers) process.on("uncaughtException", handler);
    await fixture?.close();
    await app?.close();
    app = undefined;
  });

  /** Sends upgrade requests to `path`, each reset by the client right after it is written. */
  async function resetUpgrades(port: number | string, path: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), "127.0.0.1", () => {
          socket.write(upgradeRequest(path));
          setImmediate(() => {
            socket.resetAndDestroy();
            resolve();
          });
        });
        socket.on("error", () => resolve());
      });
    }
    // Let the server read the resets.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  it("keeps running when the path is not the live one", async () => {
    fixture = await startLive();
    await resetUpgrades(new URL(fixture!.url).port, "/nope", 30);
    expect(uncaught.map((e) => e.message)).to.deep.equal([]);
  });

  it("keeps the example's server running when the path has no WebSocket", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-resets-"));
    try {
      app = await startAppServer({ port: 0, dataDir, token: "t0k", staticDir: path.join(dataDir, "none"), log: () => {} });
      await resetUpgrades(app.port, "/nope", 30);
      expect(uncaught.map((e) => e.message)).to.deep.equal([]);
    } finally {
      await app?.close();
      app = undefined;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
