import { expect } from "chai";
import * as http from "http";
import Spine from "spine";
import "spine/lib/relation";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";

/**
 * Found by a Spine user trying the packed package against a Rails-like API:
 * ids are numbers there, and foreign keys too (`list_id: 100`). atmos2 keeps
 * numeric ids as strings locally ("100"), but foreign keys stayed numbers,
 * so Spine's relations, which compare with ===, found nothing:
 * `list.tasks().all()` was [] after a pull or a create's answer. Foreign
 * keys declared in `remoteKeys` now follow the ids: strings here, numbers
 * on the wire.
 */
class RelList extends Spine.Model {
  declare title: string;
  declare tasks: () => { all(): any[] };
}
RelList.configure("RelList", "title");
RelList.extend(Spine.Model.Atmosphere as object);

class RelTask extends Spine.Model {
  declare title: string;
  declare list_id: unknown;
}
RelTask.configure("RelTask", "title", "list_id");
RelTask.extend(Spine.Model.Atmosphere as object);
(RelTask as any).remoteKeys = { list_id: "RelList" };
(RelList as any).hasMany("tasks", RelTask, "list_id");

describe("Spine relations over a server with numeric ids (Rails, json-server)", () => {
  let server: http.Server;
  let atmos: Atmos;
  let rows: Record<string, Array<Record<string, unknown>>>;
  let posted: Array<Record<string, unknown>>;

  beforeEach(async () => {
    RelList.deleteAll();
    RelTask.deleteAll();
    rows = { lists: [], tasks: [] };
    posted = [];
    let next = 100;
    server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => {
        const collection = req.url!.split("/")[1];
        res.setHeader("Content-Type", "application/json");
        if (req.method === "GET") return void res.end(JSON.stringify(rows[collection]));
        const body = JSON.parse(text);
        posted.push(body);
        // A Rails model's integer column: "100" is stored as 100.
        const id = req.method === "PUT" ? Number(req.url!.split("/")[2]) : next++;
        const row = { ...body, id, ...(collection === "tasks" ? { list_id: Number(body.list_id) } : {}) };
        if (req.method === "POST") rows[collection].push(row);
        res.writeHead(req.method === "POST" ? 201 : 200).end(JSON.stringify(row));
      });
    });
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = await listen(server);
    atmos.resourceClient.routes = {
      RelList: { index: "GET /lists", create: "POST /lists", update: "PUT /lists/:id", delete: "DELETE /lists/:id" },
      RelTask: { index: "GET /tasks", create: "POST /tasks", update: "PUT /tasks/:id", delete: "DELETE /tasks/:id" },
    };
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  it("finds a list's tasks after their creates are answered, and sends the foreign key as the number the server gave", async () => {
    const list = new RelList({ title: "Groceries" }).save({ remote: true }) as RelList;
    (list.tasks() as any).create({ title: "Milk" }, { remote: true });
    await atmos.whenSynced();
    const shown = RelList.first() as RelList;
    expect(shown.id).to.equal("100");
    expect(shown.tasks().all().map((t) => t.title)).to.deep.equal(["Milk"]);
    expect(RelTask.findAllByAttribute("list_id", shown.id).map((t: any) => t.title)).to.deep.equal(["Milk"]);
    expect(posted[1]).to.include({ title: "Milk", list_id: 100 });
  });

  it("finds a list's tasks after a pull, and sends an edit's foreign key as a number", async () => {
    rows.lists.push({ id: 7, title: "Work" });
    rows.tasks.push({ id: 8, title: "Report", list_id: 7 });
    await RelList.sync({ remote: true });
    await RelTask.sync({ remote: true });
    const list = RelList.find("7") as RelList;
    expect(list.tasks().all().map((t) => t.title)).to.deep.equal(["Report"]);
    const task = RelTask.find("8") as RelTask;
    expect(task.list_id).to.equal("7");

    const put: Array<Record<string, unknown>> = [];
    server.prependListener("request", (req: http.IncomingMessage) => {
      let text = "";
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => req.method === "PUT" && put.push(JSON.parse(text)));
    });
    task.updateAttributes({ title: "Report, final" }, { remote: true });
    await atmos.whenSynced();
    expect(put).to.deep.equal([{ title: "Report, final", list_id: 7, id: 8 }]);
  });
});
