import { expect } from "chai";
import * as http from "http";
import { Atmos, type ErrorPayload } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { List, models, resetModels } from "../models";

/**
 * The default itemsFromResult: the array as is, else `result.items`, else []
 * (Google leaves `items` out of an empty page; some servers send null). An `items` that is there but
 * is not a list is a bad response body, not an empty page.
 */
describe("the default itemsFromResult", () => {
  let server: http.Server;
  let body: unknown;
  let atmos: Atmos;
  let storage: MemoryStorage;

  beforeEach(async () => {
    resetModels();
    server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    });
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = await listen(server);
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  for (const items of [5, "L1", { id: "L1" }, true]) {
    it(`rejects a pull whose body is { items: ${JSON.stringify(items)} }, emits error, and stores nothing`, async () => {
      body = { kind: "tasks#taskLists", items };
      const errors: ErrorPayload[] = [];
      atmos.on("error", (payload) => errors.push(payload));
      const error = await models.List.sync({ remote: true }).then(() => null, (e: Error) => e);
      expect(error?.message).to.match(/List: itemsFromResult returned \w+, not an array; check resourceClient\.itemsFromResult/);
      expect(errors.map((e) => e.model)).to.deep.equal(["List"]);
      expect(List.all()).to.deep.equal([]);
      expect(storage.keys().filter((key) => key.startsWith("atmos2:rec:"))).to.deep.equal([]);
    });
  }

  it("still takes a body without items (or with items: null) as an empty page, and a bare array or { items: [...] } as the records", async () => {
    body = { kind: "tasks#taskLists" };
    expect(await models.List.sync({ remote: true })).to.deep.equal([]);
    body = { kind: "tasks#taskLists", items: null };
    expect(await models.List.sync({ remote: true })).to.deep.equal([]);
    body = [{ id: "L1", title: "bare" }];
    expect((await models.List.sync({ remote: true })).map((r: any) => r.title)).to.deep.equal(["bare"]);
    body = { items: [{ id: "L2", title: "wrapped" }] };
    expect((await models.List.sync({ remote: true })).map((r: any) => r.title)).to.deep.equal(["wrapped"]);
  });
});
