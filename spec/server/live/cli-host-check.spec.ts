import { expect } from "chai";
import * as http from "http";
import { cliFixture, SECRET, TOKEN } from "./support/cli-fixture";

/** The status atmos2-server answers a request naming `host` (a WebSocket upgrade when `upgrade`). */
function statusFor(url: string, path: string, host: string, options: { method?: string; headers?: Record<string, string>; body?: string; upgrade?: boolean } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const upgrade = options.upgrade ? { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" } : {};
    const req = http.request(`${url}${path}`, { method: options.method ?? "GET", headers: { ...upgrade, ...options.headers, Host: host } });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode!);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/**
 * Found by a fourth attack review: atmos2-server answered any Host. A page
 * of another site whose name is made to point at 127.0.0.1 (DNS rebinding)
 * is the same origin as the server to the browser: it read /health, sent
 * X-Atmos-Secret without any CORS check (the README's short loopback secret
 * could be guessed at 100 a minute, then forged changes published) and
 * spent the backend's budget of wrong secrets.
 */
describe("atmos2-server: a request naming a host the server is not (DNS rebinding)", () => {
  const { serve, auth } = cliFixture();
  const publish = (url: string, host: string) =>
    statusFor(url, "/update", host, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Atmos-Secret": SECRET },
      body: JSON.stringify({ channel: "c", changes: [{ type: "updated", collection: "tasks", id: "1", attrs: { id: "1" } }] }),
    });

  it("is answered 421 on a loopback HOST: /health, POST /update and /live alike", async () => {
    const url = await serve();
    const port = new URL(url).port;
    const rebound = `rebind.evil.example:${port}`;
    expect(await statusFor(url, "/health", rebound)).to.equal(421);
    expect(await publish(url, rebound), "nothing published").to.equal(421);
    expect(await statusFor(url, "/live", rebound, { upgrade: true })).to.equal(421);
  });

  it("answers the loopback names, and those of ATMOS_HOSTS", async () => {
    const url = await serve({ ATMOS_HOSTS: "live.example.com" });
    const port = new URL(url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`, "live.example.com", `live.example.com:${port}`]) {
      expect(await statusFor(url, "/health", host), host).to.equal(200);
    }
    expect(await publish(url, `localhost:${port}`)).to.equal(202);
    expect(await statusFor(url, "/live", `127.0.0.1:${port}`, { upgrade: true })).to.equal(101);
    expect(await auth(url, TOKEN)).to.equal("ready");
    expect(await statusFor(url, "/health", `other.example.com:${port}`)).to.equal(421);
  });

  it("refuses an ATMOS_HOSTS entry that is no host name, naming it", async () => {
    let error: Error | undefined;
    await serve({ ATMOS_HOSTS: "https://live.example.com/" }).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/ATMOS_HOSTS: "https:\/\/live\.example\.com\/" is not a host name.*live\.example\.com/);
  });
});

/**
 * Found by the same review: pages on five subdomains of another site spent
 * the whole address's budget of wrong tokens, and every client behind that
 * address (one NAT) that had not signed in from there before got 1013 for
 * the rest of the minute. A page of another site always names its origin;
 * a client that names none (a Node app, a backend) counts on its own. With
 * ATMOS_ORIGINS, other sites' pages are refused before their tokens count.
 */
describe("atmos2-server: pages of another site spending an address's wrong tokens", () => {
  const { serve, auth } = cliFixture();
  const spend = async (url: string) => {
    for (let i = 0; i < 15; i++) expect(await auth(url, `guess-${i}`, { Origin: `https://s${Math.floor(i / 3)}.evil.example` }), `guess ${i}`).to.equal(4401);
    expect(await auth(url, TOKEN, { Origin: "https://s5.evil.example" }), "a sixth page of the other site").to.equal(1013);
  };

  it("do not lock out a first sign-in from a client that names no origin", async () => {
    const url = await serve({ ATMOS_MAX_AUTH_FAILURES: "3" });
    await spend(url);
    expect(await auth(url, TOKEN)).to.equal("ready");
  });

  it("cannot spend it when ATMOS_ORIGINS names the app's pages", async () => {
    const app = "http://localhost:8080";
    const url = await serve({ ATMOS_MAX_AUTH_FAILURES: "3", ATMOS_ORIGINS: app });
    for (let i = 0; i < 15; i++) {
      const refused = await auth(url, `guess-${i}`, { Origin: `https://s${Math.floor(i / 3)}.evil.example` }).catch((error: Error) => error.message);
      expect(refused, "refused at the upgrade").to.match(/403/);
    }
    expect(await auth(url, TOKEN, { Origin: app })).to.equal("ready");
  });
});
