import { expect } from "chai";
import { backoffDelay, classifyFailure, type FailureKind } from "../../../lib/sync/retry-policy";
import { SyncError } from "../../../lib";

const failure = (status: number, type: "http" | "network" | "timeout" | "config" = "http") => new SyncError(`HTTP ${status}`, { status, type });
const defaults = [0, 408, 502, 503, 504];

describe("retry policy", () => {
  const table: Array<[number, "create" | "update" | "destroy" | "index", FailureKind]> = [
    [0, "create", "offline"],
    [408, "update", "offline"],
    [502, "update", "offline"],
    [503, "create", "offline"],
    [504, "destroy", "offline"],
    [401, "update", "auth"],
    [401, "index", "auth"],
    [404, "destroy", "gone"],
    [410, "destroy", "gone"],
    [429, "create", "transient"],
    [500, "update", "transient"],
    [400, "create", "park"],
    [404, "update", "park"],
    [409, "update", "park"],
    [422, "create", "park"],
  ];
  for (const [status, op, kind] of table) {
    it(`treats ${status} answering a ${op} as ${kind}`, () => {
      expect(classifyFailure(failure(status), op, defaults)).to.equal(kind);
    });
  }

  it("treats a network failure or a timeout as offline whatever the codes", () => {
    expect(classifyFailure(failure(0, "network"), "create", [])).to.equal("offline");
    expect(classifyFailure(failure(0, "timeout"), "create", [])).to.equal("offline");
  });

  it("parks a setup mistake (a resourceClient.base fetch cannot use): no retry can help, even where status 0 means offline", () => {
    expect(classifyFailure(failure(0, "config"), "create", defaults)).to.equal("park");
    expect(classifyFailure(failure(0, "config"), "index", () => true)).to.equal("park");
  });

  it("takes a custom offlineStatusCodes array", () => {
    expect(classifyFailure(failure(500), "update", [500])).to.equal("offline");
    expect(classifyFailure(failure(503), "update", [500])).to.equal("transient");
  });

  it("takes offlineStatusCodes as a function of the failed response", () => {
    const seen: number[] = [];
    const offline = (response: { status: number; error: SyncError }) => {
      seen.push(response.status);
      return response.status === 418 && response.error instanceof SyncError;
    };
    expect(classifyFailure(failure(418), "update", offline)).to.equal("offline");
    expect(classifyFailure(failure(422), "update", offline)).to.equal("park");
    expect(seen).to.deep.equal([418, 422]);
  });

  describe("backoff", () => {
    it("retries within 1 s the first time, and never at once", () => {
      expect(backoffDelay(0, () => 0.999)).to.be.at.most(1000);
      expect(backoffDelay(0, () => 0)).to.be.greaterThan(0);
    });

    it("doubles the ceiling on each attempt", () => {
      const top = (n: number) => backoffDelay(n, () => 1);
      expect([0, 1, 2, 3, 4].map(top)).to.deep.equal([1000, 2000, 4000, 8000, 16000]);
    });

    it("never waits more than 30 s", () => {
      for (const n of [5, 6, 10, 40, 1000]) expect(backoffDelay(n, () => 1)).to.equal(30000);
    });

    it("spreads clients out with jitter", () => {
      expect(backoffDelay(3, () => 0)).to.be.lessThan(backoffDelay(3, () => 1));
    });
  });
});
