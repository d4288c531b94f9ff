import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startAppServer, type AppServer } from "../../../example/server/app-server";
import { rawExchange, type RawAnswer } from "../../servers/raw-http";

/**
 * The path a request names, sent as an attacker or a sloppy client writes it
 * (not as fetch would normalize it): every one is answered as the path it is,
 * never with a 500, and one that cannot be decoded is a 400 naming it.
 */
describe("app server: request paths as sent", () => {
  let tmp: string;
  let app: AppServer;
  let logged: string[];

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-target-"));
    const site = path.join(tmp, "dist");
    fs.mkdirSync(path.join(site, "assets"), { recursive: true });
    fs.writeFileSync(path.join(site, "index.html"), "<!doctype html><title>Tasks</title>");
    fs.writeFileSync(path.join(site, "assets", "app.js"), "console.log(1)");
    logged = [];
    app = await startAppServer({ port: 0, dataDir: path.join(tmp, "data"), token: "t0k", staticDir: site, log: (line) => logged.push(line) });
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function get(target: string, method = "GET", body = ""): Promise<RawAnswer> {
    const length = body === "" ? [] : [`Content-Length: ${Buffer.byteLength(body)}`, "Content-Type: application/json"];
    const head = [`${method} ${target} HTTP/1.1`, `Host: localhost:${app.port}`, "Authorization: Bearer t0k", ...length, "Connection: close"].join("\r\n");
    return rawExchange(app.port, head, body);
  }

  /** The JSON after the head of a raw answer sent with a Content-Length. */
  function jsonOf(answer: RawAnswer): { error: { code: number; message: string; status: string } } {
    return JSON.parse(answer.text.slice(answer.text.indexOf("\r\n\r\n") + 4));
  }

  it("answers a path that starts with // as that path, not as a host name (no 500)", async () => {
    // "//[" and "//a:99999" were read as URLs with a bad host: 500 and an error logged.
    for (const target of ["//[", "//a:99999", "//a b"]) {
      const answer = await get(target.replace(" ", "%20"));
      expect(answer.status, target).to.equal(404);
      expect(answer.text, target).to.contain(`Not found: ${target.replace(" ", "%20")}`);
    }
    // "//" was one too; it names the root, as "/" does.
    const root = await get("//");
    expect(root.status).to.equal(200);
    expect(root.text).to.contain("<title>Tasks</title>");
    expect(logged.filter((line) => line.includes("error"))).to.deep.equal([]);
  });

  it("does not take the first segment of a // path for a host: //tasks/v1/… is not the API", async () => {
    const answer = await get("//tasks/v1/users/@me/lists");
    expect(answer.status).to.equal(404);
    // It was read as host "tasks" and path "/v1/users/@me/lists".
    expect(answer.text).to.contain("Not found: //tasks/v1/users/@me/lists");
  });

  it("answers a path that is not valid percent-encoding with a 400 JSON error naming it", async () => {
    for (const target of ["/%", "/%E0%A4%A", "/assets/%zz.js", "/tasks/v1/lists/%E0%A4%A/tasks"]) {
      const answer = await get(target);
      expect(answer.status, target).to.equal(400);
      expect(answer.headers["content-type"], target).to.contain("application/json");
      const body = jsonOf(answer);
      expect(body.error, target).to.include({ code: 400, status: "INVALID_ARGUMENT" });
      expect(body.error.message, target).to.contain(target).and.to.contain("percent-encoding");
    }
  });

  it("answers such a path with a body it will not read with a 400, then closes the connection", async () => {
    const answer = await get("/%", "POST", JSON.stringify({ title: "x" }));
    expect(answer.status).to.equal(400);
    expect(answer.headers.connection).to.equal("close");
    expect(answer.closedByServer).to.equal(true);
  });
});
