import { expect } from "chai";
import { mergeWrittenOver, withDone } from "../../../lib/store/entry-merge";
import type { OutboxOp, RecordEntry } from "../../../lib/store/record-entry";

/**
 * What a tab keeps when storage holds another tab's write of a record it
 * wrote at the same time (mergeWrittenOver): every edit of both tabs, no op
 * sent twice, no answer undone. The entries here are as two tabs hold them.
 */
describe("a record two tabs wrote at once", () => {
  let made: number;
  const next = () => ({ seq: 100 + ++made, key: `new-key-${made}` });
  beforeEach(() => (made = 0));

  const synced = (attrs: Record<string, unknown>, extra: Partial<RecordEntry> = {}): RecordEntry => ({
    className: "Todo",
    id: "1",
    attrs: { id: "1", ...attrs },
    acked: true,
    etag: "v1",
    queue: [],
    done: ["created0"],
    ...extra,
  });
  const update = (key: string, seq: number, changed: string[], more: Partial<OutboxOp> = {}): OutboxOp => ({ kind: "update", seq, key, changed, ...more });

  it("is taken as storage has it when the other tab's write came after this tab's", () => {
    const mine = synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"])] });
    const theirs = synced({ title: "oat milk", done: true }, { queue: [update("aaaaaaaa-1", 1, ["title", "done"])] });
    expect(mergeWrittenOver(mine, theirs, next)).to.equal(undefined);
  });

  it("keeps a destroy this tab queued when the other tab's edit was written over it", () => {
    const mine = synced({ title: "milk" }, { deleted: true, queue: [{ kind: "destroy", seq: 2, key: "dddddddd-1" }] });
    const theirs = synced({ title: "milk", done: true }, { queue: [update("bbbbbbbb-1", 1, ["done"])] });
    const merged = mergeWrittenOver(mine, theirs, next)!;
    expect(merged.deleted).to.equal(true);
    // The edit is not sent: the record is gone, as after an edit and then a destroy in one tab.
    expect(merged.queue.map((op) => [op.kind, op.key])).to.deep.equal([["destroy", "dddddddd-1"]]);
  });

  it("sends a destroy after an edit already sent, whichever tab's op came first", () => {
    const mine = synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 9, ["title"], { sent: true, attempts: 1 })] });
    const theirs = synced({ title: "milk" }, { deleted: true, queue: [{ kind: "destroy", seq: 1, key: "dddddddd-1" }] });
    const merged = mergeWrittenOver(mine, theirs, next)!;
    expect(merged.deleted).to.equal(true);
    expect(merged.queue.map((op) => [op.kind, op.key])).to.deep.equal([
      ["update", "aaaaaaaa-1"],
      ["destroy", "dddddddd-1"],
    ]);
  });

  it("does not bring back an op the other tab saw answered", () => {
    // This tab still holds the sent op; the other tab (the sending one) was answered and says so in done.
    const mine = synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 })] });
    const theirs = synced({ title: "oat milk" }, { etag: "v2", done: ["created0", "aaaaaaaa"] });
    expect(mergeWrittenOver(mine, theirs, next)).to.equal(undefined);
  });

  it("sends an edit folded into an op the other tab sent meanwhile as an update of its own", () => {
    // This tab folded `done` into the unsent op; the sending tab had sent it with the title only.
    const mine = synced({ title: "oat milk", done: true }, { queue: [update("aaaaaaaa-1", 1, ["title", "done"])] });
    const theirs = synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 })] });
    const merged = mergeWrittenOver(mine, theirs, next)!;
    expect(merged.attrs).to.deep.equal({ id: "1", title: "oat milk", done: true });
    expect(merged.queue.map((op) => [op.key, op.sent ?? false, op.changed])).to.deep.equal([
      ["aaaaaaaa-1", true, ["title"]],
      ["new-key-1", false, ["done"]],
    ]);
    // The sending tab reads this write: it takes it as it is.
    expect(mergeWrittenOver(theirs, merged, next)).to.equal(undefined);
  });

  it("keeps the answer this tab was given, with the other tab's edit on top, when that tab had not seen it", () => {
    const mine = synced({ title: "oat milk" }, { etag: "v2", done: ["created0", "aaaaaaaa"] });
    const theirs = synced({ title: "milk", done: true }, { queue: [update("bbbbbbbb-1", 1, ["done"])] });
    const merged = mergeWrittenOver(mine, theirs, next)!;
    expect(merged.attrs).to.deep.equal({ id: "1", title: "oat milk", done: true });
    expect(merged.etag).to.equal("v2");
    expect(merged.base).to.deep.equal({ id: "1", title: "oat milk" });
    expect(merged.queue.map((op) => op.key)).to.deep.equal(["bbbbbbbb-1"]);
    // The other tab reads the merged write: it holds all that tab had.
    expect(mergeWrittenOver(theirs, merged, next)).to.equal(undefined);
  });

  it("drops an op the other tab still holds once this tab saw it answered", () => {
    const mine = synced({ title: "oat milk" }, { etag: "v2", done: ["created0", "aaaaaaaa"] });
    const theirs = synced({ title: "oat milk", done: true }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 }), update("bbbbbbbb-1", 2, ["done"])] });
    const merged = mergeWrittenOver(mine, theirs, next)!;
    expect(merged.queue.map((op) => op.key)).to.deep.equal(["bbbbbbbb-1"]);
    expect([merged.etag, merged.attrs.done]).to.deep.equal(["v2", true]);
  });

  it("keeps the other tab's refusal of an op this tab saw sent", () => {
    // This tab read the op as sent; the sending tab was refused (422): the op is unsent again, and parked.
    const mine = synced({ title: "" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 })] });
    const refused = { status: 422, message: "title can't be blank" };
    const theirs = synced({ title: "" }, { failed: refused, queue: [update("aaaaaaaa-1", 1, ["title"], { attempts: 1, lastError: { ...refused, at: 5 } })] });
    expect(mergeWrittenOver(mine, theirs, next)).to.equal(undefined);
  });

  it("keeps an op this tab sent when the other tab's write had it unsent", () => {
    const mine = synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 })] });
    const theirs = synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"])] });
    const merged = mergeWrittenOver(mine, theirs, next)!;
    expect(merged.queue).to.deep.equal([update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 })]);
  });

  it("keeps the refusal that parked this tab's op when the other tab's edit was written over it", () => {
    const refused = { status: 422, message: "title can't be blank" };
    const mine = synced({ title: "" }, { failed: refused, queue: [update("aaaaaaaa-1", 1, ["title"], { attempts: 1, lastError: { ...refused, at: 5 } })] });
    const theirs = synced({ title: "", done: true }, { queue: [update("aaaaaaaa-1", 1, ["title", "done"])] });
    const merged = mergeWrittenOver(mine, theirs, next)!;
    expect(merged.failed).to.deep.equal(refused);
    expect(merged.queue.map((op) => [op.key, op.changed, op.attempts])).to.deep.equal([["aaaaaaaa-1", ["title", "done"], 1]]);
  });

  it("does not park again an op the other tab sent again after the refusal (the user retried there)", () => {
    const refused = { status: 422, message: "title can't be blank" };
    const mine = synced({ title: "" }, { failed: refused, queue: [update("aaaaaaaa-1", 1, ["title"], { attempts: 1, lastError: { ...refused, at: 5 } })] });
    const theirs = synced({ title: "Milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { attempts: 1, lastError: { ...refused, at: 5 } }), update("bbbbbbbb-1", 2, ["title"])] });
    const merged = mergeWrittenOver(mine, theirs, next);
    expect(merged === undefined || merged.failed === undefined).to.equal(true);
  });

  describe("a user typing in the tab that does not send (a save per keystroke, folded into one unsent op)", () => {
    // The sending tab took the op with "oat mil" and marked it sent; the typing tab had folded "oat milk" into it meanwhile.
    const typing = () => synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"])] });
    const sending = () => synced({ title: "oat mil" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 })] });

    it("keeps the last keystroke when the sending tab's write replaced it: sent as an update of its own", () => {
      const merged = mergeWrittenOver(typing(), sending(), next)!;
      expect(merged.attrs.title).to.equal("oat milk");
      expect(merged.queue.map((op) => [op.key, op.sent ?? false, op.changed])).to.deep.equal([
        ["aaaaaaaa-1", true, ["title"]],
        ["new-key-1", false, ["title"]],
      ]);
    });

    it("keeps it too in the sending tab, when the typing tab's write replaced the one marking the op sent", () => {
      const merged = mergeWrittenOver(sending(), typing(), next)!;
      expect(merged.attrs.title).to.equal("oat milk");
      expect(merged.queue.map((op) => [op.key, op.sent ?? false, op.changed])).to.deep.equal([
        ["aaaaaaaa-1", true, ["title"]],
        ["new-key-1", false, ["title"]],
      ]);
      // The typing tab then reads that write: nothing more to do.
      expect(mergeWrittenOver(typing(), merged, next)).to.equal(undefined);
    });

    it("takes the sending tab's value when its user typed into the field again after sending", () => {
      const edited = synced({ title: "soy milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 }), update("cccccccc-1", 2, ["title"])] });
      const merged = mergeWrittenOver(typing(), edited, next);
      expect(merged === undefined || merged.attrs.title === "soy milk").to.equal(true);
    });
  });

  describe("a field the user changed in this tab since it last read the record", () => {
    // This tab changed the title in op aaaaaaaa-1 and sent it: "oat milk".
    const mine = () => synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 })] });
    const edited = new Map([["title", "aaaaaaaa-1"]]);

    it("wins over storage's value when storage's writer never saw the edit", () => {
      const theirs = synced({ title: "soy milk" }, { queue: [update("bbbbbbbb-1", 2, ["title"])] });
      expect(mergeWrittenOver(mine(), theirs, next, edited)!.attrs.title).to.equal("oat milk");
    });

    it("gives way to a later edit there, made after the writer saw the edit's op sent", () => {
      const theirs = synced({ title: "soy milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true, attempts: 1 }), update("bbbbbbbb-1", 2, ["title"])] });
      const merged = mergeWrittenOver(mine(), theirs, next, edited);
      expect(merged === undefined || merged.attrs.title === "soy milk").to.equal(true);
    });

    it("gives way to a later edit there, made after the writer saw the edit answered", () => {
      const theirs = synced({ title: "soy milk" }, { queue: [update("bbbbbbbb-1", 2, ["title"])], done: ["created0", "aaaaaaaa"] });
      const merged = mergeWrittenOver(mine(), theirs, next, edited);
      expect(merged === undefined || merged.attrs.title === "soy milk").to.equal(true);
    });

    it("still wins when the writer held the edit's op unsent: it may have read an earlier value folded into it", () => {
      const theirs = synced({ title: "oat", done: true }, { queue: [update("aaaaaaaa-1", 1, ["title"]), update("bbbbbbbb-1", 2, ["done"])] });
      const merged = mergeWrittenOver(mine(), theirs, next, edited)!;
      expect([merged.attrs.title, merged.attrs.done]).to.deep.equal(["oat milk", true]);
    });
  });

  describe("one field changed in both tabs, with the time of each edit (stamps)", () => {
    it("takes the later edit's value, in either tab", () => {
      const mine = synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"])], stamps: { title: 100 } });
      const theirs = synced({ title: "soy milk" }, { queue: [update("bbbbbbbb-1", 2, ["title"])], stamps: { title: 200 } });
      const here = mergeWrittenOver(mine, theirs, next)!;
      expect([here.attrs.title, here.stamps]).to.deep.equal(["soy milk", { title: 200 }]);
      const there = mergeWrittenOver(theirs, mine, next)!;
      expect([there.attrs.title, there.stamps]).to.deep.equal(["soy milk", { title: 200 }]);
      // Each tab then reads the other's merge: nothing more to do.
      expect(mergeWrittenOver(here, there, next)).to.equal(undefined);
    });

    it("puts this tab's later value back over an older one a lagging tab wrote, without a memory of the edit", () => {
      const mine = synced({ title: "oat milk" }, { queue: [update("aaaaaaaa-1", 1, ["title"])], stamps: { title: 300 } });
      const lagging = synced({ title: "oat", done: true }, { queue: [update("aaaaaaaa-1", 1, ["title"]), update("bbbbbbbb-1", 2, ["done"])], stamps: { title: 250 } });
      const merged = mergeWrittenOver(mine, lagging, next)!;
      expect([merged.attrs.title, merged.attrs.done]).to.deep.equal(["oat milk", true]);
    });

    it("keeps a later edit folded into an op both tabs hold by a tab that had not heard of an answer, and sends it", () => {
      // This tab got the answer to aaaaaaaa-1 and sent cccccccc-1 ("B2"); the other tab, not knowing, changed the title to "B3" later.
      const mine = synced({ title: "B2" }, { queue: [update("cccccccc-1", 2, ["title"], { sent: true, attempts: 1 }), update("dddddddd-1", 3, ["title"])], done: ["created0", "aaaaaaaa"], stamps: { title: 200 } });
      const theirs = synced({ title: "B3" }, { queue: [update("aaaaaaaa-1", 1, ["title"], { sent: true }), update("cccccccc-1", 2, ["title"]), update("dddddddd-1", 3, ["title"])], stamps: { title: 300 } });
      const merged = mergeWrittenOver(mine, theirs, next)!;
      expect(merged.attrs.title).to.equal("B3");
      expect(merged.queue.some((op) => !op.sent && op.changed?.includes("title")), "an unsent op carries the title").to.equal(true);
    });
  });

  it("names at most the last six settled ops", () => {
    expect(withDone(["a", "b", "c", "d", "e"], ["f", "g", "a"])).to.deep.equal(["b", "c", "d", "e", "f", "g"]);
    expect(withDone(undefined, [])).to.equal(undefined);
  });
});
