import { expect } from "chai";
import { FakeClock } from "../../fakes/fake-clock";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { nextEvent, openPage, storedEntry, type OfflinePage } from "./offline-page";

/**
 * API.md: "A record received without a value in IDField is rejected with an
 * error naming the model and the field; nothing is stored from that response."
 */
describe("a server answer that is not a record (no value in IDField)", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    page = openPage({ base: rails.url, clock: new FakeClock() });
  });
  afterEach(async () => {
    page.close();
    await rails.close();
  });

  it("to an update: stores nothing from it and says so in an error event naming the model and the field; the update counts as accepted", async () => {
    new Todo({ title: "first" }).save({ remote: true });
    await page.atmos.whenSynced();
    const todo = Todo.first() as Todo;
    rails.failNext(200, { ok: true, title: "not from a record" });
    const error = nextEvent(page.atmos, "error");
    todo.updateAttributes({ title: "edited" }, { remote: true });
    const payload = await error;
    await page.atmos.whenSynced();

    expect(payload).to.include({ model: "Todo", status: 200 });
    expect(payload.error.message).to.match(/Todo/).and.to.match(/"id"/);
    const now = Todo.find(todo.id) as Todo;
    expect(now.attributes()).to.not.have.property("ok");
    expect(now.title).to.equal("edited");
    expect(storedEntry(page.storage, "Todo", todo.id).attrs).to.not.have.property("ok");
    expect((now as any).syncState()).to.equal("synced");
  });

  it("to an update with an empty body (204): nothing to store, no error", async () => {
    new Todo({ title: "first" }).save({ remote: true });
    await page.atmos.whenSynced();
    const errors: unknown[] = [];
    page.atmos.on("error", (e) => errors.push(e));
    rails.failNext(204, "");
    (Todo.first() as Todo).updateAttributes({ title: "edited" }, { remote: true });
    await page.atmos.whenSynced();
    expect(errors).to.deep.equal([]);
    expect(((Todo.first() as Todo) as any).syncState()).to.equal("synced");
  });
});
