import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import WebSocket from "ws";
import { main } from "../../../example/server/start";

describe("npm start (example/server/start.ts)", () => {
  let tmp: string;
  let stop: (() => Promise<void>) | undefined;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-start-"));
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("prints the Listening line and serves the API with TASKS_TOKEN from DATA_DIR", async () => {
    const lines: string[] = [];
    const started = await main({ PORT: "0", TASKS_TOKEN: "secret", DATA_DIR: path.join(tmp, "data") }, (line) => lines.push(line));
    stop = started.stop;
    expect(lines).to.include(`Listening on http://localhost:${started.app.port}`);
    const res = await fetch(`${started.app.url}/tasks/v1/users/@me/lists`, { headers: { Authorization: "Bearer secret" } });
    expect(res.status).to.equal(200);
    expect(fs.existsSync(path.join(tmp, "data", "tasks.sqlite"))).to.equal(true);
  });

  it("refuses a PORT that is not a port number, naming it", async () => {
    let error: Error | undefined;
    await main({ PORT: "http", DATA_DIR: tmp }, () => {}).catch((err: Error) => (error = err));
    expect(error?.message).to.contain("PORT");
  });

  it("publishes every change the API commits on /live for the token's user", async () => {
    const started = await main({ PORT: "0", TASKS_TOKEN: "secret", DATA_DIR: path.join(tmp, "data") }, () => {});
    stop = started.stop;
    const socket = new WebSocket(`ws://localhost:${started.app.port}/live`);
    const messages: Array<Record<string, unknown>> = [];
    const waitFor = (predicate: (m: Record<string, unknown>) => boolean) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const found = messages.find(predicate);
        if (found) return resolve(found);
        const onMessage = () => {
          const hit = messages.find(predicate);
          if (hit) {
            socket.off("message", onMessage);
            resolve(hit);
          }
        };
        socket.on("message", onMessage);
        socket.once("close", () => reject(new Error("socket closed")));
      });
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "auth", token: "secret" }));
    await waitFor((m) => m.type === "ready");

    const res = await fetch(`${started.app.url}/tasks/v1/users/@me/lists`, {
      method: "POST",
      headers: { Authorization: "Bearer secret", "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Shared" }),
    });
    const list = await res.json();
    const change = await waitFor((m) => m.type === "change");
    expect(change.channel).to.equal("user:me");
    expect(change.change).to.deep.include({ type: "created", collection: "lists", id: list.id });
    socket.close();
  });
});
