import { expect } from "chai";
import { start, type RunningServer } from "../../../server/live/cli";
import { TestSocket } from "../../live/support/test-socket";

/**
 * Found by an attacker's review: atmos2-server put behind a reverse proxy
 * without ATMOS_TRUST_PROXY counted every client as the proxy, so 20 wrong
 * tokens from anyone locked everyone out, and nothing said why. Now the
 * first request carrying X-Forwarded-For has it say so, once.
 */
describe("atmos2-server: X-Forwarded-For without ATMOS_TRUST_PROXY", () => {
  let running: RunningServer | undefined;
  let printed: string[];
  const opened: TestSocket[] = [];
  afterEach(async () => {
    for (const socket of opened.splice(0)) if (socket.isOpen) socket.ws.terminate();
    await running?.stop();
    running = undefined;
  });
  const TOKEN = "reader-0123456789abcdef";
  const SECRET = "backend-secret-0123456789";
  const serve = async (env: Record<string, string> = {}) => {
    printed = [];
    running = await start({ PORT: "0", ATMOS_TOKENS: `${TOKEN}:*`, ATMOS_SECRET: SECRET, ATMOS_QUIET: "1", ...env }, (line) => printed.push(line));
    return running.url;
  };
  const auth = async (url: string, token: string, headers: Record<string, string> = {}) => {
    const socket = await TestSocket.open(url.replace(/^http/, "ws") + "/live", { headers });
    opened.push(socket);
    socket.send({ type: "auth", token });
    const first = await socket.next();
    return first.type === "ready" ? "ready" : (await socket.closed).code;
  };
  const update = (url: string, secret: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/update`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Atmos-Secret": secret, ...headers },
      body: JSON.stringify({ channel: "c", changes: [{ type: "updated", collection: "tasks", id: "1", attrs: { id: "1" } }] }),
    }).then((res) => res.status);

  it("says once, naming ATMOS_TRUST_PROXY, that clients behind a proxy share its address when X-Forwarded-For comes without it", async () => {
    const url = await serve();
    expect(await auth(url, TOKEN, { "X-Forwarded-For": "203.0.113.7" })).to.equal("ready");
    expect(await update(url, SECRET, { "X-Forwarded-For": "203.0.113.8" })).to.equal(202);
    await fetch(`${url}/health`, { headers: { "X-Forwarded-For": "203.0.113.9" } });
    const warnings = printed.filter((line) => line.includes("X-Forwarded-For"));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain("ATMOS_TRUST_PROXY").and.to.match(/share/);
  });

  it("says nothing of X-Forwarded-For with ATMOS_TRUST_PROXY=1, or when no request carries it", async () => {
    let url = await serve({ ATMOS_TRUST_PROXY: "1" });
    expect(await auth(url, TOKEN, { "X-Forwarded-For": "203.0.113.7" })).to.equal("ready");
    expect(printed.filter((line) => line.includes("X-Forwarded-For"))).to.deep.equal([]);
    await running!.stop();
    url = await serve();
    expect(await auth(url, TOKEN)).to.equal("ready");
    expect(printed.filter((line) => line.includes("X-Forwarded-For"))).to.deep.equal([]);
  });
});
