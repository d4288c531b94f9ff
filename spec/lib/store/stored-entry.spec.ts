import { expect } from "chai";
import type { RecordEntry } from "../../../lib/store/record-entry";
import { fromStored, toStored } from "../../../lib/store/stored-entry";

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
