import { expect } from "chai";
import * as http from "http";
import WebSocket from "ws";
import { exampleServer } from "../../servers/example-server";

/** What Chromium sends for `<img src>` on another site's page: no Origin, but where it came from. */
const IMAGE_FROM_ANOTHER_SITE = { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image" };

/**
 * Found by an attacker's review: a page on another site locked the developer
 * out of `npm start` with 22 `<img src="http://localhost:3101/tasks/v1/users/
 * @me/lists?access_token=guessN">` tags. The browser sends those without an
 * Origin header, so they passed as a backend's requests, and their wrong
 * tokens spent the address's budget: the developer's own page got 429 for
 * a minute. A request another site's page sends without CORS can never read
 * its answer; the API now refuses it (403) before looking at its token.
 */
describe("example server: requests another site's page sends without CORS", () => {
  const startAt = exampleServer();
  const start = async (env: NodeJS.ProcessEnv = {}) => Number(new URL(await startAt(env)).port);
  /** A GET as a browser sends it, with exactly these headers (fetch would add its own Sec-Fetch-Mode). */
  const get = (port: number, target: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get({ host: "localhost", port, path: target, headers: { Connection: "close", ...headers } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
    });

  it("refuses 22 images with guessed tokens, and the developer's own page still gets the lists", async () => {
    const port = await start();
    const images: number[] = [];
    for (let i = 0; i < 22; i++) images.push((await get(port, `/tasks/v1/users/@me/lists?access_token=guess${i}`, IMAGE_FROM_ANOTHER_SITE)).status);
    const own = await get(port, "/tasks/v1/users/@me/lists", { Authorization: "Bearer dev-token", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors" });
    expect(own.status, "the developer's page").to.equal(200);
    expect(new Set(images)).to.deep.equal(new Set([403]));
  });

  it("refuses them with a strong token too, and from a page on the same site but another port, saying why", async () => {
    const port = await start({ TASKS_TOKEN: "a-strong-token-0123456789" });
    const sameSite = await get(port, "/tasks/v1/users/@me/lists?access_token=a-strong-token-0123456789", { ...IMAGE_FROM_ANOTHER_SITE, "Sec-Fetch-Site": "same-site" });
    expect(sameSite.status).to.equal(403);
    expect(sameSite.body).to.match(/without CORS/);
    const frame = await get(port, "/tasks/v1/users/@me/lists?access_token=guess", { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe" });
    expect(frame.status).to.equal(403);
  });

  it("still answers another site's CORS requests (with Origin) and links to the app itself", async () => {
    const port = await start({ TASKS_TOKEN: "a-strong-token-0123456789" });
    const cors = await get(port, "/tasks/v1/users/@me/lists", { Origin: "https://other.example", Authorization: "Bearer a-strong-token-0123456789", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors" });
    expect(cors.status).to.equal(200);
    const link = await get(port, "/app-config.json", { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" });
    expect(link.status).to.equal(200);
  });

  it("refuses a /live upgrade that comes from another site without Origin", async () => {
    const port = await start();
    const status = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://localhost:${port}/live`, { headers: { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "websocket" } });
      socket.on("open", () => {
        resolve("open");
        socket.terminate();
      });
      socket.on("unexpected-response", (_req, res) => {
        resolve(`HTTP ${res.statusCode}`);
        socket.terminate();
      });
      socket.on("error", () => {});
    });
    expect(status).to.equal("HTTP 403");
  });
});
