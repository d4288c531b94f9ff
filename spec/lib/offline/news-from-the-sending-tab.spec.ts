import { expect } from "chai";
import { Atmos, WebStorageStore, type Store, type TabLease } from "../../../lib";
import { FakeClock } from "../../fakes/fake-clock";
import { ManualFeed } from "../../fakes/manual-feed";
import { MemoryStorage } from "../../fakes/memory-storage";
import { Project, resetModels, Todo } from "../models";

/** Another tab holds the lease and sends: this one never does. */
const otherTabSends: TabLease = { held: false, decided: Promise.resolve(), start: () => undefined, release: () => undefined };

/** A fresh page of a tab that does not send, on a storage holding `stored` (key → entry), told of other tabs' writes by hand. */
function openTabThatDoesNotSend(stored: Record<string, unknown> = {}, clock?: FakeClock): { storage: MemoryStorage; feed: ManualFeed; atmos: Atmos } {
  resetModels();
  const storage = new MemoryStorage();
  for (const [key, entry] of Object.entries(stored)) storage.setItem(key, JSON.stringify(entry));
  const feed = new ManualFeed();
  return { storage, feed, atmos: new Atmos({ storage, feed, lease: otherTabSends, ...(clock ? { clock } : {}) }) };
}

/**
 * A tab that does not send learns what the sending tab did from storage news
 * (which keys it wrote). The news of one write lists keys in the order the
 * sending tab first touched them, so a record that moved to its server id
 * may be listed as removed under its old id before it is listed under the new.
 */
