import { expect } from "chai";
import * as fs from "fs";
import net from "node:net";
import * as os from "os";
import * as path from "path";
import { startAppServer, type AppServer } from "../../../example/server/app-server";

/**
 * Found from outside: the example's server kept Node's limits, so a request
 * whose headers came a line at a time was answered 408 only after 63 s, a
 * body sent a byte every 5 s was held for 300 s, and one client holding
 * 20,000 idle connections took every file descriptor (a plain request then
 * failed). Now a request has `requestTimeoutMs` to arrive, and one address
 * holds at most `maxConnectionsPerAddress` connections.
 */
describe("example server: slow and greedy clients", () => {
  let tmp: string;
  let app: AppServer | undefined;
  const sockets: net.Socket[] = [];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-slow-"));
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await app?.close();
    app = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const start = async (extra: Partial<Parameters<typeof startAppServer>[0]> = {}) =>
    (app = await startAppServer({ port: 0, dataDir: tmp, token: "t0k", staticDir: path.join(tmp, "none"), log: () => {}, ...extra }));

  /** Opens a raw connection, writes `head` and then `line` every 200 ms; resolves with what came back when the server closes it, or "still open" after `patienceMs`. */
  function dribble(head: string, line: string, patienceMs: number): Promise<string> {
    const raw = net.connect(app!.port, "127.0.0.1");
    sockets.push(raw);
    let received = "";
    raw.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    raw.on("error", () => undefined);
    raw.write(head);
    const timer = setInterval(() => raw.write(line), 200);
    const closed = new Promise<string>((resolve) => raw.on("close", () => resolve(received)));
    const patience = new Promise<string>((resolve) => setTimeout(() => resolve("still open"), patienceMs));
    return Promise.race([closed, patience]).finally(() => clearInterval(timer));
  }

  it("answers 408 to a request whose headers come a line at a time", async () => {
    await start({ requestTimeoutMs: 1000 });
    const answer = await dribble("GET /app-config.json HTTP/1.1\r\nHost: localhost\r\n", "X-Slow: 1\r\n", 8000);
    expect(answer).to.match(/^HTTP\/1.1 408/);
  });

  it("cuts a request whose body comes a byte at a time", async () => {
    await start({ requestTimeoutMs: 1000 });
    const head = "POST /tasks/v1/users/@me/lists HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t0k\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
    const answer = await dribble(head, " ", 8000);
    expect(answer).to.not.equal("still open");
  });

  it("closes a connection beyond the most one address may hold, and serves again once they go", async () => {
    await start({ maxConnectionsPerAddress: 5 });
    const open = async () => {
      const socket = net.connect(app!.port, "127.0.0.1");
      sockets.push(socket);
      socket.on("error", () => undefined);
      await new Promise((resolve) => socket.on("connect", resolve));
      return socket;
    };
    for (let i = 0; i < 5; i++) await open();
    const extra = await open();
    const cut = await Promise.race([
      new Promise<string>((resolve) => extra.on("close", () => resolve("closed"))),
      new Promise<string>((resolve) => setTimeout(() => resolve("still open"), 3000)),
    ]);
    expect(cut).to.equal("closed");
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const res = await fetch(`http://127.0.0.1:${app!.port}/app-config.json`, { headers: { Host: `localhost:${app!.port}` } });
    expect(res.status).to.be.below(500);
  });
});
