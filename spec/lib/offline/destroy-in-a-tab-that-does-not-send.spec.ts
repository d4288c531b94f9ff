import { expect } from "chai";
import { Atmos, type TabLease } from "../../../lib";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { resetModels, Todo } from "../models";

/** Another tab holds the lease and sends: this one never does. */
const otherTabSends: TabLease = { held: false, decided: Promise.resolve(), start: () => undefined, release: () => undefined };

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

/**
 * A user deletes, in one tab, a record whose create waits in the outbox,
 * just as the tab that sends starts sending that create (it has not heard
 * of the delete yet, and writes the create as sent over it). The delete
 * must still win: the record is deleted on the server once created there,
 * and comes back in no tab. (Found by a helper: 3 of 3 deletes lost when
 * made 0–5 ms before the send.)
 */
describe("offline: a delete in a tab that does not send, of a record whose create the sending tab starts sending", () => {
  let storage: MemoryStorage;
  let feed: ManualFeed;
  let atmos: Atmos;
  let todo: Todo;
  let localId: string;
  let key: string;
  let createOp: Record<string, unknown>;

  beforeEach(async () => {
    resetModels();
    storage = new MemoryStorage();
    feed = new ManualFeed();
    atmos = new Atmos({ storage, feed, lease: otherTabSends });
    todo = new Todo({ title: "to delete", done: false });
    todo.save({ remote: true });
    localId = String(todo.id);
    key = `atmos2:rec:Todo:${localId}`;
    createOp = JSON.parse(storage.getItem(key)!).queue[0];
    // The user deletes it here; the sending tab has not heard of it.
    todo.destroy({ remote: true });
    await atmos.metaContext.flush();
    expect(storage.getItem(key)).to.equal(null);
  });
  afterEach(() => atmos.close());

  const stored = (k: string) => JSON.parse(storage.getItem(k) ?? "null");

  it("puts its delete back after the sending tab's write of the create as sent", async () => {
    storage.setItem(key, JSON.stringify({ className: "Todo", id: localId, attrs: { id: localId, title: "to delete", done: false }, acked: false, queue: [{ ...createOp, sent: true }] }));
    feed.tell([key]);
    await settle();
    const entry = stored(key);
    expect(entry.deleted).to.equal(true);
    expect(entry.queue.map((op: { kind: string; sent?: boolean }) => [op.kind, !!op.sent])).to.deep.equal([["create", true], ["destroy", false]]);
    expect(Todo.all()).to.deep.equal([]);
  });

  it("deletes it under its server id once the sending tab's create was answered", async () => {
    storage.setItem("atmos2:rec:Todo:7", JSON.stringify({ className: "Todo", id: "7", attrs: { id: "7", title: "to delete", done: false }, acked: true, queue: [], formerIds: [localId] }));
    feed.tell([key, "atmos2:rec:Todo:7"]);
    await settle();
    const entry = stored("atmos2:rec:Todo:7");
    expect(entry.deleted).to.equal(true);
    expect(entry.queue.map((op: { kind: string }) => op.kind)).to.deep.equal(["destroy"]);
    expect(Todo.all()).to.deep.equal([]);
    expect(atmos.destroyedIds("Todo")).to.deep.equal(["7"]);
  });

  it("still puts its delete back when the tab was reloaded right after the delete", async () => {
    atmos.close();
    resetModels();
    feed = new ManualFeed();
    atmos = new Atmos({ storage, feed, lease: otherTabSends });
    await atmos.metaContext.ready;
    storage.setItem("atmos2:rec:Todo:7", JSON.stringify({ className: "Todo", id: "7", attrs: { id: "7", title: "to delete", done: false }, acked: true, queue: [], formerIds: [localId] }));
    feed.tell(["atmos2:rec:Todo:7"]);
    await settle();
    expect(stored("atmos2:rec:Todo:7").deleted).to.equal(true);
    expect(Todo.all()).to.deep.equal([]);
  });

  it("leaves alone a record the sending tab wrote that this tab did not delete", async () => {
    storage.setItem("atmos2:rec:Todo:8", JSON.stringify({ className: "Todo", id: "8", attrs: { id: "8", title: "other" }, acked: true, queue: [] }));
    feed.tell(["atmos2:rec:Todo:8"]);
    await settle();
    expect(Todo.all().map((t) => t.title)).to.deep.equal(["other"]);
  });
});
