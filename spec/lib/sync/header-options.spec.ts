import { expect } from "chai";
import { Atmos, type ErrorPayload, type ResourceClient } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { thrownBy } from "../../support/thrown-by";


/**
 * Headers are options too (API.md "Errors"): a name fetch would refuse is a
 * programmer error, thrown where it is set. Left to fetch, it failed every
 * send with fetch's TypeError, which looked like the network being down: the
 * app went offline and retried for ever.
 */
describe("header options", () => {
  let atmos: Atmos;
  let rc: ResourceClient;

  beforeEach(() => {
    resetModels();
    atmos = new Atmos({ storage: new MemoryStorage() });
    rc = atmos.resourceClient;
  });
  afterEach(() => atmos.close());

  const refused: Array<[string, (rc: ResourceClient) => void, RegExp]> = [
    ["rc.idempotencyHeader = 5", (rc) => ((rc as any).idempotencyHeader = 5), /^atmos2: resourceClient\.idempotencyHeader must be a header name \(letters, digits and !#\$%&'\*\+\.\^_`\|~-\) or null, got 5$/],
    ['rc.idempotencyHeader = "bad header name"', (rc) => (rc.idempotencyHeader = "bad header name"), /^atmos2: resourceClient\.idempotencyHeader must be a header name .*, got "bad header name"$/],
    ['rc.idempotencyHeader = ""', (rc) => (rc.idempotencyHeader = ""), /^atmos2: resourceClient\.idempotencyHeader must be a header name .*, got ""$/],
    ['rc.conditionalUpdates = "yes"', (rc) => ((rc as any).conditionalUpdates = "yes"), /^atmos2: resourceClient\.conditionalUpdates must be true or false, got "yes"$/],
    ['rc.addHeader("X Bad", "v")', (rc) => rc.addHeader("X Bad", "v"), /^atmos2: addHeader\(name, value\): "X Bad" is not a header name \(letters, digits and !#\$%&'\*\+\.\^_`\|~-\)$/],
    ['rc.addHeader("Authorization:", "v")', (rc) => rc.addHeader("Authorization:", "v"), /^atmos2: addHeader\(name, value\): "Authorization:" is not a header name/],
    ['rc.addHeader("Authorization", "Bearer a\\nb") (a line break; the value, a secret maybe, is not shown)', (rc) => rc.addHeader("Authorization", "Bearer a\nb"), /^atmos2: addHeader\(name, value\): the value of Authorization has a line break, NUL or character above \\u00ff$/],
  ];
  for (const [what, assign, message] of refused) {
    it(`throws at ${what}, naming the option and what it accepts`, () => {
      expect(thrownBy(() => assign(rc))).to.match(message);
    });
  }

  it("keeps the values it had when an assignment is refused", () => {
    rc.idempotencyHeader = "X-Request-Id";
    rc.conditionalUpdates = true;
    thrownBy(() => (rc.idempotencyHeader = "bad header name"));
    thrownBy(() => ((rc as any).conditionalUpdates = "yes"));
    thrownBy(() => rc.addHeader("X Bad", "v"));
    expect([rc.idempotencyHeader, rc.conditionalUpdates, rc.headers]).to.deep.equal(["X-Request-Id", true, {}]);
  });

  it("takes the header names and values the README shows, and null or undefined", () => {
    rc.addHeader("Authorization", "Bearer ya29.a0-_~+/=");
    rc.addHeader("X-CSRF-Token", "t0k3n==");
    rc.addHeader("X-Empty", "");
    rc.idempotencyHeader = "X-Idempotency-Key";
    rc.idempotencyHeader = null;
    expect(rc.idempotencyHeader).to.equal(null);
    (rc as any).idempotencyHeader = undefined;
    expect(rc.idempotencyHeader).to.equal("Idempotency-Key");
    rc.conditionalUpdates = true;
    (rc as any).conditionalUpdates = undefined;
    expect(rc.conditionalUpdates).to.equal(false);
    rc.conditionalUpdates = true;
    (rc as any).conditionalUpdates = null;
    expect(rc.conditionalUpdates).to.equal(false);
    expect(rc.headers).to.deep.equal({ Authorization: "Bearer ya29.a0-_~+/=", "X-CSRF-Token": "t0k3n==", "X-Empty": "" });
  });

  describe("a header that fetch refuses, set in beforeRequest", () => {
    let rails: RailsScaffoldServer;
    beforeEach(async () => {
      rails = await startRailsScaffoldServer();
      rc.base = rails.url;
    });
    afterEach(() => rails.close());

    it("parks the change as a setup mistake (type config) naming the header, and the app stays online", async () => {
      const errors: ErrorPayload[] = [];
      const offline: unknown[] = [];
      atmos.on("error", (payload) => errors.push(payload));
      atmos.on("offline", () => offline.push(true));
      rc.beforeRequest = (request, proceed) => {
        request.headers["X Trace Id"] = "1";
        proceed();
      };
      const todo = new Todo({ title: "bad header" });
      todo.save({ remote: true });
      await atmos.whenSynced();

      expect(rails.requests).to.have.length(0);
      expect(offline).to.deep.equal([]);
      expect(errors.map((e) => [e.type, e.status])).to.deep.equal([["config", 0]]);
      expect(errors[0].error.message).to.include('"X Trace Id"');
      expect(todo.syncState()).to.equal("failed");
      expect(atmos.status()).to.deep.include({ online: true, pending: 0, failed: 1 });
    });
  });
});
