import { expect } from "chai";
import { changedFields, mergeAnswer, resolveConflict } from "../../../lib/sync/merge";

describe("merging server versions into local records", () => {
  describe("a server answer", () => {
    it("takes the server's values and keeps attributes the answer does not carry", () => {
      const local = { id: "t1", title: "milk", taskListID: "L1" };
      const answer = { id: "t1", title: "Milk", etag: "e2" };
      expect(mergeAnswer(local, answer, [])).to.deep.equal({ id: "t1", title: "Milk", etag: "e2", taskListID: "L1" });
    });

    it("keeps fields the user edited after the request left", () => {
      const local = { id: "t1", title: "oat milk", notes: "2 l" };
      const answer = { id: "t1", title: "milk", notes: "1 l", updated: "now" };
      expect(mergeAnswer(local, answer, ["title"])).to.deep.equal({ id: "t1", title: "oat milk", notes: "1 l", updated: "now" });
    });
  });

  describe("a conflict (three-way)", () => {
    const base = { id: "t1", title: "milk", notes: "", status: "needsAction" };

    it("keeps the user's edit and the server's change to other fields", () => {
      const local = { ...base, title: "oat milk" };
      const remote = { ...base, notes: "from the phone" };
      expect(resolveConflict(local, remote, base)).to.deep.equal({ id: "t1", title: "oat milk", notes: "from the phone", status: "needsAction" });
    });

    it("lets the user's edit win when both changed the same field", () => {
      const local = { ...base, title: "oat milk" };
      const remote = { ...base, title: "soy milk", status: "completed" };
      expect(resolveConflict(local, remote, base)).to.deep.equal({ id: "t1", title: "oat milk", notes: "", status: "completed" });
    });

    it("uses the fields the user is known to have changed when given", () => {
      const local = { ...base, title: "oat milk", notes: "stale" };
      const remote = { ...base, notes: "fresh" };
      expect(resolveConflict(local, remote, base, ["title"])).to.include({ title: "oat milk", notes: "fresh" });
    });

    it("keeps the local id even if the server's version says otherwise", () => {
      expect(resolveConflict({ id: "t1", title: "a" }, { id: "other", title: "b" }, undefined).id).to.equal("t1");
    });
  });

  it("lists changed fields, comparing nested values by content", () => {
    expect(changedFields({ id: "1", a: 1, b: [1, 2], c: { x: 1 } }, { id: "2", a: 1, b: [1, 2], c: { x: 2 }, d: 0 })).to.have.members(["c", "d"]);
    expect(changedFields(undefined, { id: "1", a: 1 })).to.deep.equal(["a"]);
  });
});
