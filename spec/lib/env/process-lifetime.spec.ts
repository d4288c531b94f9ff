import { expect } from "chai";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { startThrottlingProxy } from "../../servers/throttling-proxy";
import { runNodeScript } from "../../support/node-script";

/** A script that saves one task to BASE with the library's own timers (the system clock). */
const setup = `
  const Spine = require("spine");
  const { Atmos } = require("./lib");
  const { MemoryStorage } = require("./spec/fakes/memory-storage");
  class Task extends Spine.Model {}
  Task.configure("Task", "title");
  Task.extend(Spine.Model.Atmosphere);
  const atmos = new Atmos({ storage: new MemoryStorage() });
  atmos.resourceClient.base = process.env.BASE;
  const task = new Task({ title: "a" });
  process.on("exit", () => console.log("at exit: " + task.syncState()));
`;

/**
 * API.md: "Works ... in Node 20", and "the first retry of a transient failure
 * comes within 1 s". In Node a process lives while something holds it: a
 * script that awaits an outcome of atmos2 must see it, and an Atmos nobody
 * waits for must not hold the process open.
 */
describe("a Node process using atmos2", () => {
  let rails: RailsScaffoldServer;
  beforeEach(async () => {
    rails = await startRailsScaffoldServer();
  });
  afterEach(() => rails.close());

  const posts = () => rails.requests.filter((r) => r.method === "POST").length;

  it("stays alive for the retry while it awaits whenSynced(), and exits once it resolves", async () => {
    rails.failNext(504, { error: "gateway timeout" });
    const result = await runNodeScript(`${setup}
      task.save({ remote: true });
      atmos.whenSynced().then(() => { console.log("resolved: " + task.syncState()); atmos.close(); });
    `, { env: { BASE: rails.url } });

    expect(result.code).to.equal(0, result.stderr);
    expect(result.stdout).to.include("resolved: synced");
    expect(posts()).to.equal(2);
    expect(rails.records("tasks").map((r) => r.title)).to.deep.equal(["a"]);
  });

  it("stays alive for the retry while it awaits retry(record)", async () => {
    rails.failNext(422, { title: ["is odd"] });
    rails.failNext(504, { error: "gateway timeout" });
    const result = await runNodeScript(`${setup}
      task.save({ remote: true });
      atmos.whenSynced()
        .then(() => { console.log("parked: " + task.syncState()); return atmos.retry(task); })
        .then(() => { console.log("retried: " + task.syncState()); atmos.close(); });
    `, { env: { BASE: rails.url } });

    expect(result.code).to.equal(0, result.stderr);
    expect(result.stdout).to.include("parked: failed").and.include("retried: synced");
    expect(posts()).to.equal(3);
  });

  it("is not held open by a retry nobody waits for", async () => {
    rails.failNext(504, { error: "gateway timeout" });
    const result = await runNodeScript(`${setup}
      task.save({ remote: true });
    `, { env: { BASE: rails.url } });

    expect(result.code).to.equal(0, result.stderr);
    expect(result.stdout).to.include("at exit: pending");
    expect(posts()).to.equal(1);
  });

  it("is not held open by an Atmos left open once whenSynced() has resolved", async () => {
    const result = await runNodeScript(`${setup}
      task.save({ remote: true });
      atmos.whenSynced().then(() => console.log("resolved: " + task.syncState()));
    `, { env: { BASE: rails.url } });

    expect(result.code).to.equal(0, result.stderr);
    expect(result.stdout).to.include("resolved: synced").and.include("at exit: synced");
    expect(posts()).to.equal(1);
  });

  it("stays alive while an awaited pull waits out a Retry-After, and gets its records", async () => {
    const proxy = await startThrottlingProxy(rails.url);
    try {
      proxy.throttleNext(429, "1");
      const result = await runNodeScript(`${setup}
        atmos.on("error", () => Task.sync({ remote: true }).then((records) => console.log("pulled " + records.length)));
        task.save({ remote: true });
      `, { env: { BASE: proxy.url } });

      expect(result.code).to.equal(0, result.stderr);
      expect(result.stdout).to.match(/pulled [01]\n/);
    } finally {
      await proxy.close();
    }
  });

  it("is not held open by an idle Atmos", async () => {
    const result = await runNodeScript(`${setup}`, { env: { BASE: rails.url } });
    expect(result.code).to.equal(0, result.stderr);
    expect(result.stdout).to.include("at exit: local");
  });

  it("is not held open by an idle Atmos under a global document (jsdom-style tests), whose tab feed is a BroadcastChannel", async () => {
    const result = await runNodeScript(`globalThis.document = {};\n${setup}`, { env: { BASE: rails.url }, timeoutMs: 8000 });
    expect(result.code, "exited by itself").to.equal(0);
    expect(result.stdout).to.include("at exit: local");
  });
});
