import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { resetModels, Todo } from "../models";

/**
 * The README's set-ups start with a pull and often save a new record at once
 * (in the same tick). The pull must bring the server's records even though a
 * create is out, and the new record must not show twice when the server's
 * page already holds it.
 */
describe("offline: a pull made while a create is out", () => {
  let server: http.Server;
  let base: string;
  let rows: Array<Record<string, unknown>>;
  let postDelay: number;
  let getDelay: number;
  let atmos: Atmos;

  beforeEach(async () => {
    resetModels();
    rows = [1, 2, 3].map((id) => ({ id, title: `on the server ${id}`, done: false }));
    postDelay = 150;
    getDelay = 20;
    // A json-server-like API: server-assigned numeric ids; a create is committed at once and answered late.
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        res.setHeader("Content-Type", "application/json");
        if (req.method === "POST") {
          const row = { ...JSON.parse(body), id: rows.length + 1 };
          rows.push(row);
          return void setTimeout(() => (res.writeHead(201), res.end(JSON.stringify(row))), postDelay);
        }
        if (req.method === "PUT") {
          const at = rows.findIndex((r) => String(r.id) === req.url!.split("/").pop());
          rows[at] = { ...JSON.parse(body), id: rows[at].id };
          return void res.end(JSON.stringify(rows[at]));
        }
        // The page is read now and answered later (a slow index).
        const page = JSON.stringify(rows);
        setTimeout(() => res.end(page), getDelay);
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

  const shown = () => Todo.all().map((t) => t.title).sort();

  it("brings the server's records when a new record is saved in the same tick", async () => {
    const pulled = Todo.sync({ remote: true });
    new Todo({ title: "new here", done: false }).save({ remote: true });
    const records = (await pulled) as Todo[];
    expect(records.map((t) => t.title).sort()).to.include.members(["on the server 1", "on the server 2", "on the server 3"]);
    await atmos.whenSynced();
    expect(shown()).to.deep.equal(["new here", "on the server 1", "on the server 2", "on the server 3"]);
    expect(atmos.dirty("Todo")).to.deep.equal([]);
  });

  it("shows the new record once when the server's page already holds it", async () => {
    new Todo({ title: "new here", done: false }).save({ remote: true });
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The POST is committed (row 4) but not answered yet: the page holds it.
    await Todo.sync({ remote: true });
    expect(shown()).to.deep.equal(["new here", "on the server 1", "on the server 2", "on the server 3"]);
    await atmos.whenSynced();
    expect(shown()).to.deep.equal(["new here", "on the server 1", "on the server 2", "on the server 3"]);
    expect(Todo.all().map((t) => String(t.id)).sort()).to.deep.equal(["1", "2", "3", "4"]);
  });

  // Found by an outside review of API.md ("resolves with the records"): the
  // pull waited for the create's answer, then left the record it made out of
  // what it resolved with (its version was newer than the page's), though
  // the page held it and the record is shown.
  it("resolves with the new record too, at its server id, when the server's page already holds it", async () => {
    new Todo({ title: "new here", done: false }).save({ remote: true });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const records = (await Todo.sync({ remote: true })) as Todo[];
    expect(records.map((t) => [String(t.id), t.title]).sort()).to.deep.equal([
      ["1", "on the server 1"],
      ["2", "on the server 2"],
      ["3", "on the server 3"],
      ["4", "new here"],
    ]);
  });

  it("shows the new record once when it was edited after its create left and the page holds the create's version", async () => {
    const todo = new Todo({ title: "new here", done: false });
    todo.save({ remote: true });
    await new Promise((resolve) => setTimeout(resolve, 30));
    todo.title = "renamed before the answer";
    todo.save({ remote: true });
    await Todo.sync({ remote: true });
    await atmos.whenSynced();
    expect(shown()).to.deep.equal(["on the server 1", "on the server 2", "on the server 3", "renamed before the answer"]);
    expect(Todo.all().map((t) => String(t.id)).sort()).to.deep.equal(["1", "2", "3", "4"]);
    expect(rows.map((r) => r.title)).to.include("renamed before the answer");
  });

  it("keeps a record created and acknowledged while a pull with remove: true was out", async () => {
    getDelay = 300;
    postDelay = 0;
    const pulled = Todo.sync({ remote: true, remove: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    new Todo({ title: "made during the pull", done: false }).save({ remote: true });
    await atmos.whenSynced();
    await pulled;
    expect(shown()).to.deep.equal(["made during the pull", "on the server 1", "on the server 2", "on the server 3"]);
    expect(atmos.syncState("Todo", "4")).to.equal("synced");
  });
});
