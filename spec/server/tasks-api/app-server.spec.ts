import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { appConfig, startAppServer, type AppServer } from "../../../example/server/app-server";
import type { PublishedChange } from "../../../example/server/tasks-api";

describe("app server", () => {
  let tmp: string;
  let app: AppServer | undefined;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-app-"));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function makeSite(): string {
    const dir = path.join(tmp, "dist");
    fs.mkdirSync(path.join(dir, "assets"), { recursive: true });
    fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>Tasks</title>");
    fs.writeFileSync(path.join(dir, "assets", "app.js"), "console.log(1)");
    fs.writeFileSync(path.join(dir, "assets", "app.css"), "body{}");
    fs.writeFileSync(path.join(tmp, "secret.txt"), "do not serve");
    return dir;
  }

  /** A raw request, so paths like /../ are sent as written and not normalized by the client. */
  function rawGet(port: number, rawPath: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: rawPath }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on("error", reject);
    });
  }

  it("serves the built example with the right content types, index.html at /", async () => {
    app = await startAppServer({ port: 0, dataDir: path.join(tmp, "data"), staticDir: makeSite(), log: () => {} });
    const index = await fetch(`${app.url}/`);
    expect(index.status).to.equal(200);
    expect(index.headers.get("content-type")).to.contain("text/html");
    expect(await index.text()).to.contain("<title>Tasks</title>");
    const js = await fetch(`${app.url}/assets/app.js`);
    expect(js.headers.get("content-type")).to.contain("javascript");
    const css = await fetch(`${app.url}/assets/app.css`);
    expect(css.headers.get("content-type")).to.contain("text/css");
  });

  it("answers 404 for unknown paths and for paths that climb out of the static folder", async () => {
    app = await startAppServer({ port: 0, dataDir: path.join(tmp, "data"), staticDir: makeSite(), log: () => {} });
    expect((await fetch(`${app.url}/nothing.js`)).status).to.equal(404);
    for (const attempt of ["/../secret.txt", "/assets/../../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/assets/..%5c..%5csecret.txt", "/%00"]) {
      const answer = await rawGet(app.port, attempt);
      expect(answer.status, attempt).to.equal(404);
      expect(answer.body, attempt).not.to.contain("do not serve");
    }
  });

  it("says how to build the example when it is not built", async () => {
    app = await startAppServer({ port: 0, dataDir: path.join(tmp, "data"), staticDir: path.join(tmp, "missing"), log: () => {} });
    const page = await fetch(`${app.url}/`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain("example/webpack.config.js");
  });

  it("creates the data folder and keeps the database in DATA_DIR/tasks.sqlite", async () => {
    const dataDir = path.join(tmp, "nested", "data");
    app = await startAppServer({ port: 0, dataDir, token: "t0k", staticDir: makeSite(), log: () => {} });
    const created = await fetch(`${app.url}/tasks/v1/users/@me/lists`, {
      method: "POST",
      headers: { Authorization: "Bearer t0k", "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Home" }),
    });
    expect(created.status).to.equal(200);
    expect(fs.existsSync(path.join(dataDir, "tasks.sqlite"))).to.equal(true);
    expect((await fetch(`${app.url}/tasks/v1/users/@me/lists`)).status).to.equal(401);
  });

  it("tells the app where its API is in app-config.json (embedded mode)", async () => {
    app = await startAppServer({ port: 0, dataDir: path.join(tmp, "data"), token: "t0k", liveUrl: "/live", staticDir: makeSite(), log: () => {} });
    const res = await fetch(`${app.url}/app-config.json`);
    expect(res.headers.get("content-type")).to.contain("application/json");
    expect(await res.json()).to.deep.equal({ mode: "embedded", base: "/tasks/v1", token: "t0k", liveUrl: "/live" });
  });

  // Found by an attacker's review: a tunnel that rewrites Host (as ngrok's
  // --host-header=rewrite does) brought anyone on the internet to a server
  // on localhost, and app-config.json handed them its token.
  for (const [header, value] of [["X-Forwarded-For", "203.0.113.9"], ["X-Forwarded-Host", "tasks.ngrok-free.app"], ["Forwarded", "for=203.0.113.9;host=tasks.ngrok-free.app"], ["X-Real-IP", "203.0.113.9"], ["Via", "1.1 tunnel"], ["CF-Connecting-IP", "203.0.113.9"]] as const) {
    it(`keeps the token out of app-config.json for a request that came through a proxy (${header}), asking for sign-in instead, and says so once`, async () => {
      const logged: string[] = [];
      app = await startAppServer({ port: 0, dataDir: path.join(tmp, "data"), token: "t0k", liveUrl: "/live", staticDir: makeSite(), log: (line) => logged.push(line) });
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${app.url}/app-config.json`, { headers: { [header]: value } });
        expect(await res.json()).to.deep.equal({ mode: "embedded", base: "/tasks/v1", signIn: true, liveUrl: "/live" });
      }
      expect(logged.filter((line) => line.includes("app-config.json"))).to.have.length(1);
      expect(logged.find((line) => line.includes("app-config.json"))).to.contain(header).and.contain("PUBLIC_URL");
      expect(await (await fetch(`${app.url}/app-config.json`)).json()).to.include({ token: "t0k" });
    });
  }

  it("switches app-config.json to Google mode when a Google client id or token is given", () => {
    expect(appConfig({ dataDir: "x", token: "dev", googleClientId: "abc.apps.googleusercontent.com" })).to.deep.equal({
      mode: "google",
      base: "https://tasks.googleapis.com/tasks/v1",
      googleClientId: "abc.apps.googleusercontent.com",
    });
    expect(appConfig({ dataDir: "x", token: "dev", googleAccessToken: "ya29.x", liveUrl: "/live" })).to.deep.equal({
      mode: "google",
      base: "https://tasks.googleapis.com/tasks/v1",
      token: "ya29.x",
    });
  });

  it("lets an extension take requests first and follow the API's changes", async () => {
    const seen: PublishedChange[] = [];
    app = await startAppServer({
      port: 0,
      dataDir: path.join(tmp, "data"),
      staticDir: makeSite(),
      log: () => {},
      extend(server, api) {
        expect(server).to.be.instanceOf(http.Server);
        api.subscribe((published) => seen.push(published));
        return (req, res) => {
          if (req.url !== "/hello") return false;
          res.end("from the extension");
          return true;
        };
      },
    });
    expect(await (await fetch(`${app.url}/hello`)).text()).to.equal("from the extension");
    await fetch(`${app.url}/tasks/v1/users/@me/lists`, { method: "POST", body: JSON.stringify({ title: "L" }) });
    expect(seen.map((p) => [p.channel, p.change.type, p.change.collection])).to.deep.equal([["user:me", "created", "lists"]]);
  });

  it("refuses to start without a data folder, saying so", async () => {
    let error: Error | undefined;
    await startAppServer({ dataDir: "" }).catch((err: Error) => (error = err));
    expect(error?.message).to.contain("dataDir");
  });
});
