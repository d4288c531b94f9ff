import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { resetModels, Todo } from "../models";

/**
 * Found by a data-loss hunt in Chromium: the user deleted a record while its
 * create or update was out, and the server answered that request with a 2xx
 * the page could not use (an HTML page, malformed JSON, a create without an
 * id). The request was parked as refused, and the delete waited behind it
 * for good: it never reached the server, a fresh device showed the record
 * again, and the outbox held a parked change of a record nobody could see
 * (status().failed stayed 1, after a reload too). Now an update is moot and
 * dropped, so the delete goes next; a create, which may be on the server, is
 * sent again with its key (the server answers with what it made), then the
 * delete.
 */
describe("offline: a record deleted while its create or update is answered with a 2xx that cannot be read", () => {
  let server: http.Server;
  let rows: Map<string, Record<string, unknown>>;
  /** Answers by Idempotency-Key, replayed for a request sent again (as the README asks of a server). */
  let answers: Map<string, { status: number; text: string }>;
  /** How the next write is answered, and whether it is made first. */
  let next: { answer: "html" | "cut" | "no id"; made: boolean } | undefined;
  const seen: string[] = [];
  let atmos: Atmos;
  let storage: MemoryStorage;

  beforeEach(async () => {
    resetModels();
    rows = new Map();
    answers = new Map();
    next = undefined;
    seen.length = 0;
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        seen.push(`${req.method} ${req.url}`);
        const key = req.headers["idempotency-key"] as string | undefined;
        const replay = key && answers.get(key);
        const reply = (status: number, type: string, text: string) => setTimeout(() => res.writeHead(status, { "Content-Type": type }).end(text), 100);
        if (replay) return reply(replay.status, "application/json", replay.text);
        const id = req.url!.split("/")[2];
        const fault = req.method !== "GET" ? next : undefined;
        if (fault) next = undefined;
        let status = 200;
        let answer: unknown = null;
        if (!fault || fault.made) {
          if (req.method === "POST") {
            const row = { ...JSON.parse(body), id: `s${rows.size + 1}` };
            rows.set(row.id, row);
            [status, answer] = [201, row];
          } else if (req.method === "PUT") {
            rows.set(id, { ...JSON.parse(body), id });
            answer = rows.get(id);
          } else if (req.method === "DELETE") {
            answer = rows.get(id) ?? null;
            rows.delete(id);
          } else answer = [...rows.values()];
          if (key) answers.set(key, { status, text: JSON.stringify(answer) });
        }
        if (!fault) return reply(status, "application/json", JSON.stringify(answer));
        if (fault.answer === "html") return reply(200, "text/html", "<!doctype html><title>Wi-Fi login</title><p>Sign in to use the Internet");
        if (fault.answer === "cut") return reply(201, "application/json", JSON.stringify(answer).slice(0, 6));
        reply(201, "application/json", '{"ok":true}');
      });
    });
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = await listen(server);
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  /** Waits until the outbox is empty, or gives up after `ms` (then the test's assertions tell what was left). */
  const settled = async (ms = 8000) => {
    for (const giveUp = Date.now() + ms; atmos.outbox().length && Date.now() < giveUp; ) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const reloaded = () => {
    atmos.close();
    Todo.deleteAll();
    atmos = new Atmos({ storage });
    return Todo.sync().then(() => atmos);
  };

  for (const made of [false, true]) {
    it(`sends the delete of a record whose update was answered with an HTML page (${made ? "made" : "not made"} by the server)`, async () => {
      const todo = new Todo({ title: "v0", done: false });
      todo.save({ remote: true });
      await atmos.whenSynced();
      const id = String(todo.id);
      next = { answer: "html", made };
      todo.title = "v1";
      todo.save({ remote: true });
      await new Promise((resolve) => setTimeout(resolve, 30));
      (Todo.find(id) as Todo).destroy({ remote: true });
      await settled();
      expect(seen.filter((line) => line.startsWith("DELETE"))).to.deep.equal([`DELETE /todos/${id}`]);
      expect([...rows.keys()], "the server's records").to.deep.equal([]);
      expect(atmos.outbox()).to.deep.equal([]);
      expect(atmos.status()).to.deep.include({ pending: 0, failed: 0 });
      await reloaded();
      expect(atmos.outbox()).to.deep.equal([]);
    });
  }

  for (const answer of ["html", "cut", "no id"] as const) {
    it(`sends the create again with its key, then the delete, when the create the server made was answered ${answer === "cut" ? "with JSON cut short" : answer === "html" ? "with an HTML page" : "without an id"}`, async () => {
      next = { answer, made: true };
      const todo = new Todo({ title: "gone soon", done: false });
      todo.save({ remote: true });
      await new Promise((resolve) => setTimeout(resolve, 30));
      todo.destroy({ remote: true });
      await settled();
      const writes = seen.filter((line) => !line.startsWith("GET"));
      expect(writes).to.deep.equal(["POST /todos", "POST /todos", "DELETE /todos/s1"]);
      expect([...rows.keys()], "the server's records").to.deep.equal([]);
      expect(atmos.outbox()).to.deep.equal([]);
      expect(atmos.status()).to.deep.include({ pending: 0, failed: 0 });
    });
  }
});
