import { expect } from "chai";
import { remoteAction } from "../../lib";
import { MetaContext } from "../../lib/meta-context";
import { syncStateOf, type OutboxOp, type RecordEntry } from "../../lib/store/record-entry";
import { FakeClock } from "../fakes/fake-clock";
import { MemoryStore } from "../fakes/memory-store";

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

/** A store whose `entries` answers only when the spec says: changes made before that are "before the read". */
class LateStore extends MemoryStore {
  private answer!: () => void;
  private readonly answered = new Promise<void>((resolve) => (this.answer = resolve));
  release(): void {
    this.answer();
  }
  override async entries<T>(prefix: string): Promise<Array<[string, T]>> {
    const rows = await super.entries<T>(prefix);
    await this.answered;
    return rows;
  }
}

describe("the record of remotely-known ids, changed before an asynchronous store was read", () => {
  const stored = (patch: Partial<RecordEntry>): RecordEntry => entry({ attrs: { id: "t1", title: "server" }, ...patch });
  const op = (patch: Partial<OutboxOp>): OutboxOp => ({ kind: "update", seq: 1, key: "k", ...patch });

  async function readAfter(storedEntry: RecordEntry | undefined, change: (meta: MetaContext) => void): Promise<{ meta: MetaContext; store: LateStore }> {
    const store = new LateStore();
    if (storedEntry) await store.put("p:rec:Task:t1", storedEntry);
    const meta = new MetaContext(store, { prefix: "p:", clock: new FakeClock(), onWriteError: () => undefined });
    change(meta);
    expect(meta.loaded).to.equal(false);
    store.release();
    await meta.ready;
    await meta.flush();
    return { meta, store };
  }

  /** What a save of a record with no entry queues: a create (the record looks new). */
  const saveAsNew = (hold?: boolean) => (meta: MetaContext) =>
    meta.put(entry({ attrs: { id: "t1", title: "edited" }, queue: [op({ kind: "create", seq: meta.nextSeq(), key: "new", hold })] }));

  it("takes a record the server has for one: the create queued before the read becomes an update of the edited fields", async () => {
    const { meta, store } = await readAfter(stored({ acked: true, etag: "e1", numericId: true }), saveAsNew());
    const merged = meta.get("Task", "t1")!;
    expect(remoteAction(merged)).to.equal("update");
    expect(merged.queue.map((o) => [o.kind, o.key, o.changed])).to.deep.equal([["update", "new", ["title"]]]);
    expect(merged).to.include({ acked: true, etag: "e1", numericId: true });
    expect(merged.attrs.title).to.equal("edited");
    expect(merged.base).to.deep.equal({ id: "t1", title: "server" });
    expect(((await store.get("p:rec:Task:t1")) as RecordEntry).acked).to.equal(true);
  });

  it("keeps the changes storage still had queued, first, and the new one folded in under its own key", async () => {
    const queued = op({ seq: 40, key: "old", changed: ["done"], hold: true });
    const { meta } = await readAfter(stored({ acked: true, base: { id: "t1", title: "server" }, queue: [queued] }), saveAsNew());
    const merged = meta.get("Task", "t1")!;
    expect(merged.queue).to.have.length(1);
    expect(merged.queue[0]).to.include({ kind: "update", key: "new", seq: 40, hold: undefined });
    expect(merged.queue[0].changed).to.have.members(["done", "title"]);
    expect(syncStateOf(merged)).to.equal("pending");
  });

  it("keeps a create storage had queued (the server does not have the record yet)", async () => {
    const { meta } = await readAfter(stored({ queue: [op({ kind: "create", seq: 3, key: "c", sent: true })] }), saveAsNew(true));
    const merged = meta.get("Task", "t1")!;
    expect(merged.acked).to.equal(false);
    expect(merged.queue.map((o) => [o.kind, o.key])).to.deep.equal([["create", "c"], ["update", "new"]]);
  });

  it("numbers the changes made before the read after every stored one", async () => {
    const { meta } = await readAfter(stored({ acked: true, queue: [op({ seq: 40, sent: true })] }), saveAsNew());
    expect(meta.get("Task", "t1")!.queue.map((o) => o.seq)).to.deep.equal([40, 41]);
    expect(meta.nextSeq()).to.equal(42);
  });

  it("keeps a parked failure unless the change was saved with remote", async () => {
    const failed = { status: 422, message: "no" };
    const held = await readAfter(stored({ acked: true, failed, queue: [op({ seq: 2 })] }), saveAsNew(true));
    expect(held.meta.get("Task", "t1")!.failed).to.deep.equal(failed);
    const sent = await readAfter(stored({ acked: true, failed, queue: [op({ seq: 2 })] }), saveAsNew());
    expect(sent.meta.get("Task", "t1")!.failed).to.equal(undefined);
  });

  it("leaves a record storage did not know as it was made", async () => {
    const { meta } = await readAfter(undefined, saveAsNew());
    expect(meta.get("Task", "t1")!.queue.map((o) => [o.kind, o.seq])).to.deep.equal([["create", 1]]);
  });

  it("writes nothing before the read, so the read finds what was stored", async () => {
    const store = new LateStore();
    await store.put("p:rec:Task:t1", stored({ acked: true }));
    const meta = new MetaContext(store, { prefix: "p:", clock: new FakeClock(), onWriteError: () => undefined });
    saveAsNew()(meta);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(((await store.get("p:rec:Task:t1")) as RecordEntry).attrs.title).to.equal("server");
    store.release();
    await meta.ready;
    await meta.flush();
    expect(((await store.get("p:rec:Task:t1")) as RecordEntry).attrs.title).to.equal("edited");
  });
});
