import { expect } from "chai";
import * as http from "http";
import { Atmos, type ErrorPayload } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { List, resetModels } from "../models";

/**
 * Found by a hostile-server review: an API moved to another path answers a
 * create with a 301 (or 302, 303); fetch follows it as a GET, and the list
 * there came back as the answer. The error said to set resourceClient.IDField,
 * which was not what to fix.
 */
describe("a create the server redirects", () => {
  let server: http.Server;
  let atmos: Atmos;
  let base: string;

  beforeEach(async () => {
    resetModels();
    server = http.createServer((req, res) => {
      if (req.url!.startsWith("/v2/")) return void res.writeHead(200, { "Content-Type": "application/json" }).end("[]");
      res.writeHead(301, { Location: `/v2${req.url}` }).end();
    });
    base = await listen(server);
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = base;
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
  });

  it("parks it with an error that says where it was redirected and what to change; the record stays", async () => {
    const errors: ErrorPayload[] = [];
    atmos.on("error", (payload) => errors.push(payload));
    const list = new List({ title: "Groceries" }).save({ remote: true }) as List;
    await atmos.whenSynced();
    expect(errors.map((e) => e.error.message)).to.deep.equal([
      `List: the create was redirected to ${base}/v2/lists, and after a 301, 302 or 303 a POST goes on as a GET, which saves nothing; point resourceClient.base and the routes at the address that answers (the answer there, 200, was a list, not the record saved)`,
    ]);
    expect((List.find(list.id) as any).syncState()).to.equal("failed");
  });

  // Found by a review at the network's edge: where the page redirected to
  // answered an object, the message led with resourceClient.IDField.
  it("leads with the redirect, not IDField, when the answer there is an object without an id", async () => {
    server.removeAllListeners("request");
    server.on("request", (req, res) => {
      if (req.url!.startsWith("/v2/")) return void res.writeHead(200, { "Content-Type": "application/json" }).end('{"items":[]}');
      res.writeHead(302, { Location: `/v2${req.url}` }).end();
    });
    const errors: ErrorPayload[] = [];
    atmos.on("error", (payload) => errors.push(payload));
    new List({ title: "Groceries" }).save({ remote: true });
    await atmos.whenSynced();
    expect(errors.map((e) => e.error.message)).to.deep.equal([
      `List: the create was redirected to ${base}/v2/lists, and after a 301, 302 or 303 a POST goes on as a GET, which saves nothing; point resourceClient.base and the routes at the address that answers (the answer there, 200, was an object without "id", not the record saved)`,
    ]);
  });
});
