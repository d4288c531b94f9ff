import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { startAppServer, type AppServer } from "../../example/server/app-server";
import { createLiveServer, type LiveServer } from "../../server/live";
import { rawExchange } from "../servers/raw-http";

/**
 * A request may ask to upgrade to something other than WebSocket (curl
 * --http2 sends `Upgrade: h2c` over plain HTTP); a server may ignore that
 * and answer it as the plain request it also is. Node hands such requests
 * to 'upgrade' listeners, and the live server's (and the example server's)
 * answered 404 on every path, the API and the app's own routes included
 * (found by an outside attack on the example server).
 */
describe("a request that asks to upgrade to something other than WebSocket", () => {
  const h2c = (target: string, port: number, extra = "") =>
    rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA${extra}`);

  describe("to an app server with createLiveServer attached", () => {
    let server: http.Server;
    let live: LiveServer;
    let port: number;

    beforeEach(async () => {
      server = http.createServer((req, res) => {
        if (live.handleUpdate(req, res)) return;
        res.writeHead(200, { "Content-Type": "text/plain" }).end(`the app answers ${req.url}`);
      });
      live = createLiveServer({ authenticate: () => "*", server });
      await live.ready;
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterEach(async () => {
      await live.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it("is answered by the app's own handler, as a plain request", async () => {
      const answer = await h2c("/tasks", port);
      expect(answer.status).to.equal(200);
      expect(answer.text).to.contain("the app answers /tasks");
    });

    it("with a body, is refused saying to send it without the Upgrade header", async () => {
      const answer = await rawExchange(port, `POST /tasks HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Type: application/json\r\nContent-Length: 2`, "{}");
      expect(answer.status).to.equal(501);
      expect(answer.text).to.match(/Upgrade: h2c.*without the Upgrade header/);
    });
  });

  describe("to the example server (npm start)", () => {
    let tmp: string;
    let app: AppServer;

    beforeEach(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-h2c-"));
      app = await startAppServer({ port: 0, dataDir: tmp, token: "t0k", staticDir: path.join(tmp, "none"), log: () => {} });
    });
    afterEach(async () => {
      await app.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("answers the API and the app's config as without the header", async () => {
      const lists = await h2c("/tasks/v1/users/@me/lists", app.port, "\r\nAuthorization: Bearer t0k");
      expect(lists.status, lists.text).to.equal(200);
      expect(lists.text).to.match(/"kind": "tasks#taskLists"/);
      const config = await h2c("/app-config.json", app.port);
      expect(config.status, config.text).to.equal(200);
    });
  });
});
