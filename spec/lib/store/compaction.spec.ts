import { expect } from "chai";
import { enqueue, release } from "../../../lib/store/compaction";
import type { OutboxOp } from "../../../lib/store/record-entry";

const create = (seq: number, extra: Partial<OutboxOp> = {}): OutboxOp => ({ kind: "create", seq, key: `k${seq}`, ...extra });
const update = (seq: number, changed: string[], extra: Partial<OutboxOp> = {}): OutboxOp => ({ kind: "update", seq, key: `k${seq}`, changed, ...extra });
const destroy = (seq: number, extra: Partial<OutboxOp> = {}): OutboxOp => ({ kind: "destroy", seq, key: `k${seq}`, ...extra });

describe("outbox compaction", () => {
  it("folds an update into an unsent create: one create goes out, with the latest attributes", () => {
    const queue = enqueue([create(1)], update(2, ["title"]), false);
    expect(queue.map((o) => o.kind)).to.deep.equal(["create"]);
    expect(queue[0].key).to.equal("k1");
  });

  it("folds two updates into one that sends the fields changed by either", () => {
    const queue = enqueue([update(1, ["title"])], update(2, ["notes", "title"]), true);
    expect(queue).to.have.length(1);
    expect(queue[0].kind).to.equal("update");
    expect(queue[0].changed).to.have.members(["title", "notes"]);
  });

  it("leaves the queue as it is for another edit of fields already queued (held or not), and never changes its input", () => {
    for (const hold of [true, undefined]) {
      const queue = [update(1, ["title", "notes"], { hold })];
      const copy = structuredClone(queue);
      expect(enqueue(queue, update(2, ["title"], { hold }), true)).to.equal(queue);
      expect(queue).to.deep.equal(copy);
    }
    // Sent now (not held): the held op is released, so the queue changes.
    const held = [update(1, ["title"], { hold: true })];
    const released = enqueue(held, update(2, ["title"]), true);
    expect(released).not.to.equal(held);
    expect(released[0].hold).to.equal(undefined);
    expect(held[0].hold).to.equal(true);
  });

  it("drops everything when a record never sent is destroyed: no request at all", () => {
    expect(enqueue([create(1)], destroy(2), false)).to.deep.equal([]);
    expect(enqueue([create(1), update(2, ["title"])], destroy(3), false)).to.deep.equal([]);
  });

  it("replaces unsent updates of a known record by one destroy", () => {
    const queue = enqueue([update(1, ["title"]), update(2, ["notes"])], destroy(3), true);
    expect(queue.map((o) => o.kind)).to.deep.equal(["destroy"]);
  });

  it("sends a destroy of a known record that had nothing queued", () => {
    expect(enqueue([], destroy(1), true).map((o) => o.kind)).to.deep.equal(["destroy"]);
  });

  it("never folds into an op already sent (it may be committed on the server)", () => {
    const sentCreate = create(1, { sent: true });
    const afterUpdate = enqueue([sentCreate], update(2, ["title"]), false);
    expect(afterUpdate.map((o) => o.kind)).to.deep.equal(["create", "update"]);
    expect(afterUpdate[0]).to.equal(sentCreate);

    const sentUpdate = update(1, ["title"], { sent: true });
    const twoUpdates = enqueue([sentUpdate], update(2, ["notes"]), true);
    expect(twoUpdates).to.have.length(2);
    expect(twoUpdates[0].changed).to.deep.equal(["title"]);
    expect(twoUpdates[1].changed).to.deep.equal(["notes"]);
  });

  it("still deletes on the server when a create is in flight and the record is destroyed", () => {
    const queue = enqueue([create(1, { sent: true })], destroy(2), false);
    expect(queue.map((o) => o.kind)).to.deep.equal(["create", "destroy"]);
  });

  it("folds only into the unsent tail behind a sent op", () => {
    const queue = enqueue([update(1, ["a"], { sent: true }), update(2, ["b"])], update(3, ["c"]), true);
    expect(queue.map((o) => o.changed)).to.deep.equal([["a"], ["b", "c"]]);
  });

  it("releases changes held for push() without touching the others", () => {
    const held = [create(1, { hold: true }), update(2, ["a"])];
    expect(release(held).map((o) => o.hold)).to.deep.equal([undefined, undefined]);
    const none = [create(1)];
    expect(release(none)).to.equal(none);
  });
});
