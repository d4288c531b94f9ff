import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { resetModels, Todo } from "../models";

/**
 * Found from outside, with the README's Rails set-up: the page pulls at
 * start and saves a record the server refuses (422); the error callback
 * fixes it and saves again, so its create goes out again while the pull is
 * being applied. The pull took that create for one whose answer was lost
 * and left out every server record that looked like it: a record already on
 * the server was neither shown nor stored until the next pull. A create
 * sent again after its refusal, sent after the pull read the server, cannot
 * be in what the pull read.
 */
describe("offline: a pull while a refused create is fixed and saved again", () => {
  let server: http.Server;
  let rows: Array<Record<string, unknown>>;
  let atmos: Atmos;

  beforeEach(async () => {
    resetModels();
    rows = [
      { id: 1, title: "Milk", done: false },
      { id: 2, title: "Bread", done: false },
    ];
    // A Rails-like API: a blank title is refused (422); a create is committed and answered after 100 ms.
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        res.setHeader("Content-Type", "application/json");
        if (req.method === "POST") {
          const attrs = JSON.parse(body) as Record<string, unknown>;
          if (!attrs.title) return void setTimeout(() => (res.writeHead(422), res.end(JSON.stringify({ title: ["can't be blank"] }))), 100);
          const row = { ...attrs, id: rows.length + 1 };
          rows.push(row);
          return void setTimeout(() => (res.writeHead(201), res.end(JSON.stringify(row))), 100);
        }
        const page = JSON.stringify(rows);
        setTimeout(() => res.end(page), 20);
      });
    });
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = await listen(server);
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  it("shows and stores every record the server has, the fixed record's twin too", async () => {
    const pulled = Todo.sync({ remote: true });
    const todo = new Todo({ title: "", done: false });
    todo.save({
      remote: true,
      error: () => {
        todo.title = "Milk";
        todo.save({ remote: true });
      },
    });
    const records = (await pulled) as Todo[];
    expect(records.map((t) => `${t.id} ${t.title}`).sort(), "what the pull resolves with").to.include.members(["1 Milk", "2 Bread"]);
    expect(Todo.exists("1"), "the server's Milk is shown").to.be.ok;
    await atmos.whenSynced();
    expect(Todo.all().map((t) => `${t.id} ${t.title}`).sort()).to.deep.equal(["1 Milk", "2 Bread", "3 Milk"]);
    expect(atmos.metaContext.get("Todo", "1"), "the server's Milk is stored").to.be.ok;
    expect(rows).to.have.length(3);
  });
});
