import { expect } from "chai";
import type { OutboxOp, RecordEntry } from "../../../lib/store/record-entry";
import { fromStored, toStored } from "../../../lib/store/stored-entry";
import { storedJson } from "../../../lib/store/stored-json";

const entry = (patch: Partial<RecordEntry>): RecordEntry => ({ className: "Task", id: "t1", attrs: { id: "t1", title: "Milk", notes: "2 l" }, acked: true, queue: [], ...patch });
/** Written and read back as Web Storage does. */
const roundTrip = (e: RecordEntry) => fromStored(JSON.parse(JSON.stringify(toStored(e))));

describe("an entry as it is written to storage", () => {
  it("keeps an entry without a base as it is", () => {
    const e = entry({});
    expect(toStored(e)).to.equal(e);
    expect(roundTrip(e)).to.deep.equal(e);
  });

  it("stores only the fields the edit changed, and reads the whole base back", () => {
    const base = { id: "t1", title: "Milk", notes: "2 l" };
    const e = entry({ base, attrs: { ...base, title: "Oat milk" } });
    const stored = JSON.parse(JSON.stringify(toStored(e)));
    expect(stored.base).to.equal(undefined);
    expect(stored.baseDiff).to.deep.equal({ set: { title: "Milk" } });
    expect(roundTrip(e)).to.deep.equal(e);
  });

  it("reads back fields the edit added (absent from the base) and removed (absent from the record)", () => {
    const base = { id: "t1", title: "Milk", due: "2025-06-01" };
    const e = entry({ base, attrs: { id: "t1", title: "Milk", notes: "new" } });
    const back = roundTrip(e);
    expect(back.base).to.deep.equal(base);
    expect(back.attrs).to.deep.equal(e.attrs);
  });

  it("keeps a base whose values are objects (compared by reference, stored whole when they differ)", () => {
    const links = [{ type: "email", link: "x" }];
    const base = { id: "t1", title: "Milk", links };
    expect(roundTrip(entry({ base, attrs: { ...base, title: "Tea" } })).base).to.deep.equal(base);
    expect(roundTrip(entry({ base, attrs: { ...base, links: [{ type: "email", link: "y" }] } })).base).to.deep.equal(base);
  });

  it("keeps the base of a record that took a server id", () => {
    const base = { id: "local-1", title: "Milk" };
    expect(roundTrip(entry({ id: "srv-1", base, attrs: { id: "srv-1", title: "Milk" } })).base).to.deep.equal(base);
  });

  it("does not change the entry in memory", () => {
    const base = { id: "t1", title: "Milk", notes: "2 l" };
    const e = entry({ base, attrs: { ...base, title: "Oat milk" } });
    const copy = JSON.parse(JSON.stringify(e));
    toStored(e);
    expect(e).to.deep.equal(copy);
    expect(e.base).to.equal(base);
  });

  it("reads an entry written whole, before the base was stored as a difference", () => {
    const old = { className: "Task", id: "t1", attrs: { id: "t1", title: "Oat milk" }, acked: true, base: { id: "t1", title: "Milk" }, queue: [] };
    expect(fromStored(JSON.parse(JSON.stringify(old)))).to.deep.equal(old);
  });

  it("writes an edit of one field of a ~1 KB record in much less than twice the record", () => {
    const base = { id: "t1", title: "Milk", notes: "x".repeat(1000) };
    const e = entry({ base, attrs: { ...base, title: "Oat milk" }, queue: [{ kind: "update", seq: 1, key: "k", changed: ["title"], hold: true }] });
    expect(JSON.stringify(toStored(e)).length).to.be.below(JSON.stringify(e.attrs).length * 1.3);
  });
});

describe("an entry's stored form as JSON text (the Web Storage write)", () => {
  const op = (patch: Partial<OutboxOp> = {}): OutboxOp => ({ kind: "update", seq: 3, key: "k3", changed: ["title"], hold: true, ...patch });
  // The same JSON value (the edit times are written next to the attributes, wherever the entry holds them).
  const same = (e: RecordEntry) => expect(JSON.parse(storedJson(e))).to.deep.equal(JSON.parse(JSON.stringify(toStored(e))));

  it("is JSON.stringify of the stored form, for entries of every shape", () => {
    same(entry({}));
    same(entry({ base: { id: "t1", title: "Milk", notes: "2 l" }, attrs: { id: "t1", title: "Oat milk", notes: "2 l" }, queue: [op()] }));
    same(entry({ etag: undefined, deleted: undefined, failed: { status: 422, message: "no", body: { title: ["taken"] } }, queue: [op({ hold: undefined, lastError: { status: 500, message: "x", at: 1 } })] }));
    same(entry({ id: "7", attrs: { id: "7", title: "Milk" }, numericId: true, formerIds: ["local-1"], queue: [op({ kind: "create" }), op({ seq: 4, key: "k4" })] }));
    same(entry({ base: { id: "t1", title: "Milk", due: "x" }, attrs: { id: "t1", title: "Milk", notes: "new" }, queue: [op()] }));
    same(entry({ stamps: { title: 1733350000000 }, base: { id: "t1", title: "Milk" }, attrs: { id: "t1", title: "Oat milk" }, queue: [op()], done: ["k2"] }));
    same(entry({ stamps: { title: 1733350000000, "a \"quoted\" field": 1.5 }, queue: [op()] }));
    same(entry({ stamps: {}, queue: [op()] }));
  });

  it("writes each save's edit times, though the text around the attributes is kept", () => {
    const e = entry({ base: { id: "t1", title: "Milk" }, attrs: { id: "t1", title: "Oat milk" }, queue: [op()], stamps: { title: 1 } });
    storedJson(e);
    storedJson(e);
    e.attrs = { id: "t1", title: "Oat milk 2" };
    e.stamps = { title: 2 };
    expect(JSON.parse(storedJson(e)).stamps).to.deep.equal({ title: 2 });
    same(e);
  });

  it("follows every change of the sync state, whether fields are replaced or changed in place", () => {
    const e = entry({ base: { id: "t1", title: "Milk", notes: "2 l" }, attrs: { id: "t1", title: "Oat milk", notes: "2 l" }, queue: [op()] });
    const steps: Array<(e: RecordEntry) => void> = [
      (x) => (x.attrs = { ...x.attrs, title: "Soy milk" }), // the usual save: only attrs change
      (x) => (x.attrs = { ...x.attrs, notes: "1 l" }), // another field now differs from the base
      (x) => (x.queue[0].sent = true), // the pusher marks the op sent, in place
      (x) => (x.queue[0].attempts = 2),
      (x) => (x.queue[0].lastError = { status: 503, message: "later", at: 5 }),
      (x) => x.queue.push(op({ seq: 9, key: "k9" })), // an op added in place
      (x) => (x.queue = x.queue.slice(1)),
      (x) => (x.failed = { status: 422, message: "no" }),
      (x) => (x.failed = undefined),
      (x) => (x.acked = false),
      (x) => (x.etag = '"e2"'),
      (x) => (x.deleted = true),
      (x) => (x.base = undefined),
      (x) => (x.base = { ...x.attrs, title: "Rice milk" }),
      (x) => (x.formerIds = ["old-1"]),
      (x) => (x.queue = []),
    ];
    same(e);
    for (const step of steps) {
      step(e);
      same(e);
      same(e); // and again, from what it kept
    }
  });
});
