import { expect } from "chai";
import net from "node:net";
import WebSocket from "ws";
import { HELP, start, type RunningServer } from "../../../server/live/cli";
import { TestSocket } from "../../live/support/test-socket";

/** The per-address limits and the request time as atmos2-server's environment sets them. */
describe("atmos2-server: limits settings", () => {
  let running: RunningServer | undefined;
  const opened: TestSocket[] = [];
  afterEach(async () => {
    for (const socket of opened.splice(0)) if (socket.isOpen) socket.ws.terminate();
    await running?.stop();
    running = undefined;
  });
  const TOKEN = "reader-0123456789abcdef";
  const serve = async (env: Record<string, string>) => {
    running = await start({ PORT: "0", ATMOS_TOKENS: `${TOKEN}:*`, ATMOS_QUIET: "1", ...env }, () => undefined);
    return running.url.replace(/^http/, "ws") + "/live";
  };
  const refusal = (env: Record<string, string>) => serve(env).then(() => "started", (error: Error) => error.message);
  const auth = async (url: string, token: string, options?: WebSocket.ClientOptions) => {
    const socket = await TestSocket.open(url, options);
    opened.push(socket);
    socket.send({ type: "auth", token });
    const first = await socket.next();
    return first.type === "ready" ? "ready" : (await socket.closed).code;
  };

  it("lists every new setting in --help", () => {
    for (const name of ["ATMOS_MAX_AUTH_FAILURES", "ATMOS_MAX_UNAUTHENTICATED", "ATMOS_MAX_CONNECTIONS_PER_ADDRESS", "ATMOS_REQUEST_TIMEOUT_MS", "ATMOS_ORIGINS", "ATMOS_TRUST_PROXY"]) {
      expect(HELP).to.match(new RegExp(`^\\s+${name}\\s`, "m"));
    }
  });

  it("refuses auths from an address past ATMOS_MAX_AUTH_FAILURES, and lets other addresses in", async () => {
    const url = await serve({ ATMOS_MAX_AUTH_FAILURES: "2" });
    expect(await auth(url, "guess-1")).to.equal(4401);
    expect(await auth(url, "guess-2")).to.equal(4401);
    expect(await auth(url, TOKEN)).to.equal(1013);
    expect(await auth(url, TOKEN, { localAddress: "127.0.0.2" })).to.equal("ready");
  });

  it("cuts a request whose headers dribble in after ATMOS_REQUEST_TIMEOUT_MS", async () => {
    await serve({ ATMOS_REQUEST_TIMEOUT_MS: "500" });
    const raw = net.connect(Number(new URL(running!.url).port), "127.0.0.1");
    let received = "";
    raw.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    raw.on("error", () => undefined);
    raw.write("GET /health HTTP/1.1\r\n");
    const timer = setInterval(() => raw.write("X-Slow: 1\r\n"), 100);
    const answer = await Promise.race([
      new Promise<string>((resolve) => raw.on("close", () => resolve(received))),
      new Promise<string>((resolve) => setTimeout(() => resolve("still open"), 8000)),
    ]);
    clearInterval(timer);
    raw.destroy();
    expect(answer).to.match(/^HTTP\/1.1 408/);
  });

  // Found by an attacker's review: unfinished request heads were cut after 10 s and
  // simply opened again; with no cap per address they took every file descriptor.
  it("closes one address's connections past ATMOS_MAX_CONNECTIONS_PER_ADDRESS, whatever they send, and serves other addresses", async () => {
    const url = await serve({ ATMOS_MAX_CONNECTIONS_PER_ADDRESS: "3" });
    const port = Number(new URL(running!.url).port);
    const heads: net.Socket[] = [];
    for (let i = 0; i < 3; i++) {
      const raw = net.connect(port, "127.0.0.1");
      raw.on("error", () => undefined);
      await new Promise((resolve) => raw.once("connect", resolve));
      raw.write("GET /health HTTP/1.1\r\nHost: x\r\n");
      heads.push(raw);
    }
    try {
      const fourth = net.connect(port, "127.0.0.1");
      fourth.on("error", () => undefined);
      const closed = await Promise.race([
        new Promise<string>((resolve) => fourth.once("close", () => resolve("closed"))),
        new Promise<string>((resolve) => setTimeout(() => resolve("still open"), 3000)),
      ]);
      fourth.destroy();
      expect(closed, "the fourth connection from 127.0.0.1").to.equal("closed");
      expect(await auth(url, TOKEN, { localAddress: "127.0.0.2" }), "another address").to.equal("ready");
      heads.pop()!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await auth(url, TOKEN), "a place freed").to.equal("ready");
    } finally {
      for (const raw of heads) raw.destroy();
    }
  });

  it("counts clients by X-Forwarded-For with ATMOS_TRUST_PROXY=1", async () => {
    const url = await serve({ ATMOS_TRUST_PROXY: "1", ATMOS_MAX_UNAUTHENTICATED: "1" });
    const first = await TestSocket.open(url, { headers: { "X-Forwarded-For": "10.0.0.1" } });
    const second = await TestSocket.open(url, { headers: { "X-Forwarded-For": "10.0.0.2" } });
    opened.push(first, second);
    expect(first.isOpen && second.isOpen).to.equal(true);
  });

  it("lets a browser's socket in from the ATMOS_ORIGINS only, and refuses an entry that is not an origin", async () => {
    const url = await serve({ ATMOS_ORIGINS: " https://tasks.example , http://localhost:8080" });
    expect(await auth(url, TOKEN, { headers: { origin: "https://tasks.example" } })).to.equal("ready");
    expect(await auth(url, TOKEN), "a client with no Origin").to.equal("ready");
    const refused = await auth(url, TOKEN, { headers: { origin: "https://evil.example" } }).then(String, (error: Error) => error.message);
    expect(refused).to.match(/403/);
    await running!.stop();
    running = undefined;
    expect(await refusal({ ATMOS_ORIGINS: "https://tasks.example/app" })).to.match(/^ATMOS_ORIGINS: "https:\/\/tasks\.example\/app" is not an origin as a browser sends it.*did you mean "https:\/\/tasks\.example"\?\)$/);
  });

  // Found by an attack review: started as --help shows it (ATMOS_TOKENS='t1:user:42'),
  // any web page could open a socket with a short token, and guess one from a list.
  it("lets only pages on this machine in when a token is short (allowed on loopback), unless ATMOS_ORIGINS names others", async () => {
    let lines: string[] = [];
    running = await start({ PORT: "0", ATMOS_TOKENS: "t1:user:42", ATMOS_QUIET: "" }, (line) => lines.push(line));
    const url = running.url.replace(/^http/, "ws") + "/live";
    expect(lines.join("\n")).to.match(/shorter than 16 characters: only pages on this machine .* may open sockets; ATMOS_ORIGINS lets others in/);
    for (const origin of ["http://localhost:8080", "http://127.0.0.1:3000", "https://[::1]"]) expect(await auth(url, "t1", { headers: { origin } }), origin).to.equal("ready");
    expect(await auth(url, "t1"), "a client with no Origin").to.equal("ready");
    const refused = await auth(url, "t1", { headers: { origin: "https://evil.example" } }).then(String, (error: Error) => error.message);
    expect(refused).to.match(/403/);
    await running.stop();
    lines = [];
    running = await start({ PORT: "0", ATMOS_TOKENS: "t1:user:42", ATMOS_ORIGINS: "https://tasks.example" }, (line) => lines.push(line));
    const named = running.url.replace(/^http/, "ws") + "/live";
    expect(await auth(named, "t1", { headers: { origin: "https://tasks.example" } })).to.equal("ready");
    expect(lines.join("\n")).to.not.match(/shorter than 16/);
  });

  it("refuses a malformed limit naming the setting", async () => {
    expect(await refusal({ ATMOS_MAX_AUTH_FAILURES: "many" })).to.equal('ATMOS_MAX_AUTH_FAILURES must be a whole number of at least 0 (got "many")');
    expect(await refusal({ ATMOS_MAX_UNAUTHENTICATED: "0" })).to.equal('ATMOS_MAX_UNAUTHENTICATED must be a whole number of at least 1 (got "0")');
    expect(await refusal({ ATMOS_REQUEST_TIMEOUT_MS: "1.5" })).to.equal('ATMOS_REQUEST_TIMEOUT_MS must be a whole number of at least 1 (got "1.5")');
    expect(await refusal({ ATMOS_TRUST_PROXY: "maybe" })).to.match(/^ATMOS_TRUST_PROXY must be 1, true or yes/);
    expect(await refusal({ ATMOS_MAX_CONNECTIONS_PER_ADDRESS: "-1" })).to.equal('ATMOS_MAX_CONNECTIONS_PER_ADDRESS must be a whole number of at least 0 (got "-1")');
  });

  it("refuses a mistyped setting, naming the one meant (ATMOS_TOKEN started a server that refused every socket)", async () => {
    expect(await refusal({ ATMOS_TOKEN: "a:x" })).to.equal("ATMOS_TOKEN is not a setting of atmos2-server; did you mean ATMOS_TOKENS? (see atmos2-server --help)");
    expect(await refusal({ ATMOS_PORT: "4001" })).to.equal("ATMOS_PORT is not a setting of atmos2-server; did you mean PORT? (see atmos2-server --help)");
    expect(await refusal({ ATMOS_COLOUR: "blue" })).to.equal(
      "ATMOS_COLOUR is not a setting of atmos2-server; its ATMOS_ settings are ATMOS_TOKENS, ATMOS_SECRET, ATMOS_REDIS_KEY_PREFIX, ATMOS_QUIET, ATMOS_MAX_AUTH_FAILURES, ATMOS_MAX_UNAUTHENTICATED, ATMOS_MAX_CONNECTIONS_PER_ADDRESS, ATMOS_REQUEST_TIMEOUT_MS, ATMOS_ORIGINS, ATMOS_HOSTS, ATMOS_TRUST_PROXY (see atmos2-server --help)",
    );
  });

  it("refuses a short ATMOS_SECRET or token behind a proxy (ATMOS_TRUST_PROXY=1), though HOST is loopback", async () => {
    expect(await refusal({ ATMOS_TRUST_PROXY: "1", ATMOS_SECRET: "s3cret" })).to.match(/^ATMOS_SECRET is 6 characters; a server behind a proxy \(ATMOS_TRUST_PROXY=1\) needs at least 16 /);
    expect(await refusal({ ATMOS_TRUST_PROXY: "1", ATMOS_TOKENS: "short:*" })).to.match(/^ATMOS_TOKENS entry 1 has a token of 5 characters; a server behind a proxy/);
  });

  it("counts a short token's characters in plain words", async () => {
    expect(await refusal({ HOST: "0.0.0.0", ATMOS_TOKENS: "a:x" })).to.match(/^ATMOS_TOKENS entry 1 has a token of 1 character; /);
  });
});
