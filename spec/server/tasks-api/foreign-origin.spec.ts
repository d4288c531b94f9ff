import { expect } from "chai";
import WebSocket from "ws";
import { exampleServer } from "../../servers/example-server";

/**
 * `npm start` with no TASKS_TOKEN accepts `dev-token`, a token every web page
 * can write. A site the developer visits while it runs is another origin:
 * its requests carry `Origin`, and what the server answers decides whether
 * the browser lets the site read (CORS) or send at all (a "simple" POST is
 * sent without asking). These specs send what such a page's browser sends.
 */
describe("example server: pages on other sites, while the token is one a page could send or guess", () => {
  const attacker = "http://attacker.example";
  const start = exampleServer();

  /** What a WebSocket opened by a page on `origin` gets: its first message, or the refusal. */
  const liveFrom = (url: string, origin: string, token: string) =>
    new Promise<string>((resolve) => {
      const socket = new WebSocket(`${url.replace(/^http/, "ws")}/live`, { origin });
      socket.on("open", () => socket.send(JSON.stringify({ type: "auth", token })));
      socket.on("message", (data) => {
        resolve(String(JSON.parse(data.toString()).type));
        socket.close();
      });
      socket.on("unexpected-response", (_req, res) => {
        resolve(`HTTP ${res.statusCode}`);
        socket.terminate();
      });
      socket.on("error", () => {});
    });

  const listTitles = async (url: string) => {
    const res = await fetch(`${url}/tasks/v1/users/@me/lists`, { headers: { Authorization: "Bearer dev-token" } });
    return ((await res.json()) as { items?: Array<{ title: string }> }).items?.map((l) => l.title) ?? [];
  };

  it("does not let another site read the tasks with dev-token", async () => {
    const url = await start();
    await fetch(`${url}/tasks/v1/users/@me/lists`, { method: "POST", headers: { Authorization: "Bearer dev-token" }, body: JSON.stringify({ title: "Private" }) });
    const preflight = await fetch(`${url}/tasks/v1/users/@me/lists`, {
      method: "OPTIONS",
      headers: { Origin: attacker, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
    });
    expect(preflight.headers.get("access-control-allow-origin"), "the preflight lets the site send its request").to.equal(null);
    const read = await fetch(`${url}/tasks/v1/users/@me/lists`, { headers: { Origin: attacker, Authorization: "Bearer dev-token" } });
    expect(read.status).to.equal(403);
    expect(read.headers.get("access-control-allow-origin")).to.equal(null);
    expect(await read.text()).not.to.contain("Private");
  });

  it("does not let another site change the tasks with a simple POST carrying dev-token in the URL", async () => {
    const url = await start();
    // fetch(..., { mode: "no-cors", method: "POST", body }) from the site: sent without a preflight.
    const res = await fetch(`${url}/tasks/v1/users/@me/lists?access_token=dev-token`, {
      method: "POST",
      headers: { Origin: attacker, "Content-Type": "text/plain" },
      body: JSON.stringify({ title: "Planted" }),
    });
    expect(res.status).to.equal(403);
    expect(await listTitles(url)).not.to.include("Planted");
  });

  it("does not let another site follow the tasks live with dev-token", async () => {
    const url = await start();
    expect(await liveFrom(url, attacker, "dev-token")).to.equal("HTTP 403");
  });

  it("still serves the page's own origin, and clients that send no Origin", async () => {
    const url = await start();
    const own = await fetch(`${url}/tasks/v1/users/@me/lists`, { method: "POST", headers: { Origin: url, Authorization: "Bearer dev-token" }, body: JSON.stringify({ title: "Mine" }) });
    expect(own.status).to.equal(200);
    expect(await listTitles(url)).to.include("Mine");
    expect(await liveFrom(url, url, "dev-token")).to.equal("ready");
    const config = await fetch(`${url}/app-config.json`, { headers: { Origin: url } });
    expect(config.status).to.equal(200);
  });

  it("does not let another site guess a short token of the user's own (it could try thousands a minute)", async () => {
    const url = await start({ TASKS_TOKEN: "mysecrettoken" });
    const read = await fetch(`${url}/tasks/v1/users/@me/lists`, { headers: { Origin: attacker, Authorization: "Bearer mysecrettoken" } });
    expect(read.status).to.equal(403);
    expect(read.headers.get("access-control-allow-origin")).to.equal(null);
    expect(await read.text(), "the refusal says what to set").to.match(/at least 16 random characters/);
    expect(await liveFrom(url, attacker, "mysecrettoken")).to.equal("HTTP 403");
    const own = await fetch(`${url}/tasks/v1/users/@me/lists`, { headers: { Origin: url, Authorization: "Bearer mysecrettoken" } });
    expect(own.status, "the page's own origin is still served").to.equal(200);
  });

  it("keeps the API open to every origin (CORS) with a token of the user's own", async () => {
    const url = await start({ TASKS_TOKEN: "a-token-nobody-can-guess" });
    const read = await fetch(`${url}/tasks/v1/users/@me/lists`, { headers: { Origin: attacker, Authorization: "Bearer a-token-nobody-can-guess" } });
    expect(read.status).to.equal(200);
    expect(read.headers.get("access-control-allow-origin")).to.equal("*");
    expect(await liveFrom(url, attacker, "a-token-nobody-can-guess")).to.equal("ready");
  });
});
