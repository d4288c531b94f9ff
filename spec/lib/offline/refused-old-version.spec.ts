import { expect } from "chai";
import { FakeClock } from "../../fakes/fake-clock";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { openPage, recordEvents, storedEntry, type OfflinePage } from "./offline-page";

/**
 * The user saves again while a refused request is still on its way: the
 * refusal judged an old version, and the newest one is sent (once).
 * The server is a Rails scaffold whose validation refuses a blank title.
 */
describe("offline: a change saved while a refused request was on its way is sent", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;
  let clock: FakeClock;
  /** Answers that reached the client and wait for `answerNext()` (a slow network). */
  let waiting: Array<() => void>;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    clock = new FakeClock();
    page = openPage({ base: rails.url, clock });
    waiting = [];
    answerSlowly();
  });
  afterEach(async () => {
    page.close();
    await rails.close();
  });

  /** From now on each answer waits for `answerNext()` (a slow network). */
  function answerSlowly(): void {
    page.atmos.resourceClient.fetch = async (url, init) => {
      const response = await fetch(url, init);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return response;
    };
  }

  /** Waits until the server has answered a request the client has not heard yet. */
  async function answerArrives(): Promise<void> {
    for (let i = 0; waiting.length === 0; i++) {
      if (i > 2000) throw new Error("no request was sent");
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** The client hears the server's answer. */
  function answerNext(): void {
    waiting.shift()?.();
  }

  const sent = () => rails.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify((r.body as any)?.title)}`);
  const state = (todo: Todo) => (Todo.find(todo.id) as any).syncState();

  /** A record the server has, and an update to a blank title (which the server refuses) still on its way. */
  async function refusedUpdateOnItsWay(): Promise<Todo> {
    page.atmos.resourceClient.fetch = (url, init) => fetch(url, init);
    new Todo({ title: "Bread" }).save({ remote: true });
    await page.atmos.whenSynced();
    const synced = Todo.all()[0] as Todo;
    answerSlowly();
    synced.updateAttributes({ title: "" }, { remote: true });
    await answerArrives();
    return synced;
  }

  /** Lets every request go through at once from now on. */
  async function answerAll(): Promise<void> {
    page.atmos.resourceClient.fetch = (url, init) => fetch(url, init);
    answerNext();
    await page.atmos.whenSynced();
  }

  it("sends the fix saved while the refused create was on its way: error for the blank title, then the fix is created", async () => {
    const errors = recordEvents(page.atmos, "error");
    const firstSave: string[] = [];
    const fixSave: string[] = [];
    const todo = new Todo({ title: "" });
    todo.save({ remote: true, error: () => firstSave.push("error"), success: () => firstSave.push("success") });
    await answerArrives();

    todo.title = "Milk";
    todo.save({ remote: true, error: () => fixSave.push("error"), success: () => fixSave.push("success") });
    answerNext(); // 422: title can't be blank
    await answerArrives();
    // The fix is on its way: pending, not failed.
    expect(state(todo)).to.equal("pending");
    expect(page.atmos.status()).to.include({ failed: 0 });
    expect(errors.map((e) => e.status)).to.deep.equal([422]);
    expect(firstSave).to.deep.equal(["error"]);
    await answerAll();

    expect(sent()).to.deep.equal(['POST /todos ""', 'POST /todos "Milk"']);
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["Milk"]);
    const saved = Todo.all()[0] as any;
    expect(saved.title).to.equal("Milk");
    expect(saved.syncState()).to.equal("synced");
    expect(fixSave).to.deep.equal(["success"]);
    expect(firstSave).to.deep.equal(["error"]);
    expect(errors).to.have.length(1);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
    expect(storedEntry(page.storage, "Todo", saved.id)).to.include({ acked: true });
    // Two creates with different bodies: two Idempotency-Keys.
    const [first, second] = rails.requests.map((r) => r.headers["idempotency-key"]);
    expect(second).to.be.a("string").and.not.equal(first);
  });

  it("parks the newer version when the server refuses it too: exactly two requests, state failed", async () => {
    const errors = recordEvents(page.atmos, "error");
    const todo = new Todo({ title: "" });
    todo.save({ remote: true });
    await answerArrives();
    todo.title = "   ";
    todo.save({ remote: true });
    await answerAll();

    expect(sent()).to.deep.equal(['POST /todos ""', 'POST /todos "   "']);
    expect(state(todo)).to.equal("failed");
    expect(errors.map((e) => e.status)).to.deep.equal([422, 422]);
    // Parked: no timer nor push() sends it again.
    await clock.runAll();
    await page.atmos.push();
    expect(rails.requests).to.have.length(2);
    expect(storedEntry(page.storage, "Todo", todo.id).failed).to.include({ status: 422 });
    expect(storedEntry(page.storage, "Todo", todo.id).queue).to.have.length(1);
    // The user fixes it after the failure: saving again sends again.
    todo.title = "Milk";
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["Milk"]);
    expect((Todo.all()[0] as any).syncState()).to.equal("synced");
  });

  it("sends the newer version of an update refused while the user edited again", async () => {
    page.atmos.resourceClient.fetch = (url, init) => fetch(url, init);
    const todo = new Todo({ title: "Bread" });
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    const synced = Todo.all()[0] as Todo;
    answerSlowly();

    synced.updateAttributes({ title: "" }, { remote: true });
    await answerArrives();
    synced.updateAttributes({ title: "Butter", done: true }, { remote: true });
    await answerAll();

    expect(sent().slice(1)).to.deep.equal([`PUT /todos/${synced.id} ""`, `PUT /todos/${synced.id} "Butter"`]);
    expect(rails.records("todos")[0]).to.include({ title: "Butter", done: true });
    expect(state(synced)).to.equal("synced");
  });

  it("sends the delete when the user destroyed a record whose update was refused on its way", async () => {
    const synced = await refusedUpdateOnItsWay();
    synced.destroy({ remote: true });
    await answerAll();

    expect(sent().slice(1)).to.deep.equal([`PUT /todos/${synced.id} ""`, `DELETE /todos/${synced.id} undefined`]);
    expect(rails.records("todos")).to.deep.equal([]);
    expect(storedEntry(page.storage, "Todo", synced.id)).to.equal(undefined);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("sends nothing more when the user destroyed the record whose create was refused", async () => {
    const todo = new Todo({ title: "" });
    todo.save({ remote: true });
    await answerArrives();
    todo.destroy({ remote: true });
    await answerAll();

    expect(sent()).to.deep.equal(['POST /todos ""']);
    expect(Todo.exists(todo.id)).to.not.be.ok;
    expect(storedEntry(page.storage, "Todo", todo.id)).to.equal(undefined);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("leaves a refused change parked when the newer version was saved without remote", async () => {
    const todo = new Todo({ title: "" });
    todo.save({ remote: true });
    await answerArrives();
    todo.title = "Milk";
    todo.save();
    await answerAll();

    expect(sent()).to.deep.equal(['POST /todos ""']);
    expect(state(todo)).to.equal("failed");
  });

  it("sends the newer version saved without remote on push(), instead of leaving the refused one parked", async () => {
    const todo = new Todo({ title: "" });
    todo.save({ remote: true });
    await answerArrives();
    todo.title = "Milk";
    todo.save();
    await answerAll();
    expect(state(todo)).to.equal("failed");

    await Todo.push();
    expect(sent()).to.deep.equal(['POST /todos ""', 'POST /todos "Milk"']);
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["Milk"]);
    expect(state(Todo.first()!)).to.equal("synced");
  });

  it("sends on push() the delete of a record destroyed without remote while its refused update was on its way", async () => {
    const synced = await refusedUpdateOnItsWay();
    synced.destroy();
    await answerAll();
    expect(Todo.destroyedIds()).to.deep.equal([synced.id]);

    await Todo.push();
    expect(sent().slice(1)).to.deep.equal([`PUT /todos/${synced.id} ""`, `DELETE /todos/${synced.id} undefined`]);
    expect(rails.records("todos")).to.deep.equal([]);
    expect(Todo.destroyedIds()).to.deep.equal([]);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });
});
