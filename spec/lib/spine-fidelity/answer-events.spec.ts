import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { List, resetModels } from "../models";

/**
 * Spine Ajax applies a server's answer with `record.refresh(data)`: a
 * `refresh` event, as for any data from outside. atmos2 fired `update` (and
 * `change` "update") when the answer differed, e.g. a server that adds
 * `updated`: a controller bound to `update` saw an edit the user never made
 * (found by a Spine user trying the packed package; the README says Spine's
 * events "behave as before").
 */
describe("the events a server's answer fires", () => {
  let server: http.Server;
  let atmos: Atmos;
  let events: string[];

  beforeEach(async () => {
    resetModels();
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const sent = JSON.parse(body || "{}");
        res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ ...sent, id: sent.id ?? "L1", updated: "2026-12-05T10:00:00.000Z" }));
      });
    });
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = await listen(server);
    events = [];
    List.bind("change", onChange);
  });
  // Only this spec's listener goes: List.unbind() would unbind atmos2's too.
  const onChange = (record: any, type: string) => events.push(`change:${type} ${record.updated ?? "-"}`);
  afterEach(async () => {
    List.unbind("change", onChange);
    atmos.close();
    await shutdown(server);
  });

  it("fires one refresh, with the server's id and fields, for the answer to a create", async () => {
    new List({ title: "Groceries" }).save({ remote: true });
    await atmos.whenSynced();
    expect(events).to.deep.equal(["change:create -", "change:refresh 2026-12-05T10:00:00.000Z"]);
    expect((List.first() as List).id).to.equal("L1");
  });

  it("fires refresh, not update, when the answer to a save differs from what was saved", async () => {
    const list = new List({ title: "Groceries" }).save({ remote: true }) as List;
    await atmos.whenSynced();
    events.length = 0;
    list.title = "Food";
    (List.find(list.id) as List).updateAttributes({ title: "Food" }, { remote: true });
    await atmos.whenSynced();
    expect(events).to.deep.equal(["change:update 2026-12-05T10:00:00.000Z"]);
    server.removeAllListeners("request").on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      req.resume().on("end", () => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ id: "L1", title: "Food", updated: "2026-12-05T11:00:00.000Z" })));
    });
    events.length = 0;
    (List.find("L1") as List).updateAttributes({ title: "Food" }, { remote: true });
    await atmos.whenSynced();
    expect(events).to.deep.equal(["change:update 2026-12-05T10:00:00.000Z", "change:refresh 2026-12-05T11:00:00.000Z"]);
  });
});
