import { expect } from "chai";
import * as http from "http";
import { listen, shutdown } from "../../servers/listen";
import { resetModels, Todo } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/**
 * A server that keeps answers by Idempotency-Key answers 409 to a request
 * sent again while the first request with that key is still being processed
 * (the IETF Idempotency-Key draft). Found by a helper in Chromium: a create
 * that timed out (or whose page was reloaded) was sent again at once, met
 * the 409, and was parked as refused: "failed" for a record the server was
 * making, and a revert() that a pull then undid. It is tried again, pending.
 */
describe("offline: a create sent again while the server still works on its first request", () => {
  let server: http.Server;
  let page: OfflinePage;
  let rows: Array<{ id: number; title: string }>;
  let answered: Array<string>;
  /** Whether the next 409 answers are for a key in progress (a server that answers 409 for conflicts too: see the last test). */
  let conflictsForGood: boolean;

  beforeEach(async () => {
    resetModels();
    rows = [];
    answered = [];
    conflictsForGood = false;
    const working = new Set<string>();
    const done = new Map<string, string>();
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const key = String(req.headers["idempotency-key"]);
        const reply = (status: number, text: string) => {
          answered.push(`${req.method} ${status}`);
          res.writeHead(status, { "Content-Type": "application/json" });
          res.end(text);
        };
        if (req.method === "GET") return reply(200, JSON.stringify(rows));
        if (conflictsForGood) return reply(409, JSON.stringify({ error: "title is taken" }));
        if (done.has(key)) return reply(201, done.get(key)!);
        if (working.has(key)) return reply(409, JSON.stringify({ error: "a request with this key is being processed" }));
        working.add(key);
        const row = { ...JSON.parse(body), id: rows.length + 1 };
        rows.push(row);
        // Committed at once, answered slowly: the page gives up first.
        setTimeout(() => {
          working.delete(key);
          done.set(key, JSON.stringify(row));
          if (!res.destroyed) reply(201, JSON.stringify(row));
        }, 2500);
      });
    });
    page = openPage({ base: await listen(server) });
    page.atmos.resourceClient.timeout = 150;
  });
  afterEach(async () => {
    page.close();
    await shutdown(server);
  });

  it("tries again, pending, and ends with the one record the server made", async () => {
    const todo = new Todo({ title: "Milk" });
    todo.save({ remote: true });
    const states: string[] = [];
    page.atmos.on("status", () => states.push((Todo.find(todo.id) as any)?.syncState?.() ?? "moved"));
    await page.atmos.whenSynced();

    expect(answered.filter((a) => a === "POST 409").length, "409 answers met").to.be.greaterThan(0);
    expect(states, "states while it waited").not.to.include("failed");
    expect(rows.map((r) => r.title)).to.deep.equal(["Milk"]);
    expect(Todo.all().map((t) => [String(t.id), (t as any).syncState()])).to.deep.equal([["1", "synced"]]);
  });

  it("parks at once a create answered 409 on its first request (a conflict, no key in progress)", async function () {
    this.timeout(60_000);
    conflictsForGood = true;
    page.atmos.resourceClient.timeout = 30_000;
    const todo = new Todo({ title: "Milk" });
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
    expect(answered.filter((a) => a === "POST 409").length, "tries").to.equal(1);
  });
});
