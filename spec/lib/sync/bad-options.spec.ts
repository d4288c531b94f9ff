import { expect } from "chai";
import { Atmos, type ResourceClient } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { thrownBy } from "../../support/thrown-by";


/**
 * API.md "Errors": a bad option is a programmer error and throws, naming the
 * thing to fix. It throws where it is set, not later, far from the cause.
 */
describe("bad options", () => {
  let atmos: Atmos;
  let rc: ResourceClient;

  beforeEach(() => {
    resetModels();
    atmos = new Atmos({ storage: new MemoryStorage() });
    rc = atmos.resourceClient;
  });
  afterEach(() => atmos.close());

  const refused: Array<[string, (rc: ResourceClient, atmos: Atmos) => void, RegExp]> = [
    ['rc.dataCoding = "xml"', (rc) => ((rc as any).dataCoding = "xml"), /^atmos2: resourceClient\.dataCoding must be "json" or "form", got "xml"$/],
    ['atmos.offlineStatusCodes = "503"', (_, atmos) => ((atmos as any).offlineStatusCodes = "503"), /^atmos2: atmos\.offlineStatusCodes must be an array of statuses \(0 for no answer, else 100 to 599\) or a function, got "503"$/],
    ["atmos.offlineStatusCodes = [600] (no HTTP status)", (_, atmos) => ((atmos as any).offlineStatusCodes = [600]), /atmos\.offlineStatusCodes must be .*, got \[600\]$/],
    ['atmos.offlineStatusCodes = ["503"]', (_, atmos) => ((atmos as any).offlineStatusCodes = ["503"]), /atmos\.offlineStatusCodes must be .*, got \["503"\]$/],
    ["rc.formRoot = 5", (rc) => ((rc as any).formRoot = 5), /^atmos2: resourceClient\.formRoot must be a non-empty string, false or undefined, got 5$/],
    ['rc.formRoot = "" (keys would read [title]=…)', (rc) => ((rc as any).formRoot = ""), /resourceClient\.formRoot must be .*, got ""$/],
    ["rc.formRoot = true", (rc) => ((rc as any).formRoot = true), /resourceClient\.formRoot must be .*, got true$/],
    ['rc.IDField = ""', (rc) => (rc.IDField = ""), /^atmos2: resourceClient\.IDField must be a non-empty string, got ""$/],
    ['rc.beforeRequest = "x"', (rc) => ((rc as any).beforeRequest = "x"), /^atmos2: resourceClient\.beforeRequest must be a function or undefined, got "x"$/],
    ['rc.fetch = "x"', (rc) => ((rc as any).fetch = "x"), /^atmos2: resourceClient\.fetch must be a function, got "x"$/],
    ["rc.base = 5", (rc) => ((rc as any).base = 5), /^atmos2: resourceClient\.base must be a URL \(absolute, such as "http:\/\/localhost:3000\/api", or a path in a page\) without spaces around it, got 5$/],
    // Found by a new user: accepted, it later got a suggestion of "http://localhost:3000/  http://…".
    ['rc.base = "  http://localhost:3001" (spaces pasted in)', (rc) => (rc.base = "  http://localhost:3001"), /^atmos2: resourceClient\.base must be a URL \(absolute, such as "http:\/\/localhost:3000\/api", or a path in a page\) without spaces around it, got " {2}http:\/\/localhost:3001"$/],
    // Found by a new user: accepted, each save was then taken for the network being down and retried for ever.
    ['rc.base = "http://localhost:99999" (port out of range)', (rc) => (rc.base = "http://localhost:99999"), /^atmos2: resourceClient\.base must be a URL .*, got "http:\/\/localhost:99999"$/],
    ['rc.base = "http://a b" (a space in the host)', (rc) => (rc.base = "http://a b"), /^atmos2: resourceClient\.base must be a URL .*, got "http:\/\/a b"$/],
    ['rc.base = "http://localhost:3001:3001"', (rc) => (rc.base = "http://localhost:3001:3001"), /resourceClient\.base must be a URL .*, got "http:\/\/localhost:3001:3001"$/],
    ['rc.timeout = "30s"', (rc) => ((rc as any).timeout = "30s"), /^atmos2: resourceClient\.timeout must be a number above 0 and at most 2147483647 \(ms\), or Infinity for none, got "30s"$/],
    ["rc.timeout = 3e9 (above setTimeout's 2^31-1 ms)", (rc) => (rc.timeout = 3e9), /^atmos2: resourceClient\.timeout must be a number above 0 and at most 2147483647 \(ms\), or Infinity for none, got 3000000000$/],
    ['rc.timeout = "5"', (rc) => ((rc as any).timeout = "5"), /resourceClient\.timeout must be .*, got "5"$/],
    ["rc.timeout = -5", (rc) => (rc.timeout = -5), /resourceClient\.timeout must be .*, got -5$/],
    ['rc.base = new URL("https://api.example.com/v1") (not shown as if a string were refused)', (rc) => ((rc as any).base = new URL("https://api.example.com/v1")), /^atmos2: resourceClient\.base must be a URL \(absolute, such as "http:\/\/localhost:3000\/api", or a path in a page\) without spaces around it, got a URL object$/],
    ["rc.timeout = NaN (not shown as null, which is taken)", (rc) => (rc.timeout = NaN), /^atmos2: resourceClient\.timeout must be .*, got NaN$/],
    ["rc.timeout = -Infinity", (rc) => (rc.timeout = -Infinity), /resourceClient\.timeout must be .*, got -Infinity$/],
    ["rc.IDField = new Date(0)", (rc) => ((rc as any).IDField = new Date(0)), /^atmos2: resourceClient\.IDField must be a non-empty string, got a Date object$/],
    ["rc.fetch = Symbol()", (rc) => ((rc as any).fetch = Symbol("f")), /^atmos2: resourceClient\.fetch must be a function, got a symbol$/],
    ["rc.itemsFromResult = {}", (rc) => ((rc as any).itemsFromResult = {}), /^atmos2: resourceClient\.itemsFromResult must be a function, got \{\}$/],
  ];
  for (const [what, assign, message] of refused) {
    it(`throws at ${what}, naming the option and what it accepts`, () => {
      expect(thrownBy(() => assign(rc, atmos))).to.match(message);
    });
  }

  // Found by a new user: execute({ methd: "POST" }) went out as a GET, addHeader("X",
  // undefined) sent "X: undefined", and atmos.on("eror", fn) listened to nothing.
  it("rejects execute() with a misspelt option or a method that is no HTTP method, naming it", async () => {
    const rejection = (options: unknown) => rc.execute(options as never).then(() => "resolved", (error: Error) => error.message);
    expect(await rejection({ methd: "POST", path: "/tasks" })).to.equal("atmos2: execute({ methd }) is not an option; the options are method, path, pathParams, params, data, headers");
    expect(await rejection({ method: "PO ST", path: "/tasks" })).to.equal('atmos2: execute({ method }) must be an HTTP method such as "POST", got "PO ST"');
    expect(await rejection({ path: "/tasks", params: "a=1" })).to.equal('atmos2: execute({ params }) must be an object, got "a=1"');
  });

  it("throws at addHeader(name, undefined), saying removeHeader takes a header away", () => {
    expect(thrownBy(() => rc.addHeader("X-Token", undefined as never))).to.equal("atmos2: addHeader(name, value): the value of X-Token must be a string or a number (removeHeader(name) takes a header away), got undefined");
    expect(rc.headers).to.not.have.property("X-Token");
    rc.addHeader("X-Count", 3 as never);
    expect(rc.headers).to.include({ "X-Count": "3" });
  });

  it("throws at atmos.on() with an event atmos2 never emits, naming the one meant, or a listener that is no function", () => {
    expect(thrownBy(() => atmos.on("eror" as never, () => undefined))).to.equal('atmos2: atmos.on("eror"): there is no such event; did you mean "error"?');
    expect(thrownBy(() => atmos.on("synced" as never, () => undefined))).to.match(/^atmos2: atmos\.on\("synced"\): there is no such event; the events are auth_fail, auth_success, error, online, offline, status, conflict, live:connected, /);
    expect(thrownBy(() => atmos.on("error", 5 as never))).to.equal("atmos2: atmos.on(\"error\", listener): the listener must be a function, got 5");
    expect(typeof atmos.on("live:change", () => undefined), "a live event, before the live part is loaded").to.equal("function");
  });

  it("throws at new Atmos({ prefix: 5 }), naming the option", () => {
    expect(thrownBy(() => new Atmos({ storage: new MemoryStorage(), prefix: 5 as any }))).to.equal("atmos2: new Atmos({ prefix }) must be a non-empty string, got 5");
  });

  it("keeps the value it had when an assignment is refused", () => {
    rc.dataCoding = "form";
    thrownBy(() => ((rc as any).dataCoding = "xml"));
    expect(rc.dataCoding).to.equal("form");
  });

  it("takes every value API.md and the README show", () => {
    const fetchLike = async () => new Response("[]");
    rc.base = "https://tasks.googleapis.com/tasks/v1";
    rc.IDField = "_id";
    rc.dataCoding = "form";
    rc.formRoot = "item";
    rc.formRoot = false;
    rc.formRoot = undefined;
    rc.timeout = 5000;
    rc.timeout = Infinity;
    rc.timeout = 2147483647;
    rc.beforeRequest = (_request, proceed) => proceed();
    rc.fetch = fetchLike;
    rc.itemsFromResult = (result) => result.items;
    atmos.offlineStatusCodes = [0, 418];
    atmos.offlineStatusCodes = (response) => response.status === 0;
    expect([rc.base, rc.IDField, rc.dataCoding, rc.formRoot, rc.timeout, rc.fetch]).to.deep.equal(["https://tasks.googleapis.com/tasks/v1", "_id", "form", undefined, 2147483647, fetchLike]);
  });

  it("gives each Atmos its own copy of the default offlineStatusCodes", () => {
    const other = new Atmos({ storage: new MemoryStorage() });
    (atmos.offlineStatusCodes as number[]).push(418);
    expect(other.offlineStatusCodes).to.deep.equal([0, 408, 502, 503, 504]);
    other.close();
  });

  describe("null or undefined puts the default back", () => {
    let rails: RailsScaffoldServer;
    beforeEach(async () => {
      rails = await startRailsScaffoldServer();
      rc.base = rails.url;
    });
    afterEach(() => rails.close());

    it("removes the beforeRequest hook and goes back to the global fetch, JSON bodies and result.items", async () => {
      const seen: string[] = [];
      rc.beforeRequest = (request, proceed) => (seen.push("hook"), proceed());
      rc.fetch = (url, init) => (seen.push("fetch"), fetch(url, init));
      rc.dataCoding = "form";
      rc.itemsFromResult = () => "not an array";
      rc.beforeRequest = undefined;
      (rc as any).fetch = undefined;
      (rc as any).dataCoding = null;
      (rc as any).itemsFromResult = undefined;
      (atmos as any).offlineStatusCodes = undefined;

      new Todo({ title: "json again" }).save({ remote: true });
      await atmos.whenSynced();
      expect(seen).to.deep.equal([]);
      expect(rails.requests[0].headers["content-type"]).to.equal("application/json");
      expect(rc.itemsFromResult({ items: [1] })).to.deep.equal([1]);
      expect(atmos.offlineStatusCodes).to.deep.equal([0, 408, 502, 503, 504]);
    });

    it("takes the routes back to none (the REST defaults), and idempotencyHeader back to Idempotency-Key, while null still sends none", () => {
      rc.routes = { Todo: { index: "GET /elsewhere" } };
      (rc as any).routes = null;
      expect(rc.routes).to.deep.equal({});
      rc.routes = { Todo: { index: "GET /elsewhere" } };
      (rc as any).routes = undefined;
      expect(rc.routes).to.deep.equal({});
      (rc as any).idempotencyHeader = undefined;
      expect(rc.idempotencyHeader).to.equal("Idempotency-Key");
      rc.idempotencyHeader = null;
      expect(rc.idempotencyHeader).to.equal(null);
    });
  });
});
