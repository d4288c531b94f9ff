import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import WebSocket from "ws";
import { startAppServer, type AppServer } from "../../../example/server/app-server";
import { hostAllowList } from "../../../example/server/exposure";
import { main } from "../../../example/server/start";
import { rawExchange, requestWithHost } from "../../servers/raw-http";

/** Behind a proxy the server is exposed: it starts only with a strong token. */
const STRONG = "a-long-enough-token-123";

/**
 * Issue 13, item 1: a request that names a host other than the server's own
 * (a page on another site whose name was re-pointed at this machine, i.e.
 * DNS rebinding) gets 421 and nothing else.
 */
describe("example server: Host check", () => {
  let tmp: string;
  let app: AppServer | undefined;
  let stop: (() => Promise<void>) | undefined;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-host-"));
  });
  afterEach(async () => {
    await app?.close();
    await stop?.();
    app = undefined;
    stop = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const start = async (extra: Partial<Parameters<typeof startAppServer>[0]> = {}) =>
    (app = await startAppServer({ port: 0, dataDir: tmp, token: "t0k", staticDir: path.join(tmp, "none"), log: () => {}, ...extra }));

  it("listens on 127.0.0.1 by default and says so in its URL", async () => {
    await start();
    expect(app!.server.address()).to.include({ address: "127.0.0.1" });
    expect(app!.url).to.equal(`http://localhost:${app!.port}`);
  });

  it("answers a rebound name with 421, neither the token nor any data", async () => {
    await start();
    const url = `http://127.0.0.1:${app!.port}`;
    for (const target of ["/app-config.json", "/", "/tasks/v1/users/@me/lists"]) {
      const answer = await requestWithHost(`${url}${target}`, `attacker.example:${app!.port}`, { headers: { Authorization: "Bearer t0k" } });
      expect(answer.status, target).to.equal(421);
      expect(answer.body, target).not.to.contain("t0k");
      expect(answer.body, target).to.contain("PUBLIC_URL");
      // Found by an attack review: it said "e.g. http://localhost:3000" whatever the port.
      expect(answer.body, target).to.contain(`Open it at http://localhost:${app!.port}`);
    }
  });

  it("answers its loopback names, with or without a port", async () => {
    await start();
    const url = `http://127.0.0.1:${app!.port}/app-config.json`;
    for (const host of [`localhost:${app!.port}`, `127.0.0.1:${app!.port}`, `[::1]:${app!.port}`, "localhost", "LOCALHOST.", `tasks.localhost:${app!.port}`, `127.0.0.2:${app!.port}`]) {
      expect((await requestWithHost(url, host)).status, host).to.equal(200);
    }
  });

  it("bound to every interface, answers the very address it was told to bind (the one it prints) and still no other name", () => {
    // A rebinding page sends its own name as Host, never 0.0.0.0 or [::].
    const cases: Array<[string, string, boolean]> = [
      ["0.0.0.0", "0.0.0.0:3000", true],
      ["0.0.0.0", "0.0.0.0", true],
      ["::", "[::]:3000", true],
      ["::", "[::]", true],
      ["127.0.0.1", "0.0.0.0:3000", false],
      ["127.0.0.1", "[::]:3000", false],
      ["192.0.2.10", "0.0.0.0:3000", false],
      ["0.0.0.0", "[::]:3000", false],
      ["0.0.0.0", "attacker.example:3000", false],
      ["::", "attacker.example:3000", false],
    ];
    for (const [bound, host, answered] of cases) expect(hostAllowList(bound, undefined)(host), `HOST=${bound}, Host: ${host}`).to.equal(answered);
  });

  // Found by an outside attack: a loopback server (the one that hands its
  // token to the page) answered this machine's own name, and any device on
  // the network can answer `<name>.local` (mDNS): a page there, rebinding the
  // name to 127.0.0.1, got the token. A loopback server is reached by
  // loopback names only; bound to the network, the machine's names work.
  it("answers the machine's own names only when bound to the network, never on a loopback HOST", () => {
    const machine = os.hostname().toLowerCase();
    for (const name of [machine, `${machine}.local`]) {
      expect(hostAllowList("127.0.0.1", undefined)(`${name}:3000`), `HOST=127.0.0.1, Host: ${name}`).to.equal(false);
      expect(hostAllowList("::1", undefined)(`${name}:3000`), `HOST=::1, Host: ${name}`).to.equal(false);
      expect(hostAllowList("0.0.0.0", undefined)(`${name}:3000`), `HOST=0.0.0.0, Host: ${name}`).to.equal(true);
    }
  });

  it("refuses hosts that are not a plain name or address, since the Host goes into the page's CSP", async () => {
    await start();
    const url = `http://127.0.0.1:${app!.port}/`;
    for (const host of ["a;script-src *.localhost", "x y.localhost", "localhost:3000:1", "user@localhost"]) {
      expect((await requestWithHost(url, host)).status, JSON.stringify(host)).to.equal(421);
    }
    // HTTP/1.0 may leave Host out: that names no host of this server either.
    expect((await rawExchange(app!.port, "GET /app-config.json HTTP/1.0")).status).to.equal(421);
  });

  it("answers the host of PUBLIC_URL, and only when it is set", async () => {
    await start();
    const url = `http://127.0.0.1:${app!.port}/app-config.json`;
    expect((await requestWithHost(url, "tasks.example.org")).status).to.equal(421);
    await app!.close();
    await start({ publicUrl: "https://tasks.example.org", token: STRONG });
    expect((await requestWithHost(`http://127.0.0.1:${app!.port}/app-config.json`, "tasks.example.org")).status).to.equal(200);
    expect((await requestWithHost(`http://127.0.0.1:${app!.port}/app-config.json`, "other.example.org")).status).to.equal(421);
  });

  it("checks X-Forwarded-Host as well, when it trusts a proxy", async () => {
    await start({ trustProxy: true, publicUrl: "https://tasks.example.org", token: STRONG });
    const url = `http://127.0.0.1:${app!.port}/app-config.json`;
    expect((await requestWithHost(url, "localhost", { headers: { "X-Forwarded-Host": "attacker.example" } })).status).to.equal(421);
    expect((await requestWithHost(url, "localhost", { headers: { "X-Forwarded-Host": "tasks.example.org" } })).status).to.equal(200);
    await app!.close();
    await start();
    // Without trustProxy the header means nothing.
    expect((await requestWithHost(`http://127.0.0.1:${app!.port}/app-config.json`, "localhost", { headers: { "X-Forwarded-Host": "attacker.example" } })).status).to.equal(200);
  });

  it("refuses a /live WebSocket under a rebound name with 421, and takes it under its own", async () => {
    const started = await main({ PORT: "0", TASKS_TOKEN: "secret", DATA_DIR: tmp }, () => {});
    stop = started.stop;
    const port = started.app.port;
    const status = await new Promise<number | "open">((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/live`, { headers: { Host: `attacker.example:${port}` } });
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("open", () => resolve("open"));
      ws.once("error", reject);
    });
    expect(status).to.equal(421);
    const own = new WebSocket(`ws://127.0.0.1:${port}/live`);
    await new Promise((resolve, reject) => {
      own.once("open", resolve);
      own.once("error", reject);
    });
    own.close();
  });
});
