import { expect } from "chai";
import { FakeClock, settle } from "../../fakes/fake-clock";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { Project, resetModels, Todo } from "../models";
import { nextEvent, openPage, storedEntry, type OfflinePage } from "./offline-page";

/** Issue 6, "parking": a change the server refuses waits for the app to retry or revert it. */
describe("offline: a refused change is parked until retry() or revert()", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;
  let clock: FakeClock;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    clock = new FakeClock();
    page = openPage({ base: rails.url, clock });
  });
  afterEach(async () => {
    page.close();
    await rails.close();
  });

  /** A todo the server has, with title "on the server". */
  async function syncedTodo(): Promise<Todo> {
    new Todo({ title: "on the server" }).save({ remote: true });
    await page.atmos.whenSynced();
    return Todo.first() as Todo;
  }

  const refusals: Array<[number, unknown, RegExp]> = [
    [400, { error: { code: 400, message: "Invalid value for field title." } }, /Invalid value for field title/],
    [404, { status: 404, error: "Not Found" }, /Not Found/],
    [409, { error: "Conflict: the record was changed by someone else" }, /changed by someone else/],
    [422, { title: ["is too long"] }, /title is too long/],
  ];
  for (const [status, body, message] of refusals) {
    it(`parks an update refused with ${status}: state "failed", an error event with the server's message, no retry`, async () => {
      const todo = await syncedTodo();
      const requestsBefore = rails.requests.length;
      rails.failNext(status, body);
      const error = nextEvent(page.atmos, "error");
      todo.updateAttributes({ title: "refused edit" }, { remote: true });
      const payload = await error;
      await page.atmos.whenSynced();

      expect(payload).to.include({ model: "Todo", status });
      expect(payload.body).to.deep.equal(body);
      expect(payload.error.message).to.match(message);
      expect((payload.record as Todo).id).to.equal(todo.id);
      expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
      expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 1, online: true });
      expect(storedEntry(page.storage, "Todo", todo.id).failed).to.include({ status });
      // Parked: no timer will send it again by itself, and push() leaves it too.
      await clock.runAll();
      await page.atmos.push();
      expect(rails.requests.length).to.equal(requestsBefore + 1);
      expect((Todo.find(todo.id) as Todo).title).to.equal("refused edit");
    });
  }

  it("parks a create refused with 422 and gives the error callback the same payload", async () => {
    rails.failNext(422, { title: ["can't be blank"] });
    const seen: unknown[] = [];
    const todo = new Todo({ title: "" });
    todo.save({ remote: true, error: (_record: unknown, payload: unknown) => seen.push(payload) });
    await page.atmos.whenSynced();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include({ model: "Todo", status: 422 });
  });

  it("sends a parked change again on retry(): pending at once, then synced once the server accepts it", async () => {
    const todo = await syncedTodo();
    rails.failNext(409, { error: "busy editing" });
    todo.updateAttributes({ title: "second try" }, { remote: true });
    await page.atmos.whenSynced();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");

    const retried = page.atmos.retry(Todo.find(todo.id) as any);
    expect((Todo.find(todo.id) as any).syncState()).to.equal("pending");
    expect(page.atmos.status()).to.include({ failed: 0 });
    await retried;
    await page.atmos.whenSynced();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("synced");
    expect(rails.records("todos")[0]).to.include({ title: "second try" });
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("parks again when a retry is refused again", async () => {
    const todo = await syncedTodo();
    rails.failNext(422, { title: ["is reserved"] });
    rails.failNext(422, { title: ["is reserved"] });
    todo.updateAttributes({ title: "reserved" }, { remote: true });
    await page.atmos.whenSynced();
    await page.atmos.retry(Todo.find(todo.id) as any);
    expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
    expect(rails.records("todos")[0]).to.include({ title: "on the server" });
  });

  it("restores the last server version on revert(): synced, in Spine and in storage", async () => {
    const todo = await syncedTodo();
    const requestsBefore = rails.requests.length;
    rails.failNext(422, { title: ["is not allowed"] });
    todo.updateAttributes({ title: "not allowed", done: true }, { remote: true });
    await page.atmos.whenSynced();
    const updates: string[] = [];
    Todo.bind("update", (record: Todo) => updates.push(record.title));

    await page.atmos.revert(Todo.find(todo.id) as any);
    Todo.unbind("update");
    const reverted = Todo.find(todo.id) as any;
    expect(reverted.title).to.equal("on the server");
    expect(reverted.done).to.not.equal(true);
    expect(reverted.syncState()).to.equal("synced");
    expect(updates).to.include("on the server");
    const stored = storedEntry(page.storage, "Todo", todo.id);
    expect(stored.attrs.title).to.equal("on the server");
    expect(stored.queue).to.deep.equal([]);
    expect(stored.failed).to.equal(undefined);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
    await page.atmos.push();
    expect(rails.requests.length).to.equal(requestsBefore + 1);
  });

  it("removes a refused create on revert(), since the server never had it", async () => {
    rails.failNext(422, { title: ["can't be blank"] });
    const todo = new Todo({ title: " " });
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    await page.atmos.revert(Todo.find(todo.id) as any);
    await settle();
    expect(Todo.exists(todo.id)).to.not.be.ok;
    expect(storedEntry(page.storage, "Todo", todo.id)).to.equal(undefined);
    expect(page.atmos.status()).to.include({ failed: 0, pending: 0 });
  });

  it("gives a remote destroy's success callback the destroyed record: a Todo with its id and last attributes", async () => {
    const todo = await syncedTodo();
    let given: any = "not called";
    todo.destroy({ remote: true, success: (record: unknown) => (given = record) });
    await page.atmos.whenSynced();
    expect(rails.records("todos")).to.deep.equal([]);
    expect(given).to.be.an.instanceOf(Todo);
    expect(given).to.include({ id: todo.id, title: "on the server" });
    // Handed to the app, not put back into Spine's collection.
    expect(Todo.exists(todo.id)).to.not.be.ok;
  });

  /** A synced todo whose remote destroy the server refused: what the error callback and the error event got. */
  async function refusedDestroy() {
    const todo = await syncedTodo();
    rails.failNext(403, { error: "Forbidden" });
    const event = nextEvent(page.atmos, "error");
    let given: any = "not called";
    todo.destroy({ remote: true, error: (record: unknown) => (given = record) });
    const payload = await event;
    await page.atmos.whenSynced();
    return { todo, given, payload };
  }

  it("gives a refused delete's error callback and error event the record, and retry(payload.record) deletes it on the server", async () => {
    const { todo, given, payload } = await refusedDestroy();
    expect(given).to.be.an.instanceOf(Todo);
    expect(given).to.include({ id: todo.id, title: "on the server" });
    expect(payload.record).to.be.an.instanceOf(Todo);
    expect(payload.record).to.include({ id: todo.id, title: "on the server" });
    expect(page.atmos.syncState("Todo", todo.id)).to.equal("failed");
    expect(Todo.exists(todo.id)).to.not.be.ok;

    await page.atmos.retry(payload.record as Todo);
    await page.atmos.whenSynced();
    expect(rails.records("todos")).to.deep.equal([]);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
    expect(Todo.exists(todo.id)).to.not.be.ok;
  });

  it("brings a refused delete's record back on revert(payload.record), synced", async () => {
    const { todo, payload } = await refusedDestroy();
    await page.atmos.revert(payload.record as Todo);
    const back = Todo.find(todo.id) as any;
    expect(back.title).to.equal("on the server");
    expect(back.syncState()).to.equal("synced");
    expect(rails.records("todos")).to.have.length(1);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  describe("a record whose parent (remoteKeys) is parked", () => {
    /** `promise`, or a rejection saying what did not settle within 5 s (instead of a hang until mocha's timeout). */
    const within5s = <T>(promise: Promise<T>, what: string) =>
      Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not settle within 5 s`)), 5000).unref())]);

    /** A project whose create the server refused, and a todo in it saved remotely. */
    async function todoInRefusedProject() {
      rails.failNext(422, { name: ["is reserved"] });
      const project = new Project({ name: "Home" });
      project.save({ remote: true });
      const todo = new Todo({ title: "sweep", projectID: project.id });
      todo.save({ remote: true });
      await within5s(page.atmos.whenSynced(), "whenSynced()");
      return { project, todo };
    }

    it("waits, unsent, without holding up whenSynced(), which leaves parked changes out", async () => {
      const { project, todo } = await todoInRefusedProject();
      expect(page.atmos.syncState("Project", project.id)).to.equal("failed");
      expect(page.atmos.syncState("Todo", todo.id)).to.equal("pending");
      expect(rails.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(["POST /projects"]);
      expect(page.atmos.status()).to.deep.equal({ pending: 1, inFlight: 0, failed: 1, online: true });
      expect(page.atmos.outbox().map((row) => [row.model, row.state])).to.deep.equal([
        ["Project", "parked"],
        ["Todo", "waiting"],
      ]);
      // Asking for it again changes nothing while the parent is parked, and does not hang.
      await within5s(page.atmos.retry(Todo.find(todo.id) as any), "retry(todo)");
      await within5s(page.atmos.push(), "push()");
      expect(rails.requests).to.have.length(1);
    });

    it("is sent, with the parent's server id, once the parent is retried and accepted", async () => {
      const { project, todo } = await todoInRefusedProject();
      await page.atmos.retry(Project.find(project.id) as any);
      await within5s(page.atmos.whenSynced(), "whenSynced()");
      const [serverProject] = rails.records("projects");
      expect(rails.records("todos")).to.have.length(1);
      expect(String(rails.records("todos")[0].projectID)).to.equal(String(serverProject.id));
      expect(page.atmos.syncState("Todo", String(Todo.first()!.id))).to.equal("synced");
      expect(todo.projectID).to.equal(String(serverProject.id));
      expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
    });
  });

  it("keeps a parked change across a reload, still failed and still revertible", async () => {
    const todo = await syncedTodo();
    rails.failNext(422, { title: ["is not allowed"] });
    todo.updateAttributes({ title: "not allowed" }, { remote: true });
    await page.atmos.whenSynced();
    const atmos = await page.reload();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
    expect(atmos.status()).to.include({ failed: 1 });
    await atmos.revert(Todo.find(todo.id) as any);
    expect((Todo.find(todo.id) as any).title).to.equal("on the server");
  });

  // Found by an outside review following the README: a refused create fixed
  // with a plain save() (a form that saves locally, a "sync now" button that
  // calls push()) stayed parked: push() sent nothing and the record said
  // "failed" with the old refusal. API.md: a plain save marks the record as
  // having unsent changes, and push() sends every unsent change.
  describe("fixed with a plain save()", () => {
    async function refusedCreate(): Promise<Todo> {
      rails.failNext(422, { title: ["can't be blank"] });
      const todo = new Todo({ title: "" });
      todo.save({ remote: true });
      await page.atmos.whenSynced();
      return Todo.find(todo.id) as Todo;
    }

    it("is unsent, not failed, and the next push() sends it once", async () => {
      const todo = await refusedCreate();
      todo.title = "fixed after the refusal";
      todo.save();
      expect((Todo.find(todo.id) as any).syncState(), "after the plain save").to.equal("local");
      expect(page.atmos.status()).to.include({ failed: 0 });
      await clock.runAll();
      expect(rails.requests.map((r) => r.method), "before push()").to.deep.equal(["POST"]);

      await page.atmos.push();
      await page.atmos.whenSynced();
      expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["fixed after the refusal"]);
      expect(Todo.all().map((kept) => (kept as any).syncState())).to.deep.equal(["synced"]);
    });

    it("stays parked when the save changes nothing", async () => {
      const todo = await refusedCreate();
      todo.save();
      await page.atmos.push();
      expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
      expect(rails.requests).to.have.length(1);
    });
  });
});
