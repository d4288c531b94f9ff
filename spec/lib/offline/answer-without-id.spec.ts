import { expect } from "chai";
import { Todo } from "../models";
import { nextEvent, railsPage, storedEntry } from "./offline-page";

/**
 * API.md: "A record received without a value in IDField is rejected with an
 * error naming the model and the field; nothing is stored from that response."
 */
describe("a server answer that is not a record (no value in IDField)", () => {
  const fixture = railsPage();

  it("to an update: stores nothing from it and says so in an error event naming the model and the field; the update counts as accepted", async () => {
    new Todo({ title: "first" }).save({ remote: true });
    await fixture.page.atmos.whenSynced();
    const todo = Todo.first() as Todo;
    fixture.rails.failNext(200, { ok: true, title: "not from a record" });
    const error = nextEvent(fixture.page.atmos, "error");
    todo.updateAttributes({ title: "edited" }, { remote: true });
    const payload = await error;
    await fixture.page.atmos.whenSynced();

    expect(payload).to.include({ model: "Todo", status: 200 });
    expect(payload.error.message).to.match(/Todo/).and.to.match(/"id"/);
    const now = Todo.find(todo.id) as Todo;
    expect(now.attributes()).to.not.have.property("ok");
    expect(now.title).to.equal("edited");
    expect(storedEntry(fixture.page.storage, "Todo", todo.id).attrs).to.not.have.property("ok");
    expect((now as any).syncState()).to.equal("synced");
  });

  it("to an update with an empty body (204): nothing to store, no error", async () => {
    new Todo({ title: "first" }).save({ remote: true });
    await fixture.page.atmos.whenSynced();
    const errors: unknown[] = [];
    fixture.page.atmos.on("error", (e) => errors.push(e));
    fixture.rails.failNext(204, "");
    (Todo.first() as Todo).updateAttributes({ title: "edited" }, { remote: true });
    await fixture.page.atmos.whenSynced();
    expect(errors).to.deep.equal([]);
    expect(((Todo.first() as Todo) as any).syncState()).to.equal("synced");
  });
});
