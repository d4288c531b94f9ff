import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { resetModels, Todo } from "../models";

type Plan = "drop-after-commit" | "refuse" | "refuse-slowly";

/**
 * A create reached the server, but its answer was lost (the connection
 * dropped after the commit); the retry was then refused (422). The refusal
 * does not prove the create never arrived: its Idempotency-Key is kept, so
 * a server that replays answers by key gives the same record, never a
 * second one, and the user's later edit is not lost under the replay.
 */
describe("offline: a refusal after an attempt whose answer was lost", () => {
  let server: http.Server;
  let base: string;
  let rows: Array<Record<string, unknown>>;
  let plan: Plan[];
  let answered: Map<string, string>;
  let atmos: Atmos;

  beforeEach(async () => {
    resetModels();
    rows = [];
    plan = [];
    answered = new Map();
    // A json-server-like API that replays the answer of a create it already committed under the same Idempotency-Key.
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const step = plan.shift();
        if (step === "refuse" || step === "refuse-slowly") {
          return void setTimeout(() => {
            res.writeHead(422, { "Content-Type": "application/json" });
            res.end(JSON.stringify({ errors: { base: ["try again"] } }));
          }, step === "refuse" ? 0 : 150);
        }
        const key = String(req.headers["idempotency-key"]);
        let answer: string;
        if (req.method === "POST") {
          if (!answered.has(key)) {
            const row = { ...JSON.parse(body), id: rows.length + 1 };
            rows.push(row);
            answered.set(key, JSON.stringify(row));
          }
          answer = answered.get(key)!;
        } else if (req.method === "PUT") {
          const at = rows.findIndex((r) => String(r.id) === req.url!.split("/").pop());
          rows[at] = { ...JSON.parse(body), id: rows[at].id };
          answer = JSON.stringify(rows[at]);
        } else if (req.method === "DELETE") {
          rows = rows.filter((r) => String(r.id) !== req.url!.split("/").pop());
          answer = "{}";
        } else answer = JSON.stringify(rows);
        if (step === "drop-after-commit") return void req.socket.destroy();
        res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" });
        res.end(answer);
      });
    });
    base = await listen(server);
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = base;
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const local = () => Todo.all().map((t) => [t.title, (t as any).syncState()]);

  it("keeps the user's edit saved after the refusal: the server ends with it, in one record", async () => {
    plan = ["drop-after-commit", "refuse"];
    const todo = new Todo({ title: "v1", done: false });
    todo.save({ remote: true });
    await wait(100);
    await atmos.push();
    expect(todo.syncState()).to.equal("failed");
    todo.title = "v2 (the user's edit)";
    todo.save({ remote: true });
    await atmos.whenSynced();
    expect(rows.map((r) => r.title)).to.deep.equal(["v2 (the user's edit)"]);
    expect(local()).to.deep.equal([["v2 (the user's edit)", "synced"]]);
  });

  it("sends no second create when the user saves again while the refused retry is on its way", async () => {
    plan = ["drop-after-commit", "refuse-slowly"];
    const todo = new Todo({ title: "v1", done: false });
    todo.save({ remote: true });
    await wait(100);
    const pushed = atmos.push();
    await wait(50);
    todo.title = "v2 (the user's edit)";
    todo.save({ remote: true });
    await pushed;
    await atmos.whenSynced();
    await atmos.retry(todo);
    await atmos.whenSynced();
    expect(rows.map((r) => r.title)).to.deep.equal(["v2 (the user's edit)"]);
    expect(local()).to.deep.equal([["v2 (the user's edit)", "synced"]]);
  });

  it("deletes on the server a record destroyed after the refusal, instead of leaving it there", async () => {
    plan = ["drop-after-commit", "refuse"];
    const todo = new Todo({ title: "short-lived", done: false });
    todo.save({ remote: true });
    await wait(100);
    await atmos.push();
    todo.destroy({ remote: true });
    await atmos.whenSynced();
    expect(rows).to.deep.equal([]);
    expect(atmos.status()).to.deep.include({ pending: 0, failed: 0 });
  });
});