describe("offline: news of the sending tab's writes, in a tab that does not send", () => {
  let storage: MemoryStorage;
  let feed: ManualFeed;
  let atmos: Atmos;

  beforeEach(() => {
    ({ storage, feed, atmos } = openTabThatDoesNotSend());
  });
  afterEach(() => atmos.close());

  it("keeps the record object it holds when its old id is listed as removed before its server id", async () => {
    const todo = new Todo({ title: "held here", done: false });
    todo.save({ remote: true });
    const localId = String(todo.id);
    const oldKey = `atmos2:rec:Todo:${localId}`;
    // What the sending tab writes once the server answered the create with id 7.
    storage.removeItem(oldKey);
    storage.setItem("atmos2:rec:Todo:7", JSON.stringify({ className: "Todo", id: "7", attrs: { title: "held here", done: false, id: "7" }, acked: true, queue: [], formerIds: [localId] }));
    feed.tell([oldKey, "atmos2:rec:Todo:7"]);
    await atmos.whenSynced();
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(String(todo.id)).to.equal("7");
    expect(Todo.all().map((t) => [String(t.id), t.title])).to.deep.equal([["7", "held here"]]);
    expect((Todo.find("7") as any).syncState()).to.equal("synced");
  });

  it("follows a record to its server id when the news of its old key's removal comes before the news of its new key", async () => {
    const todo = new Todo({ title: "held here", done: false });
    todo.save({ remote: true });
    const localId = String(todo.id);
    const oldKey = `atmos2:rec:Todo:${localId}`;
    storage.removeItem(oldKey);
    storage.setItem("atmos2:rec:Todo:8", JSON.stringify({ className: "Todo", id: "8", attrs: { title: "held here", done: false, id: "8" }, acked: true, queue: [], formerIds: [localId] }));
    // Storage already holds the move; only the old key's news has come.
    feed.tell([oldKey]);
    await atmos.whenSynced();
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(String(todo.id)).to.equal("8");
    expect(Todo.all().map((t) => [String(t.id), t.title])).to.deep.equal([["8", "held here"]]);
    feed.tell(["atmos2:rec:Todo:8"]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(Todo.all().map((t) => [String(t.id), t.title])).to.deep.equal([["8", "held here"]]);
  });

  it("removes a record whose create was dropped in the other tab (reverted there), when no entry took its id", async () => {
    const todo = new Todo({ title: "reverted elsewhere", done: false });
    todo.save({ remote: true });
    const oldKey = `atmos2:rec:Todo:${todo.id}`;
    storage.removeItem(oldKey);
    feed.tell([oldKey]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(Todo.all()).to.deep.equal([]);
  });
});

describe("offline: news of the sending tab's writes read by a slow store, in a tab that does not send", () => {
  it("shows one piece of news at a time: a later one read first does not undo the move an earlier one is still reading", async () => {
    resetModels();
    const storage = new MemoryStorage();
    const feed = new ManualFeed();
    const plain = new WebStorageStore(storage);
    // Reading one key is slow (a busy IndexedDB); everything else answers at once.
    let slowKey = "";
    const store: Store = {
      get: async (key) => {
        if (key === slowKey) await new Promise((resolve) => setTimeout(resolve, 40));
        return plain.get(key);
      },
      put: (key, value) => plain.put(key, value),
      delete: (key) => plain.delete(key),
      batch: (ops) => plain.batch(ops),
      entries: (prefix) => plain.entries(prefix),
    };
    const atmos = new Atmos({ store, feed, lease: otherTabSends });
    try {
      await atmos.metaContext.ready;
      const todo = new Todo({ title: "held here", done: false });
      todo.save({ remote: true });
      const other = new Todo({ title: "saved next", done: false });
      other.save({ remote: true });
      await atmos.metaContext.flush();
      const localId = String(todo.id);
      const oldKey = `atmos2:rec:Todo:${localId}`;
      const otherKey = `atmos2:rec:Todo:${other.id}`;
      // The sending tab's write: the todo moved to its server id 9, and the other one changed too.
      storage.removeItem(oldKey);
      storage.setItem("atmos2:rec:Todo:9", JSON.stringify({ className: "Todo", id: "9", attrs: { title: "held here", done: false, id: "9" }, acked: true, queue: [], formerIds: [localId] }));
      slowKey = otherKey;
      feed.tell(["atmos2:rec:Todo:9", oldKey, otherKey]);
      // A later piece of news naming the old key again, heard while the first is still being read.
      await new Promise((resolve) => setTimeout(resolve, 5));
      feed.tell([oldKey]);
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(String(todo.id)).to.equal("9");
      expect(Todo.all().map((t) => t.title).sort()).to.deep.equal(["held here", "saved next"]);
    } finally {
      atmos.close();
    }
  });
});

/**
 * The user edits a record in a tab that does not send at the moment the
 * sending tab gets the answer to its create: the edit is written under the
 * record's old id just before the sending tab moves the record to its server
 * id (writing it from what it held, without the edit) and deletes the old
 * key. Storage then has no trace of the edit; only this tab holds it, and it
 * must carry it over to the server id instead of taking the moved entry as
 * the whole truth.
 */
describe("offline: an edit made in a tab that does not send, as the create's answer moves the record", () => {
  let storage: MemoryStorage;
  let feed: ManualFeed;
  let atmos: Atmos;

  beforeEach(() => {
    ({ storage, feed, atmos } = openTabThatDoesNotSend());
  });
  afterEach(() => atmos.close());

  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  for (const order of ["the server id's key first", "the old key first"]) {
    it(`keeps the edit and queues it under the server id (news lists ${order})`, async () => {
      const todo = new Todo({ title: "milk", done: false });
      todo.save({ remote: true });
      const localId = String(todo.id);
      const oldKey = `atmos2:rec:Todo:${localId}`;
      // The sending tab took the create and sent it.
      const entry = JSON.parse(storage.getItem(oldKey)!);
      const createKey: string = entry.queue[0].key;
      entry.queue[0].sent = true;
      storage.setItem(oldKey, JSON.stringify(entry));
      feed.tell([oldKey]);
      await settle();

      // The user renames it here; the sending tab has the answer (id 7) and has not read this write.
      Todo.find(localId).updateAttributes({ title: "oat milk" }, { remote: true });
      await atmos.metaContext.flush();
      storage.removeItem(oldKey);
      const newKey = "atmos2:rec:Todo:7";
      storage.setItem(newKey, JSON.stringify({ className: "Todo", id: "7", attrs: { title: "milk", done: false, id: "7" }, acked: true, queue: [], formerIds: [localId], done: [createKey.slice(0, 8)] }));
      feed.tell(order === "the old key first" ? [oldKey, newKey] : [newKey, oldKey]);
      await settle();

      expect(Todo.all().map((t) => [String(t.id), t.title, (t as any).syncState()])).to.deep.equal([["7", "oat milk", "pending"]]);
      const stored = JSON.parse(storage.getItem(newKey)!);
      expect(stored.attrs.title, "the record as storage holds it for the sending tab").to.equal("oat milk");
      expect(stored.queue.map((op: { kind: string; changed?: string[] }) => [op.kind, op.changed])).to.deep.equal([["update", ["title"]]]);
      expect(storage.getItem(oldKey), "the old key").to.equal(null);
    });
  }
});

/**
 * A tab's view of storage can lag (a busy tab, a slow IndexedDB write queue):
 * it may write back a merge built from an older read. Here such a tab writes
 * this tab's earlier value of a field over its last one, after this tab had
 * already read its own last write back. This tab still remembers that its
 * user changed the field, and puts the last value back.
 */
describe("offline: a lagging tab writes this tab's earlier value back over its last one", () => {
  let storage: MemoryStorage;
  let feed: ManualFeed;
  let atmos: Atmos;
  const key = "atmos2:rec:Todo:5";

  beforeEach(async () => {
    const stored = { className: "Todo", id: "5", attrs: { id: "5", title: "milk", done: false }, acked: true, queue: [], done: ["created0"] };
    // A clock that does not move: both edits carry one time, so the times alone cannot tell them apart.
    ({ storage, feed, atmos } = openTabThatDoesNotSend({ [key]: stored }, new FakeClock()));
    await Todo.sync();
  });
  afterEach(() => atmos.close());

  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  it("keeps the user's last value of the field, with the lagging tab's change of another", async () => {
    Todo.find("5").updateAttributes({ title: "oat" }, { remote: true });
    await atmos.metaContext.flush();
    const earlier = JSON.parse(storage.getItem(key)!);
    Todo.find("5").updateAttributes({ title: "oat milk" }, { remote: true });
    await atmos.metaContext.flush();
    // This tab hears of its own write (a second notification of it).
    feed.tell([key]);
    await settle();
    // The lagging tab read "oat", marked the todo done, and writes its merge now.
    const lagging = { ...earlier, attrs: { ...earlier.attrs, done: true }, queue: [...earlier.queue, { kind: "update", seq: 40, key: "lagging-tab-op", changed: ["done"] }] };
    storage.setItem(key, JSON.stringify(lagging));
    feed.tell([key]);
    await settle();

    expect(Todo.all().map((t) => [t.title, t.done])).to.deep.equal([["oat milk", true]]);
    const stored = JSON.parse(storage.getItem(key)!);
    expect([stored.attrs.title, stored.attrs.done]).to.deep.equal(["oat milk", true]);
  });
});

/**
 * The objects the app saved a record through follow the record's server id
 * (and its parent's, in the foreign key) in a tab that does not send. The
 * news may name the record under its server id, its foreign key already
 * pointing at the parent's server id, before any news of the parent's move
 * was read for it.
 */
describe("offline: the objects the app holds, in a tab that does not send, when a child and its parent both moved", () => {
  let storage: MemoryStorage;
  let feed: ManualFeed;
  let atmos: Atmos;

  beforeEach(() => {
    ({ storage, feed, atmos } = openTabThatDoesNotSend());
  });
  afterEach(() => atmos.close());

  it("points the held todo at the project's server id, and gives it its own", async () => {
    const home = new Project({ name: "Home" });
    home.save({ remote: true });
    const todo = new Todo({ title: "sweep", done: false, projectID: home.id });
    todo.save({ remote: true });
    await atmos.metaContext.flush();
    const projectId = String(home.id);
    const todoId = String(todo.id);
    // The sending tab's writes once both creates were answered: project 6, todo 7.
    storage.removeItem(`atmos2:rec:Project:${projectId}`);
    storage.setItem("atmos2:rec:Project:6", JSON.stringify({ className: "Project", id: "6", attrs: { id: "6", name: "Home" }, acked: true, queue: [], formerIds: [projectId] }));
    storage.removeItem(`atmos2:rec:Todo:${todoId}`);
    storage.setItem("atmos2:rec:Todo:7", JSON.stringify({ className: "Todo", id: "7", attrs: { id: "7", title: "sweep", done: false, projectID: "6" }, acked: true, queue: [], formerIds: [todoId] }));
    feed.tell(["atmos2:rec:Todo:7", `atmos2:rec:Todo:${todoId}`, "atmos2:rec:Project:6", `atmos2:rec:Project:${projectId}`]);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect([String(todo.id), String(todo.projectID), String(home.id)]).to.deep.equal(["7", "6", "6"]);
  });
});
