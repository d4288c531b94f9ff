import { expect } from "chai";
import { HeldEntries, RELEASE_MEMORY_MS } from "../../../lib/store/held-entries";
import type { RecordEntry } from "../../../lib/store/record-entry";

/**
 * A page remembers when it let go of a record (deleted here, or heard
 * deleted), so that a write made before that and landing late does not bring
 * the record back. A page can stay open for days and delete many records:
 * it remembers them for an hour, long past any late write, not for ever.
 */
describe("HeldEntries: the records a page let go of", () => {
  let now: number;
  let held: HeldEntries;
  const todo = (id: string): RecordEntry => ({ className: "Todo", id, attrs: { id }, acked: false, queue: [] });

  beforeEach(() => {
    now = 1_000_000;
    held = new HeldEntries(() => now);
  });

  it("remembers when a record was let go, within the hour", () => {
    held.set(todo("t1"));
    held.drop("Todo", "t1");
    const at = now;
    now += RELEASE_MEMORY_MS - 1;
    expect(held.releasedAt("Todo", "t1")).to.equal(at);
    expect(held.knows("Todo", "t1")).to.equal(true);
  });

  it("forgets a record let go more than an hour ago", () => {
    held.set(todo("t1"));
    held.drop("Todo", "t1");
    now += RELEASE_MEMORY_MS;
    expect(held.releasedAt("Todo", "t1")).to.equal(undefined);
    expect(held.knows("Todo", "t1")).to.equal(false);
  });

  it("keeps the later time when a record is let go twice", () => {
    held.drop("Todo", "t1");
    now += RELEASE_MEMORY_MS / 2;
    held.drop("Todo", "t1");
    const second = now;
    now += RELEASE_MEMORY_MS / 2 + 1;
    // A third record let go now sweeps what is older than an hour: not t1, let go again since.
    held.drop("Todo", "t2");
    expect(held.releasedAt("Todo", "t1")).to.equal(second);
  });

  it("holds no more than the last hour's ids when a page lets go of many records for days", () => {
    // One record let go every second for two days.
    for (let i = 0; i < 2 * 24 * 3600; i++) {
      held.drop("Todo", `t${i}`);
      now += 1000;
    }
    const remembered = (held as unknown as { released: Map<string, number> }).released.size;
    expect(remembered).to.be.at.most(RELEASE_MEMORY_MS / 1000);
    expect(remembered).to.be.at.least(RELEASE_MEMORY_MS / 1000 - 1);
  });
});
