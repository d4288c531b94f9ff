import { expect } from "chai";
import { remoteAction } from "../../lib";
import { syncStateOf, type RecordEntry } from "../../lib/store/record-entry";

const entry = (patch: Partial<RecordEntry>): RecordEntry => ({ className: "Task", id: "t1", attrs: { id: "t1" }, acked: false, queue: [], ...patch });

describe("the record of remotely-known ids", () => {
  it("creates a record the server has never acknowledged", () => {
    expect(remoteAction({ acked: false })).to.equal("create");
  });

  it("updates a record the server has acknowledged", () => {
    expect(remoteAction({ acked: true })).to.equal("update");
  });

  describe("sync state", () => {
    it("is local for a record atmos2 has not seen", () => {
      expect(syncStateOf(undefined)).to.equal("local");
    });

    it("is local for a change saved without remote (held for push)", () => {
      expect(syncStateOf(entry({ queue: [{ kind: "create", seq: 1, key: "k", hold: true }] }))).to.equal("local");
      expect(syncStateOf(entry({ acked: true, queue: [{ kind: "update", seq: 1, key: "k", hold: true }] }))).to.equal("local");
    });

    it("is pending while a change is queued or in flight", () => {
      expect(syncStateOf(entry({ queue: [{ kind: "create", seq: 1, key: "k" }] }))).to.equal("pending");
      expect(syncStateOf(entry({ acked: true, queue: [{ kind: "update", seq: 1, key: "k", sent: true }] }))).to.equal("pending");
    });

    it("is synced when the server acknowledged the latest version", () => {
      expect(syncStateOf(entry({ acked: true }))).to.equal("synced");
    });

    it("is failed when the server rejected the change", () => {
      expect(syncStateOf(entry({ acked: true, queue: [{ kind: "update", seq: 1, key: "k" }], failed: { status: 422, message: "no" } }))).to.equal("failed");
    });
  });
});
