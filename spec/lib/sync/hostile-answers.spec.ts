import { expect } from "chai";
import * as http from "http";
import { Atmos, type ErrorPayload } from "../../../lib";
import { liveHostOf } from "../../../lib/live/live-apply";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { List, models, resetModels } from "../models";

/**
 * Found by a hostile-server review: answers a broken or hostile server may
 * send. Each fails the pull (or the live change) with a message naming what
 * is wrong; nothing of it is stored, the model keeps working (after a
 * reload too), and records saved here stay.
 */
describe("answers from a broken or hostile server", () => {
  let server: http.Server;
  let other: http.Server | undefined;
  /** The index answer, as text (so it may hold keys such as "__proto__"). */
  let answer: string;
  let headers: Record<string, string>;
  const seen: string[] = [];
  let atmos: Atmos;
  let storage: MemoryStorage;
  let errors: ErrorPayload[];

  beforeEach(async () => {
    resetModels();
    seen.length = 0;
    headers = {};
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "Content-Type": "application/json", ...headers });
      res.end(answer);
    });
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = await listen(server);
    errors = [];
    atmos.on("error", (payload) => errors.push(payload));
  });
  afterEach(async () => {
    atmos.close();
    await shutdown(server);
    if (other) await shutdown(other);
    other = undefined;
  });

  const records = () => storage.keys().filter((key) => key.startsWith("atmos2:rec:"));
  const pullError = () => models.List.sync({ remote: true, remove: true }).then(() => "resolved", (error: Error) => error.message);
  /** Reads storage as the next page load does. */
  const reload = async () => {
    atmos.close();
    List.deleteAll();
    atmos = new Atmos({ storage });
    await models.List.sync();
  };

  const refused: Array<[string, string, RegExp]> = [
    ['a record with a "__proto__" field', '[{ "id": "L1", "title": "x", "__proto__": { "clone": 1 } }]', /List: a record from the server has a field "__proto__", which a Spine record cannot hold; nothing from this response was stored/],
    ['a record with a "constructor" field', '[{ "id": "L1", "title": "x", "constructor": "x" }]', /has a field "constructor", which a Spine record cannot hold/],
    ['the id "toString"', '[{ "id": "toString", "title": "x" }]', /List: a record from the server has the id "toString", which Spine cannot index: every object has a "toString"/],
    ['the id "__proto__"', '[{ "id": "__proto__", "title": "x" }]', /has the id "__proto__", which Spine cannot index/],
    ["a field nested 100,000 levels deep (JSON.stringify overflows: every later write to storage failed)", `[{ "id": "L1", "title": "x", "deep": ${"[".repeat(100000)}${"]".repeat(100000)} }]`, /has a field "deep" nested more than 1000 levels deep/],
    ["an id that is an object", '[{ "id": { "a": 1 }, "title": "x" }, { "id": { "b": 2 }, "title": "y" }]', /has an id that is not a string or a number \(\{"a":1\}\)/],
    // Found by an attacker's review: Spine's load() calls a field named after
    // a record method, so a pulled "changeID" moved a record onto another's id
    // (its unsent edit lost), and "destroy" deleted it here and at the server.
    ['a record with a "destroy" field', '[{ "id": "L1", "title": "x", "destroy": 1 }]', /List: a record from the server has a field "destroy", which Spine would run as the record's destroy\(\) method instead of keeping it; nothing from this response was stored/],
    ['a record with a "changeID" field', '[{ "id": "L1", "title": "x", "changeID": "L2" }]', /has a field "changeID", which Spine would run as the record's changeID\(\) method/],
    ['a record with an "updateAttributes" field', '[{ "id": "L1", "title": "x", "updateAttributes": { "title": "sent back" } }]', /has a field "updateAttributes", which Spine would run/],
    ['the id ".."', '[{ "id": "..", "title": "x" }]', /has the id "\.\.", which a URL reads as a step up the path: a request for it would reach another address/],
  ];
  for (const [what, body, message] of refused) {
    it(`refuses a pull holding ${what}, keeps what was here, and still loads after a reload`, async () => {
      const mine = new List({ title: "mine, unsent" }).save() as unknown as { id: string };
      answer = body;
      expect(await pullError()).to.match(message);
      expect(errors.map((e) => e.model)).to.deep.equal(["List"]);
      expect(({} as Record<string, unknown>).clone, "Object.prototype").to.equal(undefined);
      expect(records()).to.deep.equal([`atmos2:rec:List:${mine.id}`]);
      await reload();
      expect(List.all().map((l) => (l as unknown as { title: string }).title)).to.deep.equal(["mine, unsent"]);
    });
  }

  it("refuses a live change with the id \"toString\" or a \"__proto__\" field, and stores nothing", async () => {
    const live = liveHostOf(atmos);
    const refusal = (change: object) => live.applyLiveChange(change as never).then(() => "applied", (error: Error) => error.message);
    expect(await refusal({ type: "created", collection: "lists", id: "toString", attrs: { title: "x" } })).to.equal('live: a created change of lists has the id "toString", which Spine cannot index: every object has a "toString"; it was not applied');
    expect(await refusal(JSON.parse('{ "type": "updated", "collection": "lists", "id": "L1", "attrs": { "__proto__": { "clone": 1 } } }'))).to.match(/has a field "__proto__", which a Spine record cannot hold; it was not applied$/);
    expect(records()).to.deep.equal([]);
    expect(List.all()).to.deep.equal([]);
  });

  // Found by an attacker's review: anyone who may publish on a channel made
  // every subscriber's client delete and rewrite records at the REST API,
  // with the subscriber's own token, and take over a record with an unsent edit.
  it("refuses live changes with fields named after Spine record methods: nothing is sent, deleted or moved, and the unsent edit stays", async () => {
    answer = '[{ "id": "L1", "title": "shared" }, { "id": "L2", "title": "mine" }]';
    await models.List.sync({ remote: true });
    const mine = List.find("L2") as unknown as { title: string; save(): void };
    mine.title = "my unsent edit";
    mine.save();
    const live = liveHostOf(atmos);
    const refusal = (attrs: object) => live.applyLiveChange({ type: "updated", collection: "lists", id: "L1", attrs: { id: "L1", title: "theirs", ...attrs } } as never).then(() => "applied", (error: Error) => error.message);
    expect(await refusal({ changeID: "L2" })).to.equal('live: an updated change of lists has a field "changeID", which Spine would run as the record\'s changeID() method instead of keeping it; it was not applied');
    expect(await refusal({ destroy: { remote: true } })).to.match(/has a field "destroy", which Spine would run/);
    expect(await refusal({ updateAttributes: { title: "sent back" } })).to.match(/has a field "updateAttributes", which Spine would run/);
    expect(await refusal({ trigger: "destroy" })).to.match(/has a field "trigger", which Spine would run/);
    await reload();
    expect(List.all().map((l) => [l.id, (l as unknown as { title: string }).title, l.syncState()])).to.deep.equal([
      ["L1", "shared", "synced"],
      ["L2", "my unsent edit", "local"],
    ]);
    expect(seen).to.deep.equal([`GET /lists`]);
  });

  // Found by a review: refusing every record method's name refused whole pulls
  // from servers that send an "attributes" field (JSON:API, Home Assistant).
  it("keeps a record with fields named after methods that only answer (attributes, validate, clone), leaving them off the record as Spine does", async () => {
    answer = '[{ "id": "L1", "title": "x", "attributes": { "color": "red" }, "validate": true, "clone": 1, "valueOf": 2 }]';
    expect(await pullError()).to.equal("resolved");
    expect((List.find("L1") as unknown as { title: string }).title).to.equal("x");
    expect(errors).to.deep.equal([]);
  });

  it("keeps a field the app's own model turns into a setter method, as Spine's load() does", async () => {
    const proto = (List as unknown as { prototype: Record<string, unknown> }).prototype;
    proto.label = function (this: { title: string }, value: string) {
      this.title = `labelled ${value}`;
    };
    try {
      answer = '[{ "id": "L1", "title": "x", "label": "by the server" }]';
      await models.List.sync({ remote: true });
      expect((List.find("L1") as unknown as { title: string }).title).to.equal("labelled by the server");
    } finally {
      delete proto.label;
    }
  });

  it("refuses a live change whose id and attrs.id name two records, naming both, and stores nothing", async () => {
    const live = liveHostOf(atmos);
    const refusal = (change: object) => live.applyLiveChange(change as never).then(() => "applied", (error: Error) => error.message);
    expect(await refusal({ type: "updated", collection: "lists", id: "L1", attrs: { id: "L2", title: "x" } })).to.equal(
      'live: an updated change of lists has the id "L1" but its attrs.id is "L2"; which record it is for is unclear, so it was not applied',
    );
    expect(records()).to.deep.equal([]);
    // The same id as a number and as a string is one record.
    expect(await refusal({ type: "created", collection: "lists", id: 7, attrs: { id: "7", title: "seven" } })).to.equal("applied");
    expect(List.all().map((l) => l.id)).to.deep.equal(["7"]);
  });

  for (const body of ["123", "true"]) {
    it(`refuses an index answered ${body} (not a list) instead of reading it as empty, and removes nothing`, async () => {
      answer = '[{ "id": "L1", "title": "synced" }]';
      await models.List.sync({ remote: true });
      answer = body;
      expect(await pullError()).to.match(/List: itemsFromResult returned (number|boolean), not an array/);
      expect(List.all().map((l) => l.id)).to.deep.equal(["L1"]);
    });
  }

  // Found by a hostile-server review: a 200 with no body at all (a proxy, a
  // cut answer) read as an empty page, and remove: true dropped every synced record.
  it("refuses an index answered 200 with an empty body instead of reading it as empty, and removes nothing", async () => {
    answer = '[{ "id": "L1", "title": "synced" }]';
    await models.List.sync({ remote: true });
    answer = "";
    expect(await pullError()).to.equal(`List GET ${atmos.resourceClient.base}/lists answered 200 with an empty body, not a page of records; check the server or resourceClient.base and the routes (a 204, or [], is an empty page)`);
    expect(errors.map((e) => e.type)).to.deep.equal(["parse"]);
    expect(List.all().map((l) => l.id)).to.deep.equal(["L1"]);
  });

  // Found by a hostile-server review: sync() resolved with the record twice.
  it("takes a record listed twice in a pull as one record, the last copy, and resolves with it once", async () => {
    answer = '[{ "id": "L1", "title": "first copy" }, { "id": "L2", "title": "other" }, { "id": "L1", "title": "last copy" }]';
    const records = (await models.List.sync({ remote: true })) as List[];
    expect(records.map((l) => [l.id, (l as unknown as { title: string }).title])).to.deep.equal([
      ["L1", "last copy"],
      ["L2", "other"],
    ]);
    expect(List.count()).to.equal(2);
  });

  // A Go server's empty list (a nil slice) is JSON null; a 204 says "nothing".
  for (const [what, body, status] of [["JSON null", "null", 200], ["204 No Content", "", 204]] as const) {
    it(`reads an index answered ${what} as an empty page`, async () => {
      answer = '[{ "id": "L1", "title": "synced" }]';
      await models.List.sync({ remote: true });
      answer = body;
      if (status === 204) server.removeAllListeners("request").on("request", (_req, res) => res.writeHead(204).end());
      expect(await pullError()).to.equal("resolved");
      expect(List.all()).to.deep.equal([]);
    });
  }

  it("refuses a next-page Link to another origin, sending it neither the token nor a request, and removes nothing", async () => {
    const stolen: string[] = [];
    other = http.createServer((req, res) => {
      stolen.push(String(req.headers.authorization));
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('[{ "id": "evil", "title": "injected" }]');
    });
    const elsewhere = await listen(other);
    atmos.resourceClient.addHeader("Authorization", "Bearer SECRET");
    answer = '[{ "id": "L1", "title": "synced" }]';
    await models.List.sync({ remote: true });
    headers = { Link: `<${elsewhere}/steal>; rel="next"` };
    expect(await pullError()).to.match(/List: the server's Link header points the next page to another origin \(http:\/\/127\.0\.0\.1:\d+\/steal\); nothing from this pull was stored/);
    expect(stolen).to.deep.equal([]);
    expect(List.all().map((l) => l.id)).to.deep.equal(["L1"]);
  });

  it("follows a next-page Link that names this machine another way (localhost for 127.0.0.1)", async () => {
    const port = new URL(atmos.resourceClient.base).port;
    let page = 0;
    server.removeAllListeners("request");
    server.on("request", (req, res) => {
      page++;
      const next = page === 1 ? { Link: `<http://localhost:${port}/lists?page=2>; rel="next"` } : {};
      res.writeHead(200, { "Content-Type": "application/json", ...next });
      res.end(JSON.stringify([{ id: `L${page}`, title: `page ${page}` }]));
    });
    expect((await models.List.sync({ remote: true })).map((l: any) => l.title)).to.deep.equal(["page 1", "page 2"]);
  });

  it("stops a pull whose pages never end, after 10,000, as failed: nothing stored, nothing removed", async function () {
    this.timeout(120_000);
    answer = '[{ "id": "L1", "title": "synced" }]';
    await models.List.sync({ remote: true });
    let page = 0;
    server.removeAllListeners("request");
    server.on("request", (_req, res) => {
      page++;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ items: [], nextPageToken: `p${page}` }));
    });
    expect(await pullError()).to.match(/List: the server kept sending next pages \(10000 of them\); nothing from this pull was stored/);
    expect(page).to.equal(10000);
    expect(List.all().map((l) => l.id)).to.deep.equal(["L1"]);
  });

  // Found by a review at the network's edge: a server that ignores the page
  // token sends page 1 again with the same next token. The pull ended there
  // as if complete, and remove: true dropped the records on later pages
  // (and records not yet sent) here, with no error.
  for (const [kind, next, said] of [
    ["nextPageToken", () => ({ body: { nextPageToken: "p2" }, headers: {} }), /\(nextPageToken "p2" came twice\)/],
    ["Link header", (port: string) => ({ body: {}, headers: { Link: `<http://localhost:${port}/lists?page=2>; rel="next"` } }), /\(the Link rel="next" http:\/\/localhost:\d+\/lists\?page=2 came twice\)/],
  ] as const) {
    it(`fails a pull whose next page (${kind}) leads back to a page already read: nothing stored, nothing removed`, async () => {
      answer = '[{ "id": "L1", "title": "synced" }, { "id": "L9", "title": "on page 2" }]';
      await models.List.sync({ remote: true });
      const unsent = models.List.create({ title: "made here" }, { remote: false }) as any;
      const port = new URL(atmos.resourceClient.base).port;
      let requests = 0;
      server.removeAllListeners("request");
      server.on("request", (_req, res) => {
        requests++;
        const { body, headers: more } = next(port) as { body: Record<string, unknown>; headers: Record<string, string> };
        res.writeHead(200, { "Content-Type": "application/json", ...more });
        // Page 1 every time: the server ignores pageToken / page.
        res.end(JSON.stringify({ items: [{ id: "L1", title: "synced, renamed" }], ...body }));
      });
      const message = await pullError();
      expect(message).to.match(/^List: the server's next page leads back to a page this pull already read /);
      expect(message).to.match(said);
      expect(message).to.match(/nothing from this pull was stored/);
      expect(requests).to.equal(2);
      expect(List.all().map((l) => l.id).sort()).to.deep.equal(["L1", "L9", unsent.id].sort());
      expect((List.find("L1") as any).title, "nothing of the pull stored").to.equal("synced");
      expect(errors.at(-1)!.error.message).to.match(/leads back to a page/);
    });
  }
});
