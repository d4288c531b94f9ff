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
  /** Sent as text/plain instead of body, when set. */
  let text: string | undefined;
  let atmos: Atmos;
  let storage: MemoryStorage;

  beforeEach(async () => {
    resetModels();
    text = undefined;
    server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": text === undefined ? "application/json" : "text/plain" });
      res.end(text ?? JSON.stringify(body));
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

  it("rejects a pull answered with text that is not JSON (a proxy's OK, a misrouted endpoint), naming it, and stores nothing", async () => {
    text = "OK";
    const error = await models.List.sync({ remote: true }).then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/List GET .*answered 200 with text, not JSON: "OK"; check resourceClient\.base and the routes/);
    expect(storage.keys().filter((key) => key.startsWith("atmos2:rec:"))).to.deep.equal([]);
    // No body at all is no page either (hostile-answers.spec.ts: a 204 is one).
    text = "";
    expect(await models.List.sync({ remote: true }).then(() => "resolved", (e: Error) => e.message)).to.match(/answered 200 with an empty body, not a page of records/);
    // An itemsFromResult of the app's own may read text.
    text = "L1,L2";
    atmos.resourceClient.itemsFromResult = (result: string) => result.split(",").map((id) => ({ id, title: id }));
    expect((await models.List.sync({ remote: true })).map((r: any) => r.title)).to.deep.equal(["L1", "L2"]);
  });

  // Found by a new user: { data: [...] } read as an empty list, and with remove: true
  // the synced local records went, with no error and no message.
  it("rejects an object with no items whose list is under another name, naming it and itemsFromResult, and removes nothing", async () => {
    body = [{ id: "L1", title: "kept" }];
    await models.List.sync({ remote: true });
    body = { data: [{ id: "L1", title: "kept" }], meta: { total: 1 } };
    const errors: ErrorPayload[] = [];
    atmos.on("error", (payload) => errors.push(payload));
    const error = await models.List.sync({ remote: true, remove: true }).then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/List GET .* answered an object with no "items"; its list looks to be in "data": set resourceClient\.itemsFromResult = \(result\) => result\.data/);
    expect(errors.map((e) => [e.model, e.status])).to.deep.equal([["List", 200]]);
    expect(List.all().map((r: any) => r.title), "nothing removed").to.deep.equal(["kept"]);
    // An itemsFromResult of the app's own reads it.
    atmos.resourceClient.itemsFromResult = (result: { data: unknown[] }) => result.data;
    expect((await models.List.sync({ remote: true, remove: true })).map((r: any) => r.title)).to.deep.equal(["kept"]);
  });

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
