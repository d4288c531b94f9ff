import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startAppServer, type AppServer } from "../../../example/server/app-server";
import { requestWithHost } from "../../servers/raw-http";

/** Behind a proxy the server is exposed: it starts only with a strong token. */
const STRONG = "a-long-enough-token-123";

/** Issue 13, item 5: a CSP on the page, no framing, nosniff and Referrer-Policy on every answer. */
describe("example server: security headers", () => {
  let tmp: string;
  let app: AppServer;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-headers-"));
    fs.mkdirSync(path.join(tmp, "dist"));
    fs.writeFileSync(path.join(tmp, "dist", "index.html"), "<!doctype html><title>Tasks</title>");
    fs.writeFileSync(path.join(tmp, "dist", "app.js"), "1");
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const start = async (extra: Partial<Parameters<typeof startAppServer>[0]> = {}) =>
    (app = await startAppServer({ port: 0, dataDir: path.join(tmp, "data"), token: "t0k", staticDir: path.join(tmp, "dist"), log: () => {}, ...extra }));

  /** The CSP as a map of directive → sources. */
  function csp(header: string | null): Record<string, string[]> {
    expect(header, "Content-Security-Policy").to.be.a("string");
    return Object.fromEntries(header!.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
  }

  it("gives the page a CSP: scripts and connections from its own origin only, and no framing", async () => {
    await start();
    const page = await fetch(`${app.url}/`);
    const policy = csp(page.headers.get("content-security-policy"));
    expect(policy["script-src"]).to.deep.equal(["'self'"]);
    expect(policy["connect-src"]).to.deep.equal(["'self'", `ws://localhost:${app.port}`, `wss://localhost:${app.port}`]);
    expect(policy["default-src"]).to.deep.equal(["'self'"]);
    expect(policy["object-src"]).to.deep.equal(["'none'"]);
    expect(policy["frame-ancestors"]).to.deep.equal(["'none'"]);
    expect(page.headers.get("x-frame-options")).to.equal("DENY");
  });

  it("lets the page open its live socket on the name people use (PUBLIC_URL)", async () => {
    await start({ publicUrl: "https://tasks.example.org", token: STRONG });
    const answer = await requestWithHost(`${app.url}/`, "tasks.example.org");
    expect(csp(answer.headers["content-security-policy"] as string)["connect-src"]).to.deep.equal(["'self'", "ws://tasks.example.org", "wss://tasks.example.org"]);
  });

  it("adds exactly Google's sign-in and Tasks hosts in Google mode", async () => {
    await start({ googleClientId: "abc.apps.googleusercontent.com" });
    const policy = csp((await fetch(`${app.url}/`)).headers.get("content-security-policy"));
    expect(policy["script-src"]).to.deep.equal(["'self'", "https://accounts.google.com/gsi/client"]);
    expect(policy["connect-src"]).to.include.members(["'self'", "https://tasks.googleapis.com", "https://accounts.google.com/gsi/"]);
    expect(policy["connect-src"].filter((s) => s.startsWith("https:"))).to.have.length(2);
    expect(policy["frame-src"]).to.deep.equal(["https://accounts.google.com/gsi/"]);
  });

  it("sends nosniff, Referrer-Policy and framing protection on every answer", async () => {
    await start();
    const auth = { Authorization: "Bearer t0k" };
    const answers = {
      page: await fetch(`${app.url}/`),
      script: await fetch(`${app.url}/app.js`),
      config: await fetch(`${app.url}/app-config.json`),
      apiOk: await fetch(`${app.url}/tasks/v1/users/@me/lists`, { headers: auth }),
      apiUnauthenticated: await fetch(`${app.url}/tasks/v1/users/@me/lists`),
      apiNotFound: await fetch(`${app.url}/tasks/v1/lists/nope/tasks`, { headers: auth }),
      preflight: await fetch(`${app.url}/tasks/v1/users/@me/lists`, { method: "OPTIONS" }),
      missingFile: await fetch(`${app.url}/missing.js`),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect(res.headers.get("x-content-type-options"), name).to.equal("nosniff");
      expect(res.headers.get("referrer-policy"), name).to.equal("no-referrer");
      expect(res.headers.get("x-frame-options"), name).to.equal("DENY");
      expect(res.headers.get("content-security-policy"), name).to.contain("frame-ancestors 'none'");
    }
    const misdirected = await requestWithHost(`${app.url}/`, "attacker.example");
    expect(misdirected.status).to.equal(421);
    expect(misdirected.headers["x-content-type-options"]).to.equal("nosniff");
    expect(misdirected.headers["referrer-policy"]).to.equal("no-referrer");
    // The attacker's name is not echoed into the policy.
    expect(misdirected.headers["content-security-policy"]).not.to.contain("attacker");
  });

  // Found in review: after Sign out on a shared computer, the browser's HTTP
  // cache still held the person's lists and tasks as the API had answered them.
  it("lets no browser or proxy keep an answer of the API (Cache-Control: no-store), failures included", async () => {
    await start();
    const auth = { Authorization: "Bearer t0k" };
    const list = await (await fetch(`${app.url}/tasks/v1/users/@me/lists`, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ title: "Private" }) })).json();
    const answers = {
      lists: await fetch(`${app.url}/tasks/v1/users/@me/lists`, { headers: auth }),
      list: await fetch(`${app.url}/tasks/v1/users/@me/lists/${list.id}`, { headers: auth }),
      tasks: await fetch(`${app.url}/tasks/v1/lists/${list.id}/tasks`, { headers: auth }),
      head: await fetch(`${app.url}/tasks/v1/users/@me/lists`, { method: "HEAD", headers: auth }),
      unauthenticated: await fetch(`${app.url}/tasks/v1/users/@me/lists`),
      notFound: await fetch(`${app.url}/tasks/v1/lists/nope/tasks`, { headers: auth }),
      config: await fetch(`${app.url}/app-config.json`),
    };
    for (const [name, res] of Object.entries(answers)) expect(res.headers.get("cache-control"), name).to.equal("no-store");
  });
});
